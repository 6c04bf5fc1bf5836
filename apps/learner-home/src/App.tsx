import { lazy, Suspense, useEffect, useState } from 'react';
import type { Enrollment, Learner } from '@acme/models';
import { PageHeader } from '@acme/page-header';
import { fetchCurrentLearner, fetchEnrollments } from '@acme/api-client';
import { I18nProvider, useTranslation } from '@acme/i18n';
import { StreakBanner } from './components/StreakBanner';
import heroUrl from './assets/hero.png';

const DashboardRoute = lazy(() => import('./routes/dashboard'));
const CertificatesRoute = lazy(() => import('./routes/certificates'));

type Tab = 'dashboard' | 'certificates';

function Home({ learner, enrollments }: { learner: Learner | null; enrollments: Enrollment[] | null }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>(window.location.hash === '#certificates' ? 'certificates' : 'dashboard');

  return (
    <>
      <PageHeader title={t('home.continue')} learner={learner} activeHref="/home" />
      <div className="learner-home">
        <section className="learner-home__hero">
          <img src={heroUrl} alt="" />
          <h2>{learner ? t('home.greeting', { name: learner.displayName }) : t('common.loading')}</h2>
        </section>
        <StreakBanner enrollments={enrollments ?? []} />
        <nav className="learner-home__tabs">
          <a href="#dashboard" aria-current={tab === 'dashboard' ? 'page' : undefined} onClick={() => setTab('dashboard')}>
            {t('home.continue')}
          </a>
          <a
            href="#certificates"
            aria-current={tab === 'certificates' ? 'page' : undefined}
            onClick={() => setTab('certificates')}
          >
            {t('home.certificates')}
          </a>
        </nav>
        <Suspense fallback={<p>{t('common.loading')}</p>}>
          {tab === 'dashboard' ? (
            <DashboardRoute enrollments={enrollments} />
          ) : (
            <CertificatesRoute enrollments={enrollments} />
          )}
        </Suspense>
      </div>
    </>
  );
}

export function App() {
  const [learner, setLearner] = useState<Learner | null>(null);
  const [enrollments, setEnrollments] = useState<Enrollment[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([fetchCurrentLearner(controller.signal), fetchEnrollments(controller.signal)])
      .then(([me, list]) => {
        setLearner(me);
        setEnrollments(list);
      })
      .catch(() => {
        if (!controller.signal.aborted) setEnrollments([]);
      });
    return () => controller.abort();
  }, []);

  return (
    <I18nProvider locale={learner?.locale ?? 'en'}>
      <Home learner={learner} enrollments={enrollments} />
    </I18nProvider>
  );
}
