export { isEnabled, setFlagOverrides } from './flags';
export type { FlagName, FlagOverrides } from './flags';
export * from './useFeatureFlag';
