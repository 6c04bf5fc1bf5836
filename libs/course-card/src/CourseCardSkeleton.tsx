import './course-card.css';

export function CourseCardSkeleton({ count = 6 }: { count?: number }) {
  return (
    <>
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="course-card course-card--skeleton" aria-hidden="true">
          <div className="course-card__thumb course-card__thumb--placeholder" />
          <div className="course-card__line" />
          <div className="course-card__line course-card__line--short" />
        </div>
      ))}
    </>
  );
}
