import type { ProjectType } from '../workspace/project.js';

// What `tessera graph --format html` embeds in its page: computed by compute-graph-page.ts,
// read by the page's script (page/main.ts), which may import nothing that needs Node.

/** One project drawn on the graph page: an app, or a library (or e2e project) whose files apps reach. */
export interface GraphPageNode {
  name: string;
  type: ProjectType;
  root: string;
  framework: string | null;
  /** Apps: how far Tessera proves its inputs (`file`, or `project` when it falls back). Libraries: null. */
  precision: 'file' | 'project' | null;
  /** Apps: its entry files, as ids into `GraphPageData.files`. */
  entries: number[];
  /** Apps: every input file. Libraries: those of its files some app shown reaches. Ids into `files`. */
  files: number[];
  /** Apps: the npm packages its inputs import. */
  packages: string[];
  /** Libraries: the apps shown whose inputs hold one of its files. */
  usedBy: string[];
  /** Top-left corner of its box on the page, in CSS pixels. */
  x: number;
  y: number;
}

/** The import chain `--why APP --file F` asks for: from the app's nearest entry to the file. */
export interface GraphPageWhy {
  app: string;
  file: string;
  /** Shortest first step to last; null when the app does not reach the file. */
  chain: { file: string; kind: string }[] | null;
}

/** Everything `tessera graph --format html` draws and its page script reads. Plain data (JSON). */
export interface GraphPageData {
  /** Every file an app shown reaches, sorted. */
  files: string[];
  /** `owners[i]`: the index in `nodes` of the project holding files[i], or -1 (a file of no project). */
  owners: number[];
  /** Apps first (by name), then libraries (by name). */
  nodes: GraphPageNode[];
  /** Project-level dependencies, `[from, to]` indices into `nodes`: a file of `from` imports a file of `to`. */
  edges: [number, number][];
  why: GraphPageWhy | null;
  /** The size of the drawing, in CSS pixels. */
  width: number;
  height: number;
}
