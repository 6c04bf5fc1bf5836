import { useSyncExternalStore } from 'react';
import { mediaUp, type Breakpoint } from './tokens';

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

export function useBreakpointUp(bp: Breakpoint): boolean {
  return useMediaQuery(mediaUp(bp));
}
