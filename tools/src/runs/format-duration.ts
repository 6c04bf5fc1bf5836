/**
 * Milliseconds as `1m 05s`, `12.3s` or `850ms`. Pure and dependency-free: the CLI and the
 * report page (in the browser) share it.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
