import type * as esbuildTypes from 'esbuild';
import { createRequire } from 'node:module';

/** Go runtime variables for an esbuild service process (https://pkg.go.dev/runtime#hdr-Environment_Variables). */
export interface GoRuntimeEnv {
  GOGC: string;
  GOMEMLIMIT: string;
}

/**
 * The Go settings to start an esbuild service with: the collector off until the heap nears
 * `memoryLimit`, unless the user set GOGC or GOMEMLIMIT (then theirs apply, and we add
 * nothing, since one without the other would change what they asked for).
 */
export function resolveGoRuntimeEnv(env: Readonly<Record<string, string | undefined>>, memoryLimit: string): GoRuntimeEnv | null {
  if (env.GOGC !== undefined || env.GOMEMLIMIT !== undefined) return null;
  return { GOGC: 'off', GOMEMLIMIT: memoryLimit };
}

/** An esbuild service of one's own: its `build` runs in a process no other caller shares. */
export interface EsbuildService {
  build: typeof esbuildTypes.build;
  /** Ends the service process. The service must not be used afterwards. */
  stop(): Promise<void>;
}

/** What the analysis's esbuild service runs with. */
export interface EsbuildServiceOptions {
  /** GOMEMLIMIT of the service, with GOGC=off (see resolveGoRuntimeEnv). */
  goMemoryLimit: string;
}

/**
 * Starts an esbuild service process of its own, with the Go settings resolveGoRuntimeEnv
 * gives for this process's environment.
 *
 * Why this shape: esbuild's JS API keeps one service process per loaded copy of its module,
 * spawned on first use with `child_process.spawn` and no `env` option, so the child takes
 * `process.env` as it is at that instant, and Go reads GOGC/GOMEMLIMIT only at startup.
 * There is no option to hand the child an environment. So:
 * - a fresh copy of esbuild's module (its `lib/main.js` is one self-contained file) is
 *   loaded past the require cache, giving a service no other esbuild user in this process
 *   shares: the app bundles and anyone else keep the default runtime, and each analysis
 *   gets its own budget instead of whatever the first spawn used;
 * - its process is spawned right away by `initialize()`, which only spawns, with GOGC and
 *   GOMEMLIMIT set on `process.env` for that synchronous call alone and removed before it
 *   returns: no other JavaScript runs in between, so nothing else ever sees them.
 */
export function createEsbuildService(options: EsbuildServiceOptions): EsbuildService {
  const goEnv = resolveGoRuntimeEnv(process.env, options.goMemoryLimit);
  const esbuild = loadFreshEsbuild();
  if (goEnv) {
    process.env.GOGC = goEnv.GOGC;
    process.env.GOMEMLIMIT = goEnv.GOMEMLIMIT;
  }
  try {
    // A failure to start surfaces again from the first build, with its context; not as an unhandled rejection.
    esbuild.initialize({}).catch(() => {});
  } finally {
    // resolveGoRuntimeEnv only returns settings when both were unset: unset them again.
    if (goEnv) {
      delete process.env.GOGC;
      delete process.env.GOMEMLIMIT;
    }
  }
  return { build: esbuild.build, stop: esbuild.stop };
}

/** A copy of esbuild's JS API with state (and service) of its own; the cached copy stays as it was. */
function loadFreshEsbuild(): typeof esbuildTypes {
  const require = createRequire(import.meta.url);
  const path = require.resolve('esbuild');
  const shared = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as typeof esbuildTypes;
  } finally {
    if (shared) require.cache[path] = shared;
    else delete require.cache[path];
  }
}
