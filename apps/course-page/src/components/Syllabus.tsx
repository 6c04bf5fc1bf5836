import type { CourseModule } from '@acme/models';
import { formatDuration } from '@acme/formatting/duration';
import { useTranslation } from '@acme/i18n';

export function Syllabus({ modules }: { modules: CourseModule[] }) {
  const { t } = useTranslation();
  return (
    <section className="syllabus" aria-label="Syllabus">
      <h2>Course content</h2>
      {modules.map((module, index) => {
        const minutes = module.lessons.reduce((sum, lesson) => sum + lesson.durationMinutes, 0);
        return (
          <details key={module.id} open={index === 0}>
            <summary>
              <span>{module.title}</span>
              <span>
                {t('course.lessons', { count: module.lessons.length })} · {formatDuration(minutes)}
              </span>
            </summary>
            <ol>
              {module.lessons.map((lesson) => (
                <li key={lesson.id}>
                  {lesson.title} ({formatDuration(lesson.durationMinutes)}){lesson.preview ? ' — preview' : ''}
                </li>
              ))}
            </ol>
          </details>
        );
      })}
    </section>
  );
}
