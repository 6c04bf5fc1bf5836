import { lazy, Suspense, useEffect, useState } from 'react';
import type { Course } from '@acme/models';
import { PageHeader } from '@acme/page-header';
import { fetchCourse } from '@acme/api-client/courses';
import { I18nProvider, type Locale } from '@acme/i18n';
import { initAnalytics, usePageView } from '@acme/analytics';
import { Syllabus } from './components/Syllabus';
import { EnrollPanel } from './components/EnrollPanel';

// marked is only needed once the course has loaded, so it lives in its own chunk.
const CourseDescription = lazy(() => import('./components/CourseDescription'));

initAnalytics('course-page');

function slugFromLocation(): string {
  const match = /^\/courses\/([^/]+)/.exec(window.location.pathname);
  return match?.[1] ?? '';
}

export function App() {
  const slug = slugFromLocation();
  const locale: Locale = document.documentElement.lang === 'de' ? 'de' : 'en';
  const [course, setCourse] = useState<Course | null>(null);
  const [failed, setFailed] = useState(false);
  usePageView(`/courses/${slug}`);

  useEffect(() => {
    const controller = new AbortController();
    fetchCourse(slug, controller.signal)
      .then(setCourse)
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => controller.abort();
  }, [slug]);

  return (
    <I18nProvider locale={locale}>
      <PageHeader title={course?.title ?? 'Course'} subtitle={course?.subtitle} activeHref="/catalog" />
      {failed ? <p role="alert">This course is not available.</p> : null}
      {course ? (
        <div className="course-page">
          <main>
            <Suspense fallback={<p>Loading description…</p>}>
              <CourseDescription source={course.descriptionMarkdown} />
            </Suspense>
            <Syllabus modules={course.modules} />
          </main>
          <EnrollPanel course={course} />
        </div>
      ) : null}
    </I18nProvider>
  );
}
