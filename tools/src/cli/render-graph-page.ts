import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TesseraError } from '../errors/tessera-error.js';
import { computeGraphPage } from '../graph/compute-graph-page.js';
import { readFileTable } from '../graph/file-graph.js';
import type { GraphSnapshot } from '../graph/graph-cache.js';
import { readGraphPageScript } from '../graph/read-graph-page-script.js';
import { renderGraphHtml } from '../graph/render-graph-html.js';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `--why APP --file F` belong to `--format html` (the page highlights the chain); checked before
 * the graph is analysed, so a wrong combination fails at once.
 */
export function checkGraphPageFlags(values: Values, format: string): void {
  const why = typeof values.why === 'string';
  const file = typeof values.file === 'string';
  if ((why || file) && format !== 'html') {
    throw new TesseraError('TESSERA_USAGE', `--${why ? 'why' : 'file'} goes with --format html, whose page highlights the import chain`, { hint: 'Add --format html, or run `tessera affected --why APP` for the reasons a change touches an app.' });
  }
  if (file !== why) throw new TesseraError('TESSERA_USAGE', why ? '--why APP highlights the import chain to one file; it needs --file PATH' : '--file names the file whose import chain --why APP highlights; it needs --why APP', { hint: 'tessera graph --format html --why APP --file PATH' });
  if (format === 'html' && values.cycles) throw new TesseraError('TESSERA_USAGE', '--cycles lists import cycles as JSON or text; it does not go with --format html');
  if (why && typeof values.app === 'string' && values.app !== values.why) {
    throw new TesseraError('TESSERA_USAGE', `--why ${values.why} explains an app the page does not show (--app ${values.app})`, { hint: `Drop --app, or use --app ${values.why}.` });
  }
}

/** A path as the graph names files: workspace-relative POSIX; as given when the graph has it, else resolved from the current directory. */
function resolveGraphPath(snapshot: GraphSnapshot, file: string, root: string, cwd: string): string {
  const table = readFileTable(snapshot.graph);
  const given = file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!isAbsolute(file) && table.idOf(given) !== undefined) return given;
  return relative(root, resolve(cwd, file)).split(sep).join('/');
}

/**
 * `tessera graph --format html`: the page of the apps shown (`--app`, else all) with the
 * `--why APP --file F` chain, or TESSERA_UNKNOWN_APP / TESSERA_GRAPH_NOT_AN_INPUT naming what to do.
 */
export function renderGraphPage(snapshot: GraphSnapshot, values: Values, root: string, cwd: string): string {
  const { graph } = snapshot;
  const appNames = graph.apps.map((a) => a.name);
  const app = typeof values.why === 'string' ? values.why : typeof values.app === 'string' ? values.app : undefined;
  if (app !== undefined && !appNames.includes(app)) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${app}"`, { hint: `Apps: ${appNames.join(', ')}` });
  const why = typeof values.why === 'string' && typeof values.file === 'string' ? { app: values.why, file: resolveGraphPath(snapshot, values.file, root, cwd) } : undefined;
  const data = computeGraphPage(snapshot.projects, graph, { apps: typeof values.app === 'string' ? [values.app] : undefined, why });
  if (why && !data.why?.chain) {
    throw new TesseraError('TESSERA_GRAPH_NOT_AN_INPUT', `${why.file} is not an input of ${why.app}: no import chain leads from its entries to it`, { hint: `\`tessera graph --app ${why.app}\` lists its input files (workspace-relative paths).` });
  }
  return renderGraphHtml(data, { script: readGraphPageScript() });
}
