export * from './CourseCard';
export { CourseCardSkeleton } from './CourseCardSkeleton';
