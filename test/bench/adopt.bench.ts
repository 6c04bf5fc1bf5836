/**
 * Adopting Tessera as a package (issue: an installable package): the packed tarball's size, the
 * time to install it into a generated npm workspaces monorepo with a warm npm cache, `tessera
 * --version` from node_modules/.bin over bare `node`, and `tessera affected` there cold and warm.
 * The workspace is test/support/adopter-workspace.ts: what the package-install test adopts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createAdopterWorkspace, createPackDir, installAdopterWorkspace, packTessera } from '../support/adopter-workspace.js';
import type { BenchContext, Section } from './run.js';

const RUNS = 15;
const INSTALLS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const time = (work: () => void): number => {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

export async function run(ctx: BenchContext): Promise<Section> {
  const packDir = createPackDir();
  try {
    const tarball = packTessera(packDir);
    const packed = statSync(tarball).size;
    const listing = execFileSync('tar', ['tzvf', tarball], { encoding: 'utf8' }).trim().split('\n');
    const unpacked = listing.reduce((n, line) => n + Number(line.split(/\s+/)[2] ?? 0), 0);
    const repo = createAdopterWorkspace(tarball);
    try {
      // The first install fills the npm cache's index for this tarball; the measured ones are warm.
      installAdopterWorkspace(repo.dir);
      const installs: number[] = [];
      for (let i = 0; i < INSTALLS; i++) {
        rmSync(join(repo.dir, 'node_modules'), { recursive: true, force: true });
        installs.push(time(() => installAdopterWorkspace(repo.dir)));
      }
      repo.write('packages/ui/src/index.ts', "export const button = (label: string) => Object.assign(document.createElement('button'), { textContent: label, type: 'button' });\n");
      repo.commit('ui: buttons do not submit');
      const bin = join(repo.dir, 'node_modules/.bin/tessera');
      const wall = (command: string, args: string[], before?: () => void) => {
        const times: number[] = [];
        for (let i = 0; i <= RUNS; i++) {
          before?.();
          const t = time(() => spawnSync(command, args, { cwd: repo.dir, stdio: 'ignore' }));
          if (i > 0) times.push(t);
        }
        return median(times);
      };
      const bare = wall(process.execPath, ['-e', '0']);
      const version = wall(bin, ['--version']);
      const affectedArgs = ['affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'];
      const check = JSON.parse(execFileSync(bin, affectedArgs, { cwd: repo.dir, encoding: 'utf8' })) as { apps: { name: string }[] };
      const cold = wall(bin, affectedArgs, () => rmSync(join(repo.dir, '.tessera'), { recursive: true, force: true }));
      const warm = wall(bin, affectedArgs);
      ctx.log(`adopt: packed ${packed} B, install ${median(installs).toFixed(0)} ms, --version ${version.toFixed(0)} ms (bare ${bare.toFixed(0)}), affected ${cold.toFixed(0)}/${warm.toFixed(0)} ms`);
      const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
      return {
        title: 'Adopting the package',
        table: [
          '| measure | value | target |',
          '| --- | ---: | --- |',
          `| packed size (\`npm pack\`) | ${kb(packed)} (${kb(unpacked)} unpacked, ${listing.length} files) | – |`,
          `| install of the tarball, warm npm cache (\`npm ci --offline\`, median of ${INSTALLS}) | ${(median(installs) / 1000).toFixed(1)} s | – |`,
          `| bare \`node -e 0\` | ${bare.toFixed(0)} ms | – |`,
          `| \`tessera --version\` from node_modules/.bin | ${version.toFixed(0)} ms (+${(version - bare).toFixed(0)} ms) | ≤ 50 ms over bare node |`,
          `| \`tessera affected\` cold (no .tessera) | ${cold.toFixed(0)} ms | – |`,
          `| \`tessera affected\` warm | ${warm.toFixed(0)} ms | – |`,
        ].join('\n'),
        notes: [
          `The adopted workspace: npm workspaces, two apps with their own build scripts and index.html entries, a shared package imported by name, no nx.json, no buildspec; the answer for the measured range is ${JSON.stringify(check.apps.map((a) => a.name))} (a change to the shared package).`,
          'The install is `npm ci --offline --ignore-scripts` with every tarball in the npm cache (no network here), plus copying better-sqlite3\'s compiled module; a first install on a fresh machine also downloads the tarballs and compiles or downloads better-sqlite3.',
          `Wall times are medians of ${RUNS} runs after one warm-up, each a fresh process; node_modules/.bin/tessera is the bin npm links (its #! runs node).`,
        ],
      };
    } finally {
      repo.cleanup();
    }
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}
