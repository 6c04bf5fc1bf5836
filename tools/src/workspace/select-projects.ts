import picomatch from 'picomatch';

/**
 * Which projects a command is about, as Nx's `--projects` and `--exclude` read them: project
 * names or name globs (`shop-*`), `tag:` patterns on the project's tags (`tag:scope:web`,
 * `tag:type:*`), and `!pattern` in `include` to leave out what the rest let in.
 */
export interface ProjectSelection {
  /** Only the projects one of these matches (every project when absent or empty). */
  include?: readonly string[];
  /** Never the projects one of these matches. */
  exclude?: readonly string[];
}

/** What a selection pattern is matched against. */
export interface SelectableProject {
  name: string;
  tags: readonly string[];
}

/** True when the selection says nothing (every project is in). */
export const isEmptySelection = (s: ProjectSelection | undefined): boolean => !s?.include?.length && !s?.exclude?.length;

/** One pattern as a predicate: `tag:<glob>` over tags, else a glob over the name. */
function compilePattern(pattern: string): (p: SelectableProject) => boolean {
  if (pattern.startsWith('tag:')) {
    const match = picomatch(pattern.slice(4), { dot: true });
    return (p) => p.tags.some((t) => match(t));
  }
  const match = picomatch(pattern, { dot: true });
  return (p) => match(p.name);
}

/** The selection as one predicate. */
export function createProjectMatcher(selection: ProjectSelection | undefined): (p: SelectableProject) => boolean {
  if (!selection || isEmptySelection(selection)) return () => true;
  const include = (selection.include ?? []).filter((p) => !p.startsWith('!')).map(compilePattern);
  const exclude = [...(selection.include ?? []).filter((p) => p.startsWith('!')).map((p) => p.slice(1)), ...(selection.exclude ?? [])].map(compilePattern);
  return (p) => (include.length === 0 || include.some((m) => m(p))) && !exclude.some((m) => m(p));
}

/** Patterns that name one project exactly (no glob characters, no `tag:`) and match none of `projects`: most likely a typo. */
export function findUnknownNames(selection: ProjectSelection | undefined, projects: readonly SelectableProject[]): string[] {
  const names = new Set(projects.map((p) => p.name));
  const literal = (p: string) => !p.startsWith('tag:') && !picomatch.scan(p).isGlob;
  return [...(selection?.include ?? []), ...(selection?.exclude ?? [])].map((p) => (p.startsWith('!') ? p.slice(1) : p)).filter((p) => literal(p) && !names.has(p));
}

/** Parses a comma-separated flag value (`a,tag:web,!b`) into patterns. */
export const splitPatterns = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : value.split(',').map((p) => p.trim()).filter(Boolean));

/**
 * The names (of apps, test projects) a selection keeps, matched with their project's tags,
 * and the exactly named patterns that match no project of `projects`.
 */
export function selectNames(names: readonly string[], projects: readonly SelectableProject[], selection: ProjectSelection | undefined): { kept: string[]; unknown: string[] } {
  if (!selection || isEmptySelection(selection)) return { kept: [...names], unknown: [] };
  const matches = createProjectMatcher(selection);
  const byName = new Map(projects.map((p) => [p.name, p]));
  return { kept: names.filter((name) => matches({ name, tags: byName.get(name)?.tags ?? [] })), unknown: findUnknownNames(selection, projects) };
}
