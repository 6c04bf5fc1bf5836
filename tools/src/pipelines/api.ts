/**
 * Tessera's programmatic API (the package's main export): what the command line does, as
 * functions. Which apps a change affects, their build plan, the builds themselves, and
 * releases. Everything else is internal and may change between versions.
 *
 * @example
 * import { readAffected, runBuild } from 'tessera-build';
 * const report = await readAffected({ root: process.cwd(), base: 'origin/main', head: 'HEAD' });
 * console.log(report.apps.map((a) => `${a.name}: ${a.reasons[0].detail}`));
 */
export { readAffected, type AffectedReport, type ReadAffectedOptions } from '../affected/read-affected.js';
export type { AffectedApp, Reason, ReasonKind } from '../affected/reason.js';
export type { AffectedTestProject } from '../affected/compute-affected.js';
export { runBuild, type RunBuildOptions, type RunBuildResult } from './run-build.js';
export type { PlannedJob } from '../plan/plan-builds.js';
export { readAppRelease, releaseApp, type ReleaseAppOptions } from './release-app.js';
export type { ReleaseAction } from '../release/next-release.js';
export type { ReleaseManifest } from '../release/release-manifest.js';
export { readConfig, readWorkspace, type Workspace } from '../workspace/read-workspace.js';
export type { ProjectSelection } from '../workspace/select-projects.js';
export type { Project } from '../workspace/project.js';
export type { ResolvedConfig, UserConfig } from '../workspace/config.js';
export { TesseraError } from '../errors/tessera-error.js';
export type { Warning } from '../errors/tessera-error.js';
