import { readPageScript } from '../html/read-page-script.js';

/** The page script, inlined by tools/build.mjs into the compiled CLI. */
declare const TESSERA_GRAPH_PAGE: string | undefined;

/** The graph page's script (graph/page/main.ts), bundled for the browser. */
export const readGraphPageScript = (): string => readPageScript(typeof TESSERA_GRAPH_PAGE === 'string' ? TESSERA_GRAPH_PAGE : undefined, 'graph-page.js');
