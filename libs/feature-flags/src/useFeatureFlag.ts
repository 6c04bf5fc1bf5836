import { useSyncExternalStore } from 'react';
import { isEnabled, subscribe, type FlagName } from './flags';

export function useFeatureFlag(flag: FlagName): boolean {
  return useSyncExternalStore(subscribe, () => isEnabled(flag), () => isEnabled(flag));
}
