// Compiles Tessera (tools/src) to JavaScript once, at install time (`prepare`), so that
// `tessera` starts without a TypeScript loader. Commands are split into lazy chunks.
// The report page's script (tools/src/report/page, with ansi_up) is bundled for the browser
// first and inlined into the CLI as TESSERA_REPORT_PAGE; dist/report-page.js is the same
// text, for tests that run Tessera from its sources.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
const outdir = join(here, 'dist');
rmSync(outdir, { recursive: true, force: true });
const page = await esbuild.build({
  entryPoints: [join(here, 'src/report/page/main.ts')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const pageScript = page.outputFiles[0].text;
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'report-page.js'), pageScript);
await esbuild.build({
  entryPoints: { main: join(here, 'src/cli/main.ts'), 'run-cli': join(here, 'src/cli/run-cli.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: { TESSERA_VERSION: JSON.stringify(pkg.version), TESSERA_REPORT_PAGE: JSON.stringify(pageScript) },
  logLevel: 'warning',
});
