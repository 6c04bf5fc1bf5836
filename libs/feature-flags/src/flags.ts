import defaults from './defaults.json';

export type FlagName = keyof typeof defaults;
export type FlagOverrides = Partial<Record<FlagName, boolean>>;

let overrides: FlagOverrides = {};
const listeners = new Set<() => void>();

function queryOverride(flag: FlagName): boolean | undefined {
  // ?ff=catalog.newFilters,-checkout.coupons turns flags on/off for QA sessions.
  const raw = new URLSearchParams(window.location.search).get('ff');
  if (!raw) return undefined;
  const entries = raw.split(',');
  if (entries.includes(flag)) return true;
  if (entries.includes(`-${flag}`)) return false;
  return undefined;
}

export function isEnabled(flag: FlagName): boolean {
  return overrides[flag] ?? queryOverride(flag) ?? defaults[flag];
}

export function setFlagOverrides(next: FlagOverrides): void {
  overrides = { ...overrides, ...next };
  listeners.forEach((listener) => listener());
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
