import type { CourseSummary } from './course';

export type LocaleCode = 'en' | 'de';

export interface Learner {
  id: string;
  displayName: string;
  email: string;
  avatarUrl?: string;
  locale: LocaleCode;
  joinedAt: string;
}

export interface LearnerSettings {
  emailDigest: 'daily' | 'weekly' | 'never';
  autoplayVideos: boolean;
  captionsLanguage: string;
  timezone: string;
  publicProfile: boolean;
}

export type EnrollmentStatus = 'active' | 'completed' | 'expired';

export interface Enrollment {
  id: string;
  course: CourseSummary;
  status: EnrollmentStatus;
  progressPercent: number;
  enrolledAt: string;
  lastActivityAt: string;
  certificateUrl?: string;
}
