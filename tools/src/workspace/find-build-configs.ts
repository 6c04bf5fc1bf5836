import type { ProjectFacts } from './classify-project.js';

/**
 * Config files at an app's root that its build runs: bundlers and frameworks (Vite, Next.js,
 * Astro, SvelteKit, Remix / React Router, webpack, rsbuild, Docusaurus, craco) and the
 * CSS tool chain (Tailwind, PostCSS). Test runners and linters are left out: they change no
 * output.
 */
const BUILD_CONFIG = /^(?:vite|next|astro|svelte|remix|react-router|webpack|rsbuild|rspack|docusaurus|craco|tailwind|postcss|uno|panda)\.config\.(?:[cm]?[jt]s)$/;

/** The app's build config files, workspace-relative, sorted. */
export function findBuildConfigs(facts: ProjectFacts): string[] {
  const prefix = facts.root ? `${facts.root}/` : '';
  return facts.files.filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/') && BUILD_CONFIG.test(f.slice(prefix.length))).sort();
}
