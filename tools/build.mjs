// Compiles Tessera (tools/src) to JavaScript once, at install time (`prepare`), so that
// `tessera` starts without a TypeScript loader. Commands are split into lazy chunks.
import * as esbuild from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
const outdir = join(here, 'dist');
rmSync(outdir, { recursive: true, force: true });
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
  define: { TESSERA_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
