import { useEffect, useState } from 'react';
import type { Learner, LearnerSettings } from '@acme/models';
import { PageHeader } from '@acme/page-header';
import { fetchCurrentLearner, fetchSettings } from '@acme/api-client/learners';
import { I18nProvider } from '@acme/i18n';
import { AccountSummary } from './components/AccountSummary';
import { SettingsForm } from './components/SettingsForm';

export function App() {
  const [learner, setLearner] = useState<Learner | null>(null);
  const [settings, setSettings] = useState<LearnerSettings | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([fetchCurrentLearner(controller.signal), fetchSettings(controller.signal)])
      .then(([me, current]) => {
        setLearner(me);
        setSettings(current);
      })
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => controller.abort();
  }, []);

  return (
    <I18nProvider locale={learner?.locale ?? 'en'}>
      <PageHeader title="Profile & settings" learner={learner} activeHref="/profile" />
      {failed ? <p role="alert">We could not load your profile. Please sign in again.</p> : null}
      {learner && settings ? (
        <div className="profile">
          <AccountSummary learner={learner} />
          <SettingsForm initial={settings} />
        </div>
      ) : null}
    </I18nProvider>
  );
}
