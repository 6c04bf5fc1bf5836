export { initAnalytics, track, flush } from './track';
export type { AnalyticsEvent } from './track';
export * from './usePageView';
