import type { Executor } from './executor.js';
import type { Masker } from './mask-secrets.js';

/**
 * The executor with every text it reports masked: log lines, phase messages and the
 * outcome's error. Wrapped around whichever executor runs the jobs, so a secret value a build
 * printed never reaches the log files, the run record, the report or a terminal, and no
 * executor has to remember to mask.
 */
export function maskExecutor(executor: Executor, mask: Masker): Executor {
  return {
    name: executor.name,
    defaultConcurrency: executor.defaultConcurrency,
    ...(executor.region === undefined ? {} : { region: executor.region }),
    async run(job, events, signal) {
      const outcome = await executor.run(job, {
        phase: (type, status, time, message) => events.phase(type, status, time, message === undefined ? undefined : mask(message)),
        log: (line) => events.log({ ...line, text: mask(line.text) }),
        started: (buildId) => events.started(buildId),
        retried: (reason) => events.retried(mask(reason)),
      }, signal).catch((error: unknown) => {
        // An executor's own failure (an AWS error, say) becomes the job's error text.
        if (error instanceof Error) error.message = mask(error.message);
        throw error;
      });
      return outcome.error === undefined ? outcome : { ...outcome, error: mask(outcome.error) };
    },
    close: () => executor.close(),
  };
}
