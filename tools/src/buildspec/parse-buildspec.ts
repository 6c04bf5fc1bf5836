/**
 * Parses and validates a buildspec (AWS CodeBuild's v0.2 grammar, the subset Tessera runs;
 * see docs/buildspec.md). Pure: text in, data and located problems out.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Location, Problem, Warning } from '../errors/tessera-error.js';
import { BUILDSPEC_PHASES, type BuildspecPhaseName } from '../records/run-record.js';

/** One phase of a buildspec (`phases.<name>`). */
export interface BuildspecPhase {
  /** Shell commands, run in order; the first that fails ends the phase. */
  commands: string[];
  /** Commands run after `commands`, even when one of them failed. */
  finally: string[];
  /** What a failure of this phase does to the following phases. @default 'ABORT' */
  onFailure: 'ABORT' | 'CONTINUE';
}

/** A validated v0.2 buildspec: complete (defaults applied), ready to run. */
export interface Buildspec {
  version: '0.2';
  env: {
    /** `bash` (default), `/bin/sh` or `sh`. */
    shell: string;
    /** `env.variables`, every value as a string. */
    variables: Record<string, string>;
    /** `env.exported-variables`: names whose final values the build reports. */
    exportedVariables: string[];
  };
  /** Only the phases the file declares; absent phases succeed instantly when run. */
  phases: Partial<Record<BuildspecPhaseName, BuildspecPhase>>;
  /** `artifacts`, or null when the buildspec has none. */
  artifacts: { files: string[]; baseDirectory: string | null; discardPaths: boolean } | null;
}

/** `parseBuildspec`'s result: the buildspec when there is no error, and every problem found. */
export interface ParseBuildspecResult {
  buildspec: Buildspec | null;
  errors: Problem[];
  warnings: Warning[];
}

/** The shells `env.shell` accepts (CodeBuild's Linux choices). */
export const BUILDSPEC_SHELLS = ['bash', '/bin/sh', 'sh'] as const;

