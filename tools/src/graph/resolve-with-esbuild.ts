import type * as esbuildTypes from 'esbuild';
import { posix, sep } from 'node:path';
import { createResolveOptions } from './bundler-options.js';

/** One import to resolve; requests with the same `key` are known to resolve alike and are asked once. */
export interface ResolveRequest {
  specifier: string;
  /** Absolute path of the importing file. */
  importer: string;
  key: string;
}

/** esbuild's answer for one request. */
export interface ResolveResult {
  path: string;
  external: boolean;
  errors: unknown[];
}

/** Resolves a batch of requests, in order. */
export type ResolveAll = (requests: ResolveRequest[]) => Promise<ResolveResult[]>;

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** Where and how the resolver build runs. */
export interface EsbuildResolverOptions {
  /** The esbuild API to build with: the analysis passes its own service (see createEsbuildService). */
  esbuild: { build: typeof esbuildTypes.build };
  /** Absolute directory imports resolve from (esbuild's absWorkingDir). */
  root: string;
  /** One tsconfig for every file, or undefined to let esbuild pick per file. */
  tsconfig: string | undefined;
  /** Absolute outdir of the build (the analysis gives one under the cache directory); nothing is written there. */
  outdir: string;
  /** Plugins that answer some imports first (workspace packages into their source). @default none */
  plugins?: esbuildTypes.Plugin[];
}

/**
 * Runs `work` inside one esbuild build, handing it esbuild's own resolver. However many
 * rounds `work` needs (types reach types), it pays for one build: esbuild only lends its
 * resolver to plugins of a running build.
 */
export async function withEsbuildResolver(options: EsbuildResolverOptions, work: (resolveAll: ResolveAll) => Promise<void>): Promise<void> {
  const { esbuild, root, tsconfig, outdir } = options;
  const seen = new Map<string, Promise<esbuildTypes.ResolveResult>>();
  let failure: { error: unknown } | null = null;
  await esbuild.build({
    ...createResolveOptions(root), ...(tsconfig ? { tsconfig } : {}), stdin: { contents: '' }, write: false, packages: 'external', outdir,
    plugins: [...(options.plugins ?? []), {
      name: 'tessera-resolve',
      setup(build) {
        const resolveAll: ResolveAll = async (requests) => {
          const resolved = await Promise.all(requests.map((r) => {
            let promise = seen.get(r.key);
            if (!promise) {
              promise = build.resolve(r.specifier, { kind: 'import-statement', resolveDir: posix.dirname(toPosix(r.importer)), importer: r.importer });
              seen.set(r.key, promise);
            }
            return promise;
          }));
          return resolved.map((r) => ({ path: r.path, external: r.external, errors: r.errors }));
        };
        build.onStart(async () => {
          try {
            await work(resolveAll);
          } catch (error) {
            // Thrown here it would come back as an esbuild message; keep the error itself.
            failure = { error };
          }
        });
      },
    }],
  });
  if (failure) throw (failure as { error: unknown }).error;
}
