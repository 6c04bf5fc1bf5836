import { EDGE_KINDS, type FileGraph } from './file-graph.js';

/** What `tessera graph --format dot` draws. */
export interface GraphDotView {
  /** The apps shown, each entry a workspace-relative path: drawn filled and labelled with the app. */
  apps: readonly { name: string; entries: readonly string[] }[];
  /** Ids of the files whose imports are drawn (the files the apps reach), in drawing order. */
  files: Iterable<number>;
}

/**
 * The graph as a Graphviz document (https://graphviz.org/doc/info/lang.html), ending in a
 * newline: one node per app entry, one edge per import of each file in `view.files`, dashed
 * and labelled with its kind unless it is a plain static import. Pure, so the CLI only
 * prints it and the drawing is tested without a workspace.
 */
export function renderGraphDot(graph: FileGraph, view: GraphDotView): string {
  const lines = ['digraph tessera {', '  rankdir=LR;', '  node [shape=box, fontname="monospace", fontsize=10];'];
  for (const app of view.apps) for (const e of app.entries) lines.push(`  ${JSON.stringify(e)} [style=filled, fillcolor="#dbeafe", label=${JSON.stringify(`${app.name}\n${e}`)}];`);
  for (const from of view.files) {
    const edges = graph.edges[from]!;
    for (let i = 0; i < edges.length; i += 2) {
      const kind = EDGE_KINDS[edges[i + 1]!];
      lines.push(`  ${JSON.stringify(graph.files[from])} -> ${JSON.stringify(graph.files[edges[i]!])}${kind === 'static' ? '' : ` [style=dashed, label=${JSON.stringify(kind)}]`};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
