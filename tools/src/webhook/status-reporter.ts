import { Octokit } from '@octokit/core';
import type { JobStatus } from '../records/run-record.js';
import type { DeliveryRepo } from './plan-delivery.js';

/** GitHub's commit status states. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** One commit status: `tessera/<app>` on a commit. */
export interface CommitStatus {
  repo: DeliveryRepo;
  sha: string;
  app: string;
  state: CommitState;
  description: string;
  runId: string | null;
}

/** Sends commit statuses back to GitHub. */
export interface StatusReporter {
  /** False when no token is configured: statuses are skipped. */
  readonly enabled: boolean;
  /** Posts one status; failures are logged, never thrown (a status is a courtesy, the build is the work). */
  report(status: CommitStatus): Promise<void>;
}

/** Options of {@link createStatusReporter}. */
export interface StatusReporterOptions {
  /** A token with `repo:status` (or a fine-grained "Commit statuses: write"). No token: statuses are skipped with one warning. */
  token: string | undefined;
  /** GitHub's REST API base URL (GitHub Enterprise: `https://HOST/api/v3`). @default "https://api.github.com" */
  apiUrl?: string;
  /** The link a status carries to its run's report (a signed `<publicUrl>/runs/<id>?token=…`); unset, none. */
  runUrl?: (runId: string) => string;
  warn: (text: string) => void;
}

/** The status of a finished job, in GitHub's words. */
export function computeCommitState(status: JobStatus): { state: CommitState; description: string } {
  switch (status) {
    case 'SUCCEEDED':
      return { state: 'success', description: 'built' };
    case 'CACHED':
      return { state: 'success', description: 'this version was already built' };
    case 'QUEUED':
    case 'IN_PROGRESS':
      return { state: 'pending', description: status === 'QUEUED' ? 'queued' : 'building' };
    case 'STOPPED':
      return { state: 'error', description: 'stopped (superseded by a newer push, or the service stopped)' };
    default:
      return { state: 'failure', description: `build ${status.toLowerCase().replace('_', ' ')}` };
  }
}

/** Creates the reporter: Octokit against `apiUrl`, or, without a token, a no-op (warned about once, here). */
export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  if (!options.token) {
    options.warn('No GitHub token (TESSERA_GITHUB_TOKEN): commit statuses are skipped.');
    return { enabled: false, async report() {} };
  }
  const octokit = new Octokit({ auth: options.token, baseUrl: options.apiUrl ?? 'https://api.github.com', userAgent: 'tessera-webhook' });
  return {
    enabled: true,
    async report(status) {
      try {
        await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
          owner: status.repo.owner,
          repo: status.repo.name,
          sha: status.sha,
          state: status.state,
          context: `tessera/${status.app}`,
          description: status.description.slice(0, 140),
          ...(options.runUrl && status.runId ? { target_url: options.runUrl(status.runId) } : {}),
        });
      } catch (error) {
        options.warn(`Commit status tessera/${status.app} on ${status.sha.slice(0, 12)} was not recorded: ${(error as Error).message}`);
      }
    },
  };
}
