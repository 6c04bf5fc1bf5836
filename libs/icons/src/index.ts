export type { IconProps } from './Icon';
export { StarIcon } from './StarIcon';
export { CartIcon } from './CartIcon';
export * from './SearchIcon';
