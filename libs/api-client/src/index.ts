export { ApiError, request } from './http';
export type { RequestOptions } from './http';
export * from './courses';
export * from './orders';
export * from './search';
export * from './learners';
