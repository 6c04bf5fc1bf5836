const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as `15m`, `24h`, `7d`, `90s` or `1h30m`, in ms; null when it is not one.
 * Pure. A bare number is refused: minutes or hours must be said.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(amount) * UNITS[unit!]!;
  return total > 0 ? total : null;
}

/** A duration for people: `15m`, `24h`, `1.5h`, `7d`. */
export function formatDurationShort(ms: number): string {
  if (ms % UNITS.d! === 0) return `${ms / UNITS.d!}d`;
  if (ms >= UNITS.h!) return `${+(ms / UNITS.h!).toFixed(2)}h`;
  if (ms >= UNITS.m!) return `${+(ms / UNITS.m!).toFixed(2)}m`;
  return `${+(ms / 1000).toFixed(2)}s`;
}
