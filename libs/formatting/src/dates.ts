const DAY_MS = 24 * 60 * 60 * 1000;

export function formatDate(iso: string, locale = 'en-US'): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(
    new Date(iso),
  );
}

/** "3 days ago", "yesterday", "in 2 weeks". */
export function formatRelative(iso: string, now: Date = new Date(), locale = 'en-US'): string {
  const diffDays = Math.round((new Date(iso).getTime() - now.getTime()) / DAY_MS);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(diffDays) >= 30) return rtf.format(Math.round(diffDays / 30), 'month');
  if (Math.abs(diffDays) >= 7) return rtf.format(Math.round(diffDays / 7), 'week');
  return rtf.format(diffDays, 'day');
}

export function isSameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
