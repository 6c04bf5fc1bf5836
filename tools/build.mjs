// Compiles Tessera (tools/src) to JavaScript once, at install time (`prepare`), so that
// `tessera` starts without a TypeScript loader. Commands are split into lazy chunks.
// The report page's script (tools/src/report/page, with ansi_up) and the graph page's
// (tools/src/graph/page) are bundled for the browser first and inlined into the CLI as
// TESSERA_REPORT_PAGE and TESSERA_GRAPH_PAGE; dist/report-page.js and dist/graph-page.js are
// the same texts, for tests that run Tessera from its sources.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
const outdir = join(here, 'dist');
rmSync(outdir, { recursive: true, force: true });
/** One page script, bundled and minified for the browsers the pages support. */
async function buildPageScript(entry) {
  const page = await esbuild.build({
    entryPoints: [join(here, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return page.outputFiles[0].text;
}
const pageScript = await buildPageScript('src/report/page/main.ts');
const graphPageScript = await buildPageScript('src/graph/page/main.ts');
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'report-page.js'), pageScript);
writeFileSync(join(outdir, 'graph-page.js'), graphPageScript);
// The JSON Schema of tessera.config.json, at a stable path of the package
// (`tessera-build/tessera.config.schema.json`), which `$schema` in a config can name.
const schemaModule = await esbuild.build({ entryPoints: [join(here, 'src/workspace/config.ts')], bundle: true, write: false, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
const { CONFIG_SCHEMA, AJV_OPTIONS } = await import(`data:text/javascript;base64,${Buffer.from(schemaModule.outputFiles[0].text).toString('base64')}`);
// The schema's validator, compiled ahead of time (ajv standalone) and bundled in place of
// src/workspace/config-validator.ts, so no command compiles the schema at start-up.
const { default: Ajv } = await import('ajv');
const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
const validatorFile = join(outdir, '.config-validator.mjs');
writeFileSync(validatorFile, standaloneCode(ajv, ajv.compile(CONFIG_SCHEMA)));
const precompiledValidator = {
  name: 'tessera-precompiled-config-validator',
  setup(build) {
    build.onLoad({ filter: /[\\/]workspace[\\/]config-validator\.ts$/ }, () => ({ contents: `export { default as precompiledValidator } from ${JSON.stringify(validatorFile)};`, loader: 'js', resolveDir: outdir }));
  },
};

/** What the CLI and the API are built with: Node ESM, split into lazily loaded chunks. */
const nodeBuild = {
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Run-time dependencies are installed with the package; fastify and Octokit are bundled in
  // (lazily, with `tessera serve`): their current releases pull in packages that declare
  // Node >= 22, which the overrides in package.json pin for this build but could not pin in a
  // user's install.
  external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})],
  sourcemap: 'linked',
  // The bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __tesseraCreateRequire } from 'node:module'; const require = __tesseraCreateRequire(import.meta.url);" },
  define: { TESSERA_VERSION: JSON.stringify(pkg.version), TESSERA_REPORT_PAGE: JSON.stringify(pageScript), TESSERA_GRAPH_PAGE: JSON.stringify(graphPageScript) },
  plugins: [precompiledValidator],
  logLevel: 'warning',
};
await esbuild.build({ ...nodeBuild, entryPoints: { main: join(here, 'src/cli/main.ts'), 'run-cli': join(here, 'src/cli/run-cli.ts'), 'graph-worker': join(here, 'src/graph/graph-worker.ts') }, chunkNames: 'chunks/[name]-[hash]' });
// The programmatic API (package.json "exports"), built on its own: sharing chunks with the CLI
// would split the CLI's start-up path into more files to load.
await esbuild.build({ ...nodeBuild, entryPoints: { api: join(here, 'src/pipelines/api.ts') }, chunkNames: 'chunks/api-[name]-[hash]' });

writeFileSync(join(outdir, 'tessera.config.schema.json'), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'tessera.config.json', ...CONFIG_SCHEMA }, null, 2) + '\n');
// Bundled into the CLI and the API above; not a file of the package.
rmSync(validatorFile);
