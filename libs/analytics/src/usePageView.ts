import { useEffect } from 'react';
import { track } from './track';

export function usePageView(path: string): void {
  useEffect(() => {
    track({ name: 'page_view', path });
  }, [path]);
}
