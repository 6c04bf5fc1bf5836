import type { SearchResponse } from '@acme/models';
import { formatDuration, formatMoney } from '@acme/formatting';

export function ResultsSummary({ query, response }: { query: string; response: SearchResponse }) {
  const free = response.hits.filter((hit) => hit.course.price.amountMinor === 0).length;
  const cheapest = response.hits
    .map((hit) => hit.course.price)
    .filter((price) => price.amountMinor > 0)
    .sort((a, b) => a.amountMinor - b.amountMinor)[0];
  const totalMinutes = response.hits.reduce((sum, hit) => sum + hit.course.durationMinutes, 0);

  return (
    <p className="results-summary">
      {response.total.toLocaleString()} results for “{query}” ({response.tookMs} ms)
      {free > 0 ? ` · ${free} free` : ''}
      {cheapest ? ` · from ${formatMoney(cheapest)}` : ''}
      {totalMinutes > 0 ? ` · ${formatDuration(totalMinutes)} of content on this page` : ''}
    </p>
  );
}
