import { useEffect, useState } from 'react';
import type { SearchQuery, SearchResponse } from '@acme/models';
import { searchCourses } from '@acme/api-client/search';

const DEBOUNCE_MS = 250;

export interface CourseSearchState {
  data: SearchResponse | null;
  loading: boolean;
  error: Error | null;
}

export function useCourseSearch(query: SearchQuery): CourseSearchState {
  const [state, setState] = useState<CourseSearchState>({ data: null, loading: false, error: null });
  const key = JSON.stringify(query);

  useEffect(() => {
    const parsed = JSON.parse(key) as SearchQuery;
    if (parsed.text.trim().length < 2) {
      setState({ data: null, loading: false, error: null });
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setState((prev) => ({ ...prev, loading: true, error: null }));
      searchCourses(parsed, controller.signal)
        .then((data) => setState({ data, loading: false, error: null }))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setState({ data: null, loading: false, error: error instanceof Error ? error : new Error(String(error)) });
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [key]);

  return state;
}
