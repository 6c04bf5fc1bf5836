import type { Enrollment } from '@acme/models';
import { formatDate } from '@acme/formatting/dates';

export default function CertificatesRoute({ enrollments }: { enrollments: Enrollment[] | null }) {
  const completed = (enrollments ?? []).filter((enrollment) => enrollment.status === 'completed');

  if (completed.length === 0) {
    return <p>Finish a course to earn your first certificate.</p>;
  }

  return (
    <ul className="certificate-list">
      {completed.map((enrollment) => (
        <li key={enrollment.id}>
          <span>{enrollment.course.title}</span>
          <span>
            Completed {formatDate(enrollment.lastActivityAt)}
            {enrollment.certificateUrl ? (
              <>
                {' · '}
                <a href={enrollment.certificateUrl} download>
                  Download PDF
                </a>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
