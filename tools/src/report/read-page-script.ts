import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The page script, inlined by tools/build.mjs into the compiled CLI. */
declare const TESSERA_REPORT_PAGE: string | undefined;

let cached: string | undefined;

/**
 * The report page's script: the timeline, the log panel and ansi_up, bundled for the browser
 * by tools/build.mjs. The compiled CLI carries it inline; run from its sources (tests), Tessera
 * reads the copy the build wrote to tools/dist/report-page.js.
 */
export function readPageScript(): string {
  if (cached !== undefined) return cached;
  if (typeof TESSERA_REPORT_PAGE === 'string') return (cached = TESSERA_REPORT_PAGE);
  const file = fileURLToPath(new URL('../../dist/report-page.js', import.meta.url));
  try {
    return (cached = readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`The report page script ${file} is missing: run \`node tools/build.mjs\` (npm install and npm test do)`, { cause: error });
  }
}
