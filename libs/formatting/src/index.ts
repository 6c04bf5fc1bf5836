export * from './currency';
export * from './dates';
export { formatDuration, estimateWeeks } from './duration';
