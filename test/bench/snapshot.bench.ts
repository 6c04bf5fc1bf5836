/**
 * A fresh CI runner with graph snapshots in the store (issue 16): for each workspace size, a
 * snapshot of HEAD~1, or of the commit 20 back, is pushed to the store (the directory store, and
 * S3 on a real radosgw), then a fresh clone with no `.tessera` answers `affected HEAD~1..HEAD`
 * from it. Against, in the same run: the same runner with no snapshot (cold), and Nx cold.
 * Also: the snapshot's size, its upload (`tessera graph --push` with a warm cache) and download
 * (one GET) times.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../tools/src/workspace/config.js';
import { openStore } from '../../tools/src/store/open-store.js';
import { startRadosgw, type Radosgw } from '../support/radosgw/start-radosgw.js';
import type { BenchContext, Section } from './run.js';
import { ensureWorkspace, type SizeName } from './workspaces.js';

/**
 * Commits on top of the workspace, as a pull request's go: each edits one app file, every
 * fourth adds a file it imports, and two later one of those is deleted with its import. The
 * last adds one too, so both distances' updates follow an added file, and the one 20 back a
 * deleted file as well.
 */
const FILLERS = 21;
const RUNS = 3;

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

interface StoreUnderTest {
  name: string;
  /** tessera.config.json `store` for one prefix of its own. */
  config: (prefix: string) => unknown;
  env: Record<string, string>;
}

function timed(command: string, args: string[], cwd: string, env: Record<string, string>): { ms: number; stdout: string; status: number | null; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: r.stdout, status: r.status, stderr: r.stderr };
}

/** A clone of `origin` at `rev` with node_modules linked and no .tessera: a fresh runner. */
function cloneAt(origin: string, rev: string, nodeModules: string, config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-runner-'));
  execFileSync('git', ['clone', '-q', '--no-checkout', origin, dir]);
  git(dir, 'checkout', '-q', '--detach', rev);
  symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir');
  // Untracked: the analysed commits are the same whatever store each runner names.
  writeFileSync(join(dir, 'tessera.config.json'), JSON.stringify({ store: config, graph: { share: true } }));
  writeFileSync(join(dir, '.git', 'info', 'exclude'), 'tessera.config.json\n');
  return dir;
}

