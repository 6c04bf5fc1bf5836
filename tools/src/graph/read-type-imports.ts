import { posix } from 'node:path';
import { COMPONENT, CSS, SOURCE, isBare, packageNameOf, type AnalysisContext } from './analysis-context.js';
import type { EsbuildService } from './create-esbuild-service.js';
import { createPathsOriginLocator } from './read-aliases.js';
import { withEsbuildResolver } from './resolve-with-esbuild.js';

/** How the type-only pass reaches esbuild's resolver. */
export interface TypeImportsOptions {
  /** The analysis's own esbuild service (see createEsbuildService). */
  esbuild: Pick<EsbuildService, 'build'>;
  /** One tsconfig for every file, or undefined to let esbuild pick per file. */
  tsconfig: string | undefined;
  /** Absolute outdir for the resolver build; nothing is written there. */
  outdir: string;
  /** Plugins esbuild's resolver consults first (workspace packages). */
  plugins?: import('esbuild').Plugin[];
}

/**
 * The pass for what the bundler erases (imports used only as types): resolves every import
 * on `context.pending` with esbuild's own resolver, adds the edges, and scans the files
 * reached for the first time, round after round (types reach types), in one resolver build.
 */
export async function readTypeOnlyImports(context: AnalysisContext, options: TypeImportsOptions): Promise<void> {
  const { root, state, pending, abs, rel, aliasBases, addUnresolved } = context;
  if (!pending.length) return;
  const pathsOrigin = createPathsOriginLocator(root);
  await withEsbuildResolver({ esbuild: options.esbuild, root, tsconfig: options.tsconfig, outdir: options.outdir, plugins: options.plugins }, async (resolveAll) => {
    while (pending.length) {
      const batch = pending.splice(0);
      // A path alias resolves alike from every directory under the same tsconfig `paths`:
      // resolve it once per (paths origin, specifier) instead of once per importing directory.
      const results = await resolveAll(batch.map((p) => ({ specifier: p.specifier, importer: abs(p.importer), key: isBare(p.specifier) ? `${pathsOrigin(posix.dirname(p.importer))}\0${p.specifier}` : `${posix.dirname(p.importer)}\0${p.specifier}` })));
      batch.forEach((p, i) => {
        const from = state.idOf(p.importer);
        const r = results[i]!;
        if (r.errors.length > 0 || !r.path) {
          if (!r.external) addUnresolved(from, p.specifier);
          else if (isBare(p.specifier)) state.addPackage(from, packageNameOf(p.specifier));
          return;
        }
        if (r.external) {
          // A path alias whose target is gone falls through to "bare package" in esbuild:
          // for Tessera that is an import that no longer resolves, never an npm package.
          if (isBare(p.specifier) && aliasBases(p.specifier)) addUnresolved(from, p.specifier);
          else if (isBare(r.path)) state.addPackage(from, packageNameOf(r.path));
          return;
        }
        const target = rel(r.path);
        if (target.startsWith('../') || target.includes('node_modules/')) {
          if (target.includes('node_modules/')) state.addPackage(from, packageNameOf(target));
          return;
        }
        const isNew = !state.ids.has(target);
        state.addEdge(from, state.idOf(target), p.kind);
        if (isNew && (SOURCE.test(target) || CSS.test(target))) context.scanText(target, state.idOf(target), new Set(), 'type');
        else if (isNew && COMPONENT.test(target)) context.scanText(target, state.idOf(target), new Set(), 'static');
      });
    }
  });
}
