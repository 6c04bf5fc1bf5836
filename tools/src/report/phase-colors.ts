/**
 * The report's colours for CodeBuild phases, shared by the legend (rendered in Node) and the
 * timeline (drawn in the browser). Waiting is pale; BUILD, where most minutes go, is the
 * strongest; a phase that did not succeed is red whatever its type.
 */
export const PHASE_COLORS: Readonly<Record<string, string>> = {
  QUEUED: '#d5d9e0',
  PROVISIONING: '#b3a4f5',
  DOWNLOAD_SOURCE: '#7cb8f2',
  INSTALL: '#f2c46d',
  PRE_BUILD: '#72cfc9',
  BUILD: '#3f7fd9',
  POST_BUILD: '#8fcf7f',
  UPLOAD_ARTIFACTS: '#d69de0',
  FINALIZING: '#b7bec9',
};

/** A failed, faulted, timed-out or stopped phase. */
export const FAILED_PHASE_COLOR = '#e5484d';
export const STOPPED_PHASE_COLOR = '#f5a524';
/** Phases of a type the table does not know (a newer CodeBuild). */
export const OTHER_PHASE_COLOR = '#a0a8b5';

/** The fill of one phase segment. Pure. */
export function phaseColor(type: string, status: string): string {
  if (status === 'FAILED' || status === 'FAULT' || status === 'TIMED_OUT') return FAILED_PHASE_COLOR;
  if (status === 'STOPPED' && type !== 'QUEUED') return STOPPED_PHASE_COLOR;
  return PHASE_COLORS[type] ?? OTHER_PHASE_COLOR;
}
