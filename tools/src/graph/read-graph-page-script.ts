import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The page script, inlined by tools/build.mjs into the compiled CLI. */
declare const TESSERA_GRAPH_PAGE: string | undefined;

let cached: string | undefined;

/**
 * The graph page's script (graph/page/main.ts), bundled for the browser by tools/build.mjs.
 * The compiled CLI carries it inline; run from its sources (tests), Tessera reads the copy the
 * build wrote to tools/dist/graph-page.js.
 */
export function readGraphPageScript(): string {
  if (cached !== undefined) return cached;
  if (typeof TESSERA_GRAPH_PAGE === 'string') return (cached = TESSERA_GRAPH_PAGE);
  const file = fileURLToPath(new URL('../../dist/graph-page.js', import.meta.url));
  try {
    return (cached = readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`The graph page script ${file} is missing: run \`node tools/build.mjs\` (npm install and npm test do)`, { cause: error });
  }
}