export async function run(ctx: BenchContext): Promise<Section> {
  const sizes = ctx.sizes.filter((s): s is SizeName => !s.startsWith('large-barrel'));
  let rgw: Radosgw | null = null;
  const stores: StoreUnderTest[] = [];
  const dirStoreRoot = mkdtempSync(join(tmpdir(), 'tessera-bench-snapstore-'));
  stores.push({ name: 'directory', config: (prefix) => join(dirStoreRoot, prefix), env: {} });
  try {
    rgw = await startRadosgw();
  } catch (error) {
    ctx.log(`snapshot: no radosgw (${(error as Error).message})`);
  }
  if (rgw) {
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: rgw.endpoint, region: rgw.region, forcePathStyle: true, credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey } });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-graphs' }));
    s3.destroy();
    const endpoint = rgw.endpoint;
    stores.push({
      name: 'S3 (radosgw)',
      config: (prefix) => ({ url: `s3://bench-graphs/${prefix}`, endpoint, forcePathStyle: true }),
      env: { AWS_ACCESS_KEY_ID: rgw.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey, AWS_REGION: rgw.region },
    });
  }
  const rows: string[] = [];
  const notes: string[] = [];
  try {
    for (const size of sizes) {
      const ws = ensureWorkspace(size, ctx.nodeModules, ctx.log);
      // The origin: the workspace plus FILLERS commits on one app's file (see FILLERS).
      const origin = mkdtempSync(join(tmpdir(), 'tessera-bench-origin-'));
      execFileSync('git', ['clone', '-q', ws.dir, origin]);
      git(origin, 'config', 'user.email', 'bench@tessera.local');
      git(origin, 'config', 'user.name', 'Tessera Bench');
      const file = `apps/${ws.apps[Math.floor(ws.apps.length / 3)]}/src/components/component1.ts`;
      const added = (i: number) => file.replace(/component1\.ts$/, `added-${i}.ts`);
      for (let i = 0; i < FILLERS; i++) {
        let text = `${readFileSync(join(origin, file), 'utf8')}\n// edit ${i}\n`;
        if (i % 4 === 0 || i === FILLERS - 1) {
          writeFileSync(join(origin, added(i)), `export const added${i} = ${i};\n`);
          text += `import { added${i} } from './added-${i}';\nexport const use${i} = added${i};\n`;
        }
        if (i % 4 === 2) {
          rmSync(join(origin, added(i - 2)));
          text = text.split('\n').filter((line) => !line.includes(`added${i - 2}`)).join('\n');
        }
        writeFileSync(join(origin, file), text);
        git(origin, 'add', '-A');
        git(origin, 'commit', '-q', '-m', `edit ${i}`);
      }
      // Nx cold and Tessera cold (no snapshot), each on a fresh runner.
      const nxTimes: number[] = [];
      const coldTimes: number[] = [];
      let coldApps = '';
      for (let i = 0; i < RUNS; i++) {
        const runner = cloneAt(origin, 'HEAD', ctx.nodeModules, stores[0]!.config(`none-${size}-${i}`));
        try {
          const nx = timed(join(runner, 'node_modules/.bin/nx'), ['show', 'projects', '--affected', '--type=app', '--base=HEAD~1', '--head=HEAD', '--json'], runner, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_CACHE_DIRECTORY: join(runner, '.nx/cache'), NX_WORKSPACE_DATA_DIRECTORY: join(runner, '.nx/data') });
          if (nx.status === 0) nxTimes.push(nx.ms);
          const cold = timed(process.execPath, [ctx.tesseraBin, 'affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], runner, { TESSERA_GRAPH_SHARE: '0' });
          if (cold.status !== 0) throw new Error(`cold affected failed: ${cold.stderr.slice(-500)}`);
          coldTimes.push(cold.ms);
          coldApps = JSON.stringify((JSON.parse(cold.stdout) as { apps: { name: string }[] }).apps.map((a) => a.name));
        } finally {
          rmSync(runner, { recursive: true, force: true });
        }
      }
      const nxCold = nxTimes.length ? median(nxTimes) : null;
      const tCold = median(coldTimes);
      for (const store of stores) {
        const cells: Record<number, { fresh: number; readFrom: string | null; same: boolean }> = {};
        let size_ = { bytes: 0, uncompressed: 0 };
        let upload = 0;
        let download = 0;
        for (const distance of [1, 20]) {
          const prefix = `${size}-${distance}-${Date.now()}`;
          const config = store.config(prefix);
          // The pusher: a runner at the snapshot's commit; its cache warmed without sharing, so the push times the upload.
          const pusher = cloneAt(origin, `HEAD~${distance}`, ctx.nodeModules, config);
          let key = '';
          try {
            timed(process.execPath, [ctx.tesseraBin, 'affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], pusher, { ...store.env, TESSERA_GRAPH_SHARE: '0' });
            const push = timed(process.execPath, [ctx.tesseraBin, 'graph', '--push', '--json'], pusher, store.env);
            if (push.status !== 0) throw new Error(`graph --push failed: ${push.stderr.slice(-500)}`);
            const pushed = JSON.parse(push.stdout) as { key: string; bytes: number; uncompressedBytes: number };
            key = pushed.key;
            if (distance === 1) {
              size_ = { bytes: pushed.bytes, uncompressed: pushed.uncompressedBytes };
              upload = push.ms;
            }
          } finally {
            rmSync(pusher, { recursive: true, force: true });
          }
          const settings = { ...DEFAULT_CONFIG.store, ...(typeof config === 'string' ? { url: config } : (config as object)) } as typeof DEFAULT_CONFIG.store;
          Object.assign(process.env, store.env);
          const opened = await openStore(origin, settings);
          try {
            if (distance === 1) {
              const gets: number[] = [];
              for (let i = 0; i < RUNS; i++) {
                const start = process.hrtime.bigint();
                await opened.get(key);
                gets.push(Number(process.hrtime.bigint() - start) / 1e6);
              }
              download = median(gets);
            }
            // What a fresh runner writes: HEAD's snapshot, the same key with HEAD's tree. Removed after
            // each run, so that every run starts from HEAD~distance's.
            const headKey = key.replace(git(origin, 'rev-parse', `HEAD~${distance}^{tree}`), git(origin, 'rev-parse', 'HEAD^{tree}'));
            const fresh: number[] = [];
            let readFrom: string | null = null;
            let same = true;
            for (let i = 0; i < RUNS; i++) {
              const runner = cloneAt(origin, 'HEAD', ctx.nodeModules, config);
              try {
                const r = timed(process.execPath, [ctx.tesseraBin, 'affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'], runner, store.env);
                if (r.status !== 0) throw new Error(`fresh runner failed: ${r.stderr.slice(-500)}`);
                const doc = JSON.parse(r.stdout) as { apps: { name: string }[]; stats: { cache: string; snapshot: { readFrom: string | null } | null } };
                fresh.push(r.ms);
                // A snapshot read but not updated (a full analysis after all) counts as none used.
                readFrom = doc.stats.cache === 'update' ? (doc.stats.snapshot?.readFrom ?? null) : null;
                same &&= JSON.stringify(doc.apps.map((a) => a.name)) === coldApps;
              } finally {
                rmSync(runner, { recursive: true, force: true });
                await opened.delete(headKey);
              }
            }
            cells[distance] = { fresh: median(fresh), readFrom, same };
          } finally {
            await opened.close();
          }
        }
        const ratio = (a: number, b: number | null) => (b ? `${(a / b).toFixed(2)}×` : '–');
        const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        const target = size.startsWith('large') ? 1000 : size.startsWith('medium') ? 500 : null;
        const hits = (d: number) => `${fmt(cells[d]!.fresh)}${cells[d]!.readFrom ? '' : ' (no snapshot used)'}${cells[d]!.same ? '' : ' ❗ answer differs'}`;
        rows.push(
          `| ${size} | ${store.name} | ${(size_.bytes / 1024).toFixed(0)} KiB (${(size_.uncompressed / 1024).toFixed(0)} KiB) | ${fmt(upload)} | ${download.toFixed(0)} ms | ${hits(1)} | ${hits(20)} | ${fmt(tCold)} | ${nxCold ? fmt(nxCold) : '–'} | ${ratio(cells[1]!.fresh, nxCold)} / ${ratio(cells[20]!.fresh, nxCold)} | ${target === null ? '–' : `≤ ${target / 1000} s: ${cells[20]!.fresh <= target ? '✅' : '❌'}`} |`,
        );
        ctx.log(`snapshot ${size} ${store.name}: fresh ${cells[1]!.fresh.toFixed(0)}/${cells[20]!.fresh.toFixed(0)} ms, cold ${tCold.toFixed(0)} ms, nx ${nxCold?.toFixed(0) ?? '–'} ms`);
      }
      rmSync(origin, { recursive: true, force: true });
    }
  } finally {
    await rgw?.stop();
    rmSync(dirStoreRoot, { recursive: true, force: true });
  }
  if (!rgw) notes.push('radosgw could not be started here: the S3 rows are missing (install radosgw, ceph-mon and ceph-osd as .ci/run does).');
  notes.push(
    `Each cell is the median of ${RUNS} fresh runners: a \`git clone\` at HEAD with node_modules linked and no \`.tessera\`, answering \`tessera affected --base HEAD~1 --head HEAD\` with \`graph.share\` on. The snapshot of HEAD~1 or HEAD~20 was pushed first (\`tessera graph --push\`, its cache warm, so "upload" is start-up plus the PUT); the ${FILLERS} commits on top of the workspace each edit one app file, every fourth adds a file it imports and two later one is deleted with its import (HEAD~1..HEAD adds one; HEAD~20..HEAD adds one and deletes one), so the runner updates the snapshot for the files changed, added and deleted since.`,
    'A fresh runner writes its own HEAD snapshot too (not timed apart); each distance uses a store prefix of its own. "cold" is the same runner with sharing off; Nx cold is `nx show projects --affected` on a fresh clone with empty caches, no daemon, in the same run.',
  );
  return {
    title: 'Fresh runner with a graph snapshot in the store',
    table: [
      '| size | store | snapshot (uncompressed) | upload | download | fresh runner, snapshot of HEAD~1 | fresh runner, snapshot 20 back | cold, no snapshot | Nx cold | fresh / Nx cold (1 / 20 back) | target |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows,
    ].join('\n'),
    notes,
  };
}
