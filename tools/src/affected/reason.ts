import type { Warning } from '../errors/tessera-error.js';

/** What kind of rule made an app affected. Documented in docs/affected.md. */
export type ReasonKind =
  | 'input'
  | 'app-source'
  | 'project-level'
  | 'resolution'
  | 'uncertain'
  | 'lockfile'
  | 'package-json'
  | 'tsconfig'
  | 'project-config'
  | 'nx-config'
  | 'build-config'
  | 'implicit-dependency'
  | 'project-removed';

/** Why one app is affected. `chain` runs from the app's entry to the file that changed. */
export interface Reason {
  kind: ReasonKind;
  file?: string;
  chain?: string[];
  package?: string;
  key?: string;
  detail: string;
}

/** An affected app with every reason found for it. */
export interface AffectedApp {
  name: string;
  reasons: Reason[];
}

/** One locator's answer: apps with reasons, and the changed files it accounts for. */
export interface LocatorResult {
  hits: { app: string; reason: Reason }[];
  claimed: string[];
  /** Conditions the rule handled conservatively (an unreadable lockfile, ...). */
  warnings?: Warning[];
}
