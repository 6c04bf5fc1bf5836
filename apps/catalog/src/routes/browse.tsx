import { useState } from 'react';
import clsx from 'clsx';
import type { CourseLevel } from '@acme/models';
import { CourseCard, CourseCardSkeleton } from '@acme/course-card';
import { Button } from '@acme/design-system';
import { useFeatureFlag } from '@acme/feature-flags';
import { track } from '@acme/analytics';
import { useBreakpointUp } from '@acme/theme';
import { useCourseList } from '../useCourseList';

const SORTS = [
  { value: 'popular', label: 'Most popular' },
  { value: 'newest', label: 'Newest' },
  { value: 'rating', label: 'Highest rated' },
] as const;

const LEVELS: CourseLevel[] = ['beginner', 'intermediate', 'advanced'];

export default function BrowseRoute() {
  const [sort, setSort] = useState<(typeof SORTS)[number]['value']>('popular');
  const [level, setLevel] = useState<CourseLevel | undefined>();
  const newFilters = useFeatureFlag('catalog.newFilters');
  const wide = useBreakpointUp('lg');
  const { page, error } = useCourseList({ sort, level });

  if (error) return <p role="alert">Could not load courses. {error.message}</p>;

  return (
    <section>
      <div className="catalog-sort">
        {SORTS.map((option) => (
          <Button
            key={option.value}
            size="sm"
            variant={option.value === sort ? 'primary' : 'secondary'}
            onClick={() => setSort(option.value)}
          >
            {option.label}
          </Button>
        ))}
        {newFilters
          ? LEVELS.map((value) => (
              <Button
                key={value}
                size="sm"
                variant={value === level ? 'primary' : 'ghost'}
                onClick={() => setLevel(value === level ? undefined : value)}
              >
                {value}
              </Button>
            ))
          : null}
      </div>
      <div className={clsx('catalog-grid', { 'catalog-grid--compact': !wide })}>
        {page ? (
          page.items.map((course, position) => (
            <CourseCard
              key={course.id}
              course={course}
              onSelect={() => track({ name: 'course_click', courseId: course.id, position, list: 'browse' })}
            />
          ))
        ) : (
          <CourseCardSkeleton />
        )}
      </div>
    </section>
  );
}
