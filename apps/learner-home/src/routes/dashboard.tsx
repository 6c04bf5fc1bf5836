import type { Enrollment } from '@acme/models';
import { CourseCard, CourseCardSkeleton } from '@acme/course-card';
import { formatRelative } from '@acme/formatting/dates';

export default function DashboardRoute({ enrollments }: { enrollments: Enrollment[] | null }) {
  if (!enrollments) {
    return (
      <div className="enrollment-grid">
        <CourseCardSkeleton count={3} />
      </div>
    );
  }

  const inProgress = enrollments
    .filter((enrollment) => enrollment.status === 'active')
    .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));

  if (inProgress.length === 0) {
    return (
      <p>
        You have no courses in progress. <a href="/catalog">Browse the catalog</a>
      </p>
    );
  }

  return (
    <div className="enrollment-grid">
      {inProgress.map((enrollment) => (
        <div key={enrollment.id}>
          <CourseCard course={enrollment.course} progressPercent={enrollment.progressPercent} />
          <small>Last studied {formatRelative(enrollment.lastActivityAt)}</small>
        </div>
      ))}
    </div>
  );
}
