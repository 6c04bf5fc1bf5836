import type { CourseSummary } from '@acme/models';
import { Badge, Card } from '@acme/design-system';
import { StarIcon } from '@acme/icons';
import { formatMoney, isFree } from '@acme/formatting/currency';
import { formatDuration } from '@acme/formatting/duration';
import './course-card.css';

export interface CourseCardProps {
  course: CourseSummary;
  /** Shown as a progress bar for enrolled learners (learner-home). */
  progressPercent?: number;
  onSelect?: (course: CourseSummary) => void;
}

const LEVEL_LABEL: Record<CourseSummary['level'], string> = {
  beginner: 'Beginner',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
};

export function CourseCard({ course, progressPercent, onSelect }: CourseCardProps) {
  return (
    <Card as="article" className="course-card">
      <a className="course-card__link" href={`/courses/${course.slug}`} onClick={() => onSelect?.(course)}>
        {course.thumbnailUrl ? (
          <img className="course-card__thumb" src={course.thumbnailUrl} alt="" loading="lazy" />
        ) : (
          <div className="course-card__thumb course-card__thumb--placeholder" aria-hidden="true" />
        )}
        <h3 className="course-card__title">{course.title}</h3>
      </a>
      <p className="course-card__subtitle">{course.subtitle}</p>
      <div className="course-card__meta">
        <Badge tone="info">{LEVEL_LABEL[course.level]}</Badge>
        <span>{formatDuration(course.durationMinutes)}</span>
        <span className="course-card__rating">
          <StarIcon size={14} title="Rating" /> {course.rating.toFixed(1)} ({course.ratingCount.toLocaleString()})
        </span>
      </div>
      {progressPercent !== undefined ? (
        <progress className="course-card__progress" max={100} value={progressPercent}>
          {progressPercent}%
        </progress>
      ) : (
        <strong className="course-card__price">{isFree(course.price) ? 'Free' : formatMoney(course.price)}</strong>
      )}
    </Card>
  );
}
