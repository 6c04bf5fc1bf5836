import clsx from 'clsx';
import { CourseCard, CourseCardSkeleton } from '@acme/course-card';
import { track } from '@acme/analytics';
import { CATEGORIES } from '../components/CategoryNav';
import { useCourseList } from '../useCourseList';

export default function CategoryRoute({ category }: { category: string }) {
  const { page, error } = useCourseList({ category, sort: 'popular' });
  const label = CATEGORIES.find((entry) => entry.slug === category)?.label ?? category;

  return (
    <section aria-labelledby="category-title">
      <h2 id="category-title">{label}</h2>
      {error ? <p role="alert">Could not load {label} courses.</p> : null}
      {page ? <p>{page.total.toLocaleString()} courses</p> : null}
      <div className={clsx('catalog-grid', page?.items.length === 0 && 'catalog-grid--empty')}>
        {page ? (
          page.items.map((course, position) => (
            <CourseCard
              key={course.id}
              course={course}
              onSelect={() => track({ name: 'course_click', courseId: course.id, position, list: category })}
            />
          ))
        ) : (
          <CourseCardSkeleton count={3} />
        )}
      </div>
    </section>
  );
}
