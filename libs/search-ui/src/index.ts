export { SearchBox } from './SearchBox';
export type { SearchBoxProps } from './SearchBox';
export * from './FacetList';
export * from './useCourseSearch';
