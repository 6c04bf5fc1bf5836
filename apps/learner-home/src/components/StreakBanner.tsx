import type { Enrollment } from '@acme/models';
import { useFeatureFlag } from '@acme/feature-flags';
import { useTranslation } from '@acme/i18n';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Consecutive days (ending today) with any learning activity. */
export function streakDays(enrollments: Enrollment[], now = Date.now()): number {
  const activeDays = new Set(enrollments.map((e) => Math.floor(new Date(e.lastActivityAt).getTime() / DAY_MS)));
  let day = Math.floor(now / DAY_MS);
  let streak = 0;
  while (activeDays.has(day)) {
    streak += 1;
    day -= 1;
  }
  return streak;
}

export function StreakBanner({ enrollments }: { enrollments: Enrollment[] }) {
  const enabled = useFeatureFlag('learnerHome.streaks');
  const { t } = useTranslation();
  const days = streakDays(enrollments);
  if (!enabled || days < 2) return null;
  return <p className="streak-banner">{t('home.streak', { days })}</p>;
}
