export const breakpoints = { sm: 640, md: 768, lg: 1024, xl: 1280 } as const;

export type Breakpoint = keyof typeof breakpoints;

export function mediaUp(bp: Breakpoint): string {
  return `(min-width: ${breakpoints[bp]}px)`;
}

/** Reference a design token defined in tokens.css, e.g. cssVar('color-brand'). */
export function cssVar(token: string): string {
  return `var(--acme-${token})`;
}
