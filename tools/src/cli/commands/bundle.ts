import { randomBytes } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import pc from 'picocolors';
import { readAppVersion } from '../../pipelines/read-app-version.js';
import { writeAppBundle } from '../../bundle/write-app-bundle.js';
import { TesseraError } from '../../errors/tessera-error.js';
import { readCommitId } from '../../git/read-repository.js';
import { assertSafeName } from '../../store/store.js';
import { readWorkspace } from '../../workspace/read-workspace.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { Command } from '../command.js';
import type { Io } from '../io.js';
import { readStringFlag, readWorkspaceDir } from '../resolve-flags.js';

/** Formats a byte count for people: `812 B`, `14.2 kB`, `3.1 MB`. */
export function formatBytes(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The version, commit and build id a bundle or an own build's output is published with:
 * inside `tessera build` the plan hands them down (TESSERA_VERSION, CodeBuild's or the run's
 * ids); alone, the version is the same hash computed here.
 */
export async function readBuildIdentity(root: string, app: string, io: Io, config: ResolvedConfig): Promise<{ version: string; commit: string | null; buildId: string }> {
  const version = io.env.TESSERA_VERSION || (await readAppVersion(root, app, config));
  assertSafeName('version', version);
  const commit = io.env.CODEBUILD_RESOLVED_SOURCE_VERSION || (await readCommitId(root, 'HEAD').catch(() => null));
  const buildId = io.env.CODEBUILD_BUILD_ID || (io.env.TESSERA_RUN_ID ? `local:${io.env.TESSERA_RUN_ID}:${app}` : `cli:${randomBytes(4).toString('hex')}`);
  return { version, commit, buildId };
}

/** `tessera bundle`: the production bundle of one app, with its shell and asset manifest. */
export const bundleCommand: Command = {
  summary: 'Bundle one app for production: hashed ESM chunks, CSS, assets, index.html and an asset manifest.',
  usage: 'tessera bundle --app APP [--out DIR] [--json] [--cwd DIR]',
  options: { app: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const root = readWorkspaceDir(values, io);
    const app = readStringFlag(values, io, 'app', 'TESSERA_APP');
    if (!app) throw new TesseraError('TESSERA_USAGE', '`tessera bundle` needs --app APP (or TESSERA_APP)', { hint: 'Usage: tessera bundle --app APP [--out DIR]' });
    assertSafeName('app', app);
    const workspace = await readWorkspace(root);
    const project = workspace.apps.find((a) => a.name === app);
    if (!project) throw new TesseraError('TESSERA_UNKNOWN_APP', `No app named "${app}" in this workspace`, { hint: `Apps: ${workspace.apps.map((a) => a.name).join(', ')}` });
    const { version, commit, buildId } = await readBuildIdentity(root, app, io, workspace.config);
    const out = readStringFlag(values, io, 'out', 'TESSERA_OUT');
    const outDir = out ? (isAbsolute(out) ? out : resolve(io.cwd, out)) : resolve(root, 'dist', 'apps', app);
    const { manifest } = await writeAppBundle({ root, app, entries: project.entries, outDir, version, commit, buildId });
    if (values.json) {
      io.stdout.write(JSON.stringify({ outDir, manifest }, null, 2) + '\n');
      return 0;
    }
    const c = pc.createColors(io.color.stderr);
    const total = manifest.files.reduce((n, f) => n + f.size, 0);
    io.stderr.write(`${c.green('bundled')} ${app} ${c.dim(version)} → ${relative(io.cwd, outDir) || '.'}  ${manifest.files.length} files, ${formatBytes(total)}\n`);
    for (const f of manifest.files.filter((f) => !f.path.endsWith('.map'))) io.stderr.write(`  ${f.path.padEnd(44)} ${formatBytes(f.size).padStart(9)}\n`);
    return 0;
  },
};