const TOP_KEYS = ['version', 'env', 'phases', 'artifacts'];
const ENV_KEYS = ['shell', 'variables', 'exported-variables'];
const PHASE_KEYS = ['commands', 'finally', 'on-failure'];
const ARTIFACT_KEYS = ['files', 'base-directory', 'discard-paths'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses buildspec text. Every error and warning carries `{ file, line, column, key }`
 * (key is a dotted path such as `phases.build.commands[2]`); all are reported at once,
 * and `buildspec` is null whenever there is at least one error.
 */
export function parseBuildspec(text: string, file: string): ParseBuildspecResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: Problem[] = [];
  const warnings: Warning[] = [];
  const locate = (offset: number | undefined, key?: string): Location => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, column: col, ...(key ? { key } : {}) };
  };
  const at = (node: Node | null | undefined, key: string): Location => locate(node?.range?.[0], key);
  const error = (location: Location, message: string) => errors.push({ text: message, location });

  // A syntax error leaves a partial tree; validating it would add noise, so stop here.
  for (const e of [...doc.errors, ...doc.warnings]) error(locate(e.pos[0]), `invalid YAML: ${e.message.split('\n')[0]}`);
  if (errors.length > 0) return { buildspec: null, errors, warnings };

  const root = doc.contents;
  if (!isMap(root)) {
    error(at(root, ''), 'a buildspec must be a YAML mapping with `version` and `phases`');
    return { buildspec: null, errors, warnings };
  }

  /** The map's entries by key; unknown keys become warnings, not silence. */
  const entries = (map: YAMLMap, path: string, known: readonly string[]): Map<string, Pair<Node, Node | null>> => {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = path ? `${path}.${name}` : name;
      if (known.includes(name)) out.set(name, pair);
      else warnings.push({ code: 'TESSERA_BUILDSPEC_UNKNOWN_KEY', text: `unknown key \`${key}\` is ignored (Tessera runs ${path ? `\`${path}\` keys ${known.map((k) => `\`${k}\``).join(', ')}` : `the keys ${known.map((k) => `\`${k}\``).join(', ')}`})`, location: at(pair.key, key) });
    }
    return out;
  };
  const mapAt = (pair: Pair<Node, Node | null> | undefined, key: string): YAMLMap | null => {
    if (!pair) return null;
    if (isMap(pair.value)) return pair.value;
    error(at(pair.value ?? pair.key, key), `\`${key}\` must be a mapping, found ${describe(pair.value)}`);
    return null;
  };
  /** A scalar as the shell would see it: the source text of plain scalars (so `true` stays `true`, `1.10` stays `1.10`). */
  const scalarText = (node: Node | null, key: string, what: string, hint = ''): string | null => {
    if (isScalar(node) && node.value !== null) return node.type === 'PLAIN' && node.source !== undefined ? node.source : String(node.value);
    error(at(node, key), `\`${key}\` must be ${what}, found ${describe(node)}${isMap(node) ? hint : ''}`);
    return null;
  };
  const stringList = (pair: Pair<Node, Node | null> | undefined, key: string, what: string): string[] => {
    if (!pair) return [];
    if (!isSeq(pair.value)) {
      error(at(pair.value ?? pair.key, key), `\`${key}\` must be a list of ${what}s, found ${describe(pair.value)}`);
      return [];
    }
    const out: string[] = [];
    (pair.value.items as (Node | null)[]).forEach((item, i) => {
      // `- echo a: b` is a mapping in YAML: the most common buildspec mistake, so say how to fix it.
      const value = scalarText(item ?? null, `${key}[${i}]`, `a string (${what})`, '; quote an item that contains ": "');
      if (value !== null) out.push(value);
    });
    return out;
  };

  const top = entries(root, '', TOP_KEYS);

  // version: YAML reads `0.2` as a number, quoted "0.2" as a string; both mean v0.2.
  const version = top.get('version');
  if (!version) error(at(root, 'version'), '`version` is missing; Tessera runs buildspec version 0.2');
  else if (!isScalar(version.value) || String(version.value.value) !== '0.2') {
    error(at(version.value ?? version.key, 'version'), `\`version\` must be 0.2, found ${isScalar(version.value) ? JSON.stringify(version.value.value) : describe(version.value)}`);
  }

  const env: Buildspec['env'] = { shell: 'bash', variables: {}, exportedVariables: [] };
  const envMap = mapAt(top.get('env'), 'env');
  if (envMap) {
    const envEntries = entries(envMap, 'env', ENV_KEYS);
    const shell = envEntries.get('shell');
    if (shell) {
      const value = isScalar(shell.value) ? String(shell.value.value) : null;
      if (value !== null && (BUILDSPEC_SHELLS as readonly string[]).includes(value)) env.shell = value;
      else error(at(shell.value ?? shell.key, 'env.shell'), `\`env.shell\` must be one of ${BUILDSPEC_SHELLS.join(', ')}, found ${value === null ? describe(shell.value) : JSON.stringify(value)}`);
    }
    const variables = mapAt(envEntries.get('variables'), 'env.variables');
    for (const pair of (variables?.items ?? []) as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const key = `env.variables.${name}`;
      if (!ENV_NAME.test(name)) error(at(pair.key, key), `\`${key}\` is not a valid environment variable name (letters, digits, _; not starting with a digit)`);
      const value = scalarText(pair.value, key, 'a string, number or boolean');
      if (value !== null && ENV_NAME.test(name)) env.variables[name] = value;
    }
    const exported = envEntries.get('exported-variables');
    env.exportedVariables = stringList(exported, 'env.exported-variables', 'variable name');
    env.exportedVariables.forEach((name, i) => {
      const key = `env.exported-variables[${i}]`;
      if (!ENV_NAME.test(name) && isSeq(exported?.value)) error(at(exported.value.items[i] as Node, key), `\`${key}\` is not a valid environment variable name: ${JSON.stringify(name)}`);
    });
  }

  const phases: Buildspec['phases'] = {};
  const phasesPair = top.get('phases');
  if (!phasesPair) error(at(root, 'phases'), '`phases` is missing; declare at least one of install, pre_build, build, post_build');
  const phasesMap = mapAt(phasesPair, 'phases');
  if (phasesMap) {
    for (const [name, pair] of entries(phasesMap, 'phases', Object.keys(BUILDSPEC_PHASES))) {
      const key = `phases.${name}`;
      // `build:` with nothing under it is legal YAML (null) and harmless: an empty phase.
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        phases[name as BuildspecPhaseName] = { commands: [], finally: [], onFailure: 'ABORT' };
        continue;
      }
      const phaseMap = mapAt(pair, key);
      if (!phaseMap) continue;
      const fields = entries(phaseMap, key, PHASE_KEYS);
      let onFailure: BuildspecPhase['onFailure'] = 'ABORT';
      const failure = fields.get('on-failure');
      if (failure) {
        const value = isScalar(failure.value) ? String(failure.value.value) : null;
        if (value === 'ABORT' || value === 'CONTINUE') onFailure = value;
        else error(at(failure.value ?? failure.key, `${key}.on-failure`), `\`${key}.on-failure\` must be ABORT or CONTINUE, found ${value === null ? describe(failure.value) : JSON.stringify(value)}`);
      }
      phases[name as BuildspecPhaseName] = {
        commands: stringList(fields.get('commands'), `${key}.commands`, 'command'),
        finally: stringList(fields.get('finally'), `${key}.finally`, 'command'),
        onFailure,
      };
    }
  }

  let artifacts: Buildspec['artifacts'] = null;
  const artifactsPair = top.get('artifacts');
  const artifactsMap = mapAt(artifactsPair, 'artifacts');
  if (artifactsMap) {
    const fields = entries(artifactsMap, 'artifacts', ARTIFACT_KEYS);
    if (!fields.has('files')) error(at(artifactsPair?.key, 'artifacts.files'), '`artifacts.files` is missing; list the globs to collect, e.g. "**/*"');
    const files = stringList(fields.get('files'), 'artifacts.files', 'glob');
    let baseDirectory: string | null = null;
    const base = fields.get('base-directory');
    if (base) baseDirectory = scalarText(base.value, 'artifacts.base-directory', 'a directory path');
    let discardPaths = false;
    const discard = fields.get('discard-paths');
    if (discard) {
      // CodeBuild documents yes/no; YAML 1.1 habits write true/false, which mean the same.
      const value = isScalar(discard.value) ? String(discard.value.value) : null;
      if (value === 'yes' || value === 'true') discardPaths = true;
      else if (value !== 'no' && value !== 'false') error(at(discard.value ?? discard.key, 'artifacts.discard-paths'), `\`artifacts.discard-paths\` must be yes or no, found ${value === null ? describe(discard.value) : JSON.stringify(value)}`);
    }
    artifacts = { files, baseDirectory, discardPaths };
  }

  // Checks run key by key; users read problems top to bottom, as in their editor.
  const byPosition = (a: { location?: Location }, b: { location?: Location }) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0);
  errors.sort(byPosition);
  warnings.sort(byPosition);
  if (errors.length > 0) return { buildspec: null, errors, warnings };
  return { buildspec: { version: '0.2', env, phases, artifacts }, errors, warnings };
}

/** Names what a node is, for messages: "a list", "a mapping", "nothing", "the number 3". */
function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'nothing';
    return `${typeof node.value === 'string' ? 'the string' : `the ${typeof node.value}`} ${JSON.stringify(node.value)}`;
  }
  return 'an unsupported value';
}
