import { spawn } from 'node:child_process';
import type { CanaryProbe, HealthVerdict } from './advance-release.js';

/** Where a health command runs. */
export interface RunHealthCommandOptions {
  /** A shell command line (`--health-command`, `TESSERA_HEALTH_COMMAND`). */
  command: string;
  cwd: string;
  /** The environment it gets, plus TESSERA_APP, TESSERA_VERSION and TESSERA_WEIGHT of the probe. */
  env: Record<string, string | undefined>;
}

/**
 * Runs the user's health command for one canary through the shell: exit 0 is healthy, anything
 * else (a non-zero code, a signal, a command that cannot start) is not. Its output is discarded:
 * the verdict is the exit status. The adapter behind `release advance --health-command`, kept
 * apart so that advanceReleases takes any health check (tests pass their own).
 */
export function runHealthCommand(probe: CanaryProbe, options: RunHealthCommandOptions): Promise<HealthVerdict> {
  return new Promise((resolve) => {
    const exited = (exit: string): HealthVerdict => ({ healthy: false, reason: `the health command exited ${exit}`, note: `health command failed: exit ${exit}` });
    const child = spawn(options.command, {
      shell: true,
      cwd: options.cwd,
      stdio: 'ignore',
      env: { ...options.env, TESSERA_APP: probe.app, TESSERA_VERSION: probe.version, TESSERA_WEIGHT: String(probe.weight) },
    });
    // Whichever comes first decides: a child that cannot start reports 'error' (and maybe 'close').
    child.once('error', (error) => resolve({ healthy: false, reason: `the health command could not start: ${error.message}`, note: `health command failed: ${error.message}` }));
    child.once('close', (code, signal) => resolve(code === 0 ? { healthy: true } : exited(String(code ?? signal))));
  });
}
