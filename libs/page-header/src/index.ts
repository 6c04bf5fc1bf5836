export { PageHeader, DEFAULT_LINKS } from './PageHeader';
export type { PageHeaderProps } from './PageHeader';
export * from './NavLinks';
