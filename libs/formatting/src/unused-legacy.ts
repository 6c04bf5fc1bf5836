/**
 * @deprecated Pre-2023 price formatting from the old Angular catalog.
 * Kept only for reference while the data team migrates their export script;
 * intentionally NOT re-exported from the barrel. Use formatMoney() from ./currency.
 */
export function legacyFormatPrice(cents: number, symbol = '$'): string {
  return `${symbol}${(cents / 100).toFixed(2)}`;
}

/** @deprecated Use formatDuration() from ./duration. */
export function legacyHours(minutes: number): string {
  return `${(minutes / 60).toFixed(1)} hrs`;
}
