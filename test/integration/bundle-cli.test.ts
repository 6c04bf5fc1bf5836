import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../tools/src/bundle/asset-manifest.js';
import { main } from '../../tools/src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { createSampleRepo, REPO_ROOT, type TestRepo } from '../support/sample-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

async function tessera(args: string[], env: Record<string, string> = {}) {
  const io = captureIo(repo.dir, env);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err(), doc: args.includes('--json') && io.out() ? JSON.parse(io.out()) : null };
}

/** Every file under `dir`, relative, with its bytes. */
function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [p, b] of readTree(dir, rel)) files.set(p, b);
    else files.set(rel, readFileSync(join(dir, rel)));
  }
  return files;
}

describe('tessera bundle', () => {
  it('writes hashed ESM chunks for lazy routes, CSS, assets, a shell and a complete manifest, under the plan version', async () => {
    repo = createSampleRepo();
    repo.write('buildspec.yml', readFileSync(join(REPO_ROOT, 'buildspec.yml'), 'utf8'));
    repo.commit('buildspec');
    const { code, doc, err } = await tessera(['bundle', '--app', 'learner-home', '--json']);
    expect(code, err).toBe(0);
    const { manifest, outDir } = doc;
    expect(outDir).toBe(join(repo.dir, 'dist/apps/learner-home'));
    const plan = await tessera(['build', 'learner-home', '--dry-run', '--json']);
    expect(plan.code, plan.err).toBe(0);
    expect(manifest).toMatchObject({ schema: 1, app: 'learner-home', version: plan.doc.plan[0].version, commit: repo.git('rev-parse', 'HEAD'), buildId: expect.stringMatching(/^cli:/) });
    expect(manifest.entries).toEqual({ html: 'index.html', scripts: [expect.stringMatching(/^main-[A-Z2-7]{8}\.js$/)], styles: [expect.stringMatching(/^main-[A-Z2-7]{8}\.css$/)] });
    const paths: string[] = manifest.files.map((f: { path: string }) => f.path);
    expect(paths.filter((p) => /^chunks\/(dashboard|certificates)-[A-Z2-7]{8}\.js$/.test(p))).toHaveLength(2); // the lazy routes
    expect(paths.some((p) => /^assets\/hero-[A-Z2-7]{8}\.png$/.test(p))).toBe(true);
    expect(paths).toContain(`${manifest.entries.scripts[0]}.map`);
    const tree = readTree(outDir);
    expect([...tree.keys()].sort()).toEqual([...paths, 'manifest.json'].sort());
    expect(readdirSync(join(repo.dir, 'dist/apps'))).toEqual(['learner-home']); // the staging directory is gone
    for (const file of manifest.files) {
      expect(file.integrity, file.path).toBe(computeIntegrity(tree.get(file.path)!));
      expect(file.size).toBe(tree.get(file.path)!.length);
    }
    const byPath = Object.fromEntries(manifest.files.map((f: { path: string }) => [f.path, f]));
    expect(byPath['index.html']).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(byPath[manifest.entries.scripts[0]]).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    const shell = tree.get('index.html')!.toString();
    expect(shell).toContain(`<script type="module" src="./${manifest.entries.scripts[0]}" integrity="${byPath[manifest.entries.scripts[0]].integrity}" crossorigin="anonymous">`);
    expect(shell).toContain(`href="./${manifest.entries.styles[0]}"`);
    expect(shell).toContain('<div id="root"></div>');
    const map = JSON.parse(tree.get(`${manifest.entries.scripts[0]}.map`)!.toString());
    expect(map.sources).toContain('../../../apps/learner-home/src/main.tsx');
  });

  it('is reproducible: another checkout of the commit, another --out, gives byte-identical files', async () => {
    repo = createSampleRepo();
    expect((await tessera(['bundle', '--app', 'catalog'])).code).toBe(0);
    const other = join(repo.dir, '.tessera', 'other-checkout');
    repo.git('worktree', 'add', '--detach', other, 'HEAD');
    repo.git('-C', other, 'status'); // a second checkout reaching packages through a link, like a build job
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(repo.dir, 'node_modules'), join(other, 'node_modules'), 'dir');
    const io = captureIo(other);
    expect(await main(['bundle', '--app', 'catalog', '--out', join(repo.dir, 'out-2')], io), io.err()).toBe(0);
    const a = readTree(join(repo.dir, 'dist/apps/catalog'));
    const b = readTree(join(repo.dir, 'out-2'));
    a.delete('manifest.json');
    b.delete('manifest.json');
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [path, bytes] of a) expect(b.get(path)!.equals(bytes), path).toBe(true);
  });

  it('an app that fails to bundle: located esbuild errors, nothing written, nothing published', async () => {
    repo = createSampleRepo();
    expect((await tessera(['bundle', '--app', 'profile', '--out', 'older'], { TESSERA_VERSION: 'v1' })).code).toBe(0);
    const older = readTree(join(repo.dir, 'older'));
    repo.write('apps/profile/src/App.tsx', 'export function App() {\n  return <div>broken</div\n}\n');
    const { code, err } = await tessera(['bundle', '--app', 'profile']);
    expect(code).toBe(2);
    expect(err).toContain('TESSERA_BUNDLE_FAILED');
    expect(err).toMatch(/apps\/profile\/src\/App\.tsx:3:\d+: /);
    expect(existsSync(join(repo.dir, 'dist/apps/profile'))).toBe(false);
    expect((await tessera(['bundle', '--app', 'profile', '--out', 'older'], { TESSERA_VERSION: 'v2' })).code).toBe(2);
    expect(readTree(join(repo.dir, 'older'))).toEqual(older); // an older bundle in --out is left as it was
    expect(existsSync(join(repo.dir, 'dist/apps')) ? readdirSync(join(repo.dir, 'dist/apps')) : []).toEqual([]); // no staging directory left
    const publish = await tessera(['publish', '--app', 'profile']);
    expect([publish.code, publish.err]).toEqual([2, expect.stringContaining('TESSERA_BUNDLE_NOT_FOUND')]);
    expect(existsSync(join(repo.dir, '.tessera/store/apps/profile'))).toBe(false);
  });

  it('refuses an --out that would delete something: the workspace, a directory above it, a file, a directory that is not a bundle', async () => {
    repo = createSampleRepo();
    const before = repo.git('status', '--porcelain');
    for (const out of ['.', '..', 'apps', 'package.json']) {
      const { code, err } = await tessera(['bundle', '--app', 'profile', '--out', out]);
      expect([out, code, err]).toEqual([out, 2, expect.stringContaining('TESSERA_BUNDLE_OUT_UNSAFE')]);
    }
    expect(readdirSync(join(repo.dir, 'apps')).sort()).toContain('profile');
    expect(repo.git('status', '--porcelain')).toBe(before);
    // An earlier bundle is replaced; an empty directory is filled.
    expect((await tessera(['bundle', '--app', 'profile', '--out', 'out'])).code).toBe(0);
    expect((await tessera(['bundle', '--app', 'profile', '--out', 'out'])).code).toBe(0);
    expect(existsSync(join(repo.dir, 'out', 'manifest.json'))).toBe(true);
  });

  it('publish and versions: publish once, republish is a no-op, list; unsafe names and unknown apps are refused', async () => {
    repo = createSampleRepo();
    expect((await tessera(['bundle', '--app', 'search'], { TESSERA_RUN_ID: 'run-1' })).code).toBe(0);
    const first = await tessera(['publish', '--app', 'search', '--json']);
    expect(first.code, first.err).toBe(0);
    expect(first.doc).toMatchObject({ app: 'search', status: 'published', location: join(repo.dir, '.tessera/store') });
    const manifest = JSON.parse(repo.read(`.tessera/store/apps/search/${first.doc.version}/manifest.json`));
    expect(manifest.buildId).toBe('local:run-1:search');
    expect((await tessera(['publish', '--app', 'search', '--json'])).doc.status).toBe('unchanged');
    const listed = await tessera(['versions', 'search', '--json']);
    expect(listed.doc.versions).toEqual([expect.objectContaining({ version: first.doc.version, commit: repo.git('rev-parse', 'HEAD'), files: manifest.files.length })]);
    const text = await tessera(['versions', 'search']);
    expect(text.out).toContain(first.doc.version);
    const other = await tessera(['publish', '--app', 'search', '--store', join(repo.dir, 'elsewhere'), '--json']);
    expect(other.doc.location).toBe(join(repo.dir, 'elsewhere'));
    for (const args of [['versions', '../../etc'], ['publish', '--app', '../x'], ['bundle', '--app', 'a/b']]) {
      const r = await tessera(args);
      expect([r.code, r.err], args.join(' ')).toEqual([2, expect.stringContaining('TESSERA_UNSAFE_NAME')]);
    }
    const unknown = await tessera(['bundle', '--app', 'nope']);
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringContaining('TESSERA_UNKNOWN_APP')]);
    const unsafeVersion = await tessera(['bundle', '--app', 'search'], { TESSERA_VERSION: '../../x' });
    expect(unsafeVersion.err).toContain('TESSERA_UNSAFE_NAME');
  });
});
