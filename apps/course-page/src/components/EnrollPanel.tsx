import { useState } from 'react';
import type { Course } from '@acme/models';
import { Button, Card } from '@acme/design-system';
import { enroll } from '@acme/api-client/courses';
import { formatMoney, isFree } from '@acme/formatting/currency';
import { formatDuration } from '@acme/formatting/duration';
import { useTranslation } from '@acme/i18n';
import { track } from '@acme/analytics';

type Status = 'idle' | 'pending' | 'enrolled' | 'error';

export function EnrollPanel({ course }: { course: Course }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>('idle');

  async function handleEnroll() {
    track({ name: 'enroll_click', courseId: course.id });
    if (!isFree(course.price)) {
      window.location.assign(`/checkout?course=${encodeURIComponent(course.id)}`);
      return;
    }
    setStatus('pending');
    try {
      await enroll(course.id);
      setStatus('enrolled');
    } catch {
      setStatus('error');
    }
  }

  return (
    <Card as="section" className="enroll-panel">
      <div className="enroll-panel__price">{isFree(course.price) ? 'Free' : formatMoney(course.price)}</div>
      <p>{t('course.duration', { duration: formatDuration(course.durationMinutes) })}</p>
      {status === 'enrolled' ? (
        <p role="status">{t('course.enrolled')}</p>
      ) : (
        <Button size="lg" loading={status === 'pending'} onClick={handleEnroll}>
          {t('course.enroll')}
        </Button>
      )}
      {status === 'error' ? <p role="alert">{t('common.retry')}</p> : null}
    </Card>
  );
}
