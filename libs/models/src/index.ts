// Types only: this lib has no runtime code, consumers use `import type`.
export * from './course';
export type { Learner, LearnerSettings, LocaleCode, Enrollment, EnrollmentStatus } from './learner';
export type * from './commerce';
export * from './search';
