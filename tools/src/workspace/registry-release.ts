import { createRequire } from 'node:module';

let semver: typeof import('semver') | undefined;

/**
 * Whether a package.json dependency spec on a workspace package names a release from the
 * registry rather than the workspace's own copy: a semver range its workspace version does not
 * satisfy (`"@acme/ui": "^1.0.0"` while the workspace has 2.3.0). The package manager installs
 * that release, not a link to the source. `workspace:`, `link:`, `file:` and `portal:` specs, a
 * range the version satisfies, and anything that is no range (a tag, a URL) are the workspace's.
 */
export function isRegistryRelease(spec: string, workspaceVersion: unknown): boolean {
  if (/^(workspace|link|file|portal):/.test(spec)) return false;
  // Loaded on first use: only an analysis that meets a declared workspace package needs it.
  semver ??= createRequire(import.meta.url)('semver') as typeof import('semver');
  if (typeof workspaceVersion !== 'string' || !semver.valid(workspaceVersion) || semver.validRange(spec) === null) return false;
  return !semver.satisfies(workspaceVersion, spec, { includePrerelease: true });
}
