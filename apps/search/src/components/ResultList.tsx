import clsx from 'clsx';
import type { SearchHit } from '@acme/models';
import { CourseCard } from '@acme/course-card';
import { track } from '@acme/analytics';

export function ResultList({ hits, loading }: { hits: SearchHit[]; loading: boolean }) {
  return (
    <ol className={clsx('result-list', { 'result-list--loading': loading })} aria-busy={loading}>
      {hits.map((hit, position) => (
        <li key={hit.course.id}>
          <CourseCard
            course={hit.course}
            onSelect={() => track({ name: 'course_click', courseId: hit.course.id, position, list: 'search' })}
          />
          {hit.highlights[0] ? (
            // Highlights come from the search service with only <mark> tags.
            <p className="result-list__highlight" dangerouslySetInnerHTML={{ __html: hit.highlights[0] }} />
          ) : null}
        </li>
      ))}
    </ol>
  );
}
