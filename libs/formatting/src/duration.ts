/** 95 -> "1h 35m", 45 -> "45m", 120 -> "2h". */
export function formatDuration(totalMinutes: number): string {
  const minutes = Math.max(0, Math.round(totalMinutes));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** How many weeks a course takes at a given weekly study budget. */
export function estimateWeeks(totalMinutes: number, minutesPerWeek = 180): number {
  if (minutesPerWeek <= 0) throw new RangeError('minutesPerWeek must be positive');
  return Math.max(1, Math.ceil(totalMinutes / minutesPerWeek));
}
