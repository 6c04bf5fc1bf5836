export * from './Button';
export * from './Card';
export { Badge } from './Badge';
export type { BadgeTone } from './Badge';
