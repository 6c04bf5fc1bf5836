import { useEffect, useState } from 'react';
import type { CourseSummary, Page } from '@acme/models';
import { fetchCourses, type CourseListParams } from '@acme/api-client/courses';

export function useCourseList(params: CourseListParams) {
  const [page, setPage] = useState<Page<CourseSummary> | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const { category, level, sort, page: pageNumber } = params;

  useEffect(() => {
    const controller = new AbortController();
    setPage(null);
    setError(null);
    fetchCourses({ category, level, sort, page: pageNumber, pageSize: 24 }, controller.signal)
      .then(setPage)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err instanceof Error ? err : new Error(String(err)));
      });
    return () => controller.abort();
  }, [category, level, sort, pageNumber]);

  return { page, error };
}
