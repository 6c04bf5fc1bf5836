export * from './tokens';
export { useMediaQuery, useBreakpointUp } from './useMediaQuery';
