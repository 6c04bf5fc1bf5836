/**
 * The `lockfile` section: reading a ~3 MB pnpm v9 lockfile (generated: 60 importers, 9,800
 * packages with peer-suffixed snapshots), the document through the `yaml` package against
 * Tessera's line-based reader of the lockfile subset (read-lock-yaml.ts), which must give the
 * same document; then the whole model cold (parse + write the cache file) and warm (the cache
 * file read back, and the in-memory hit). Targets: cold ≤ 1.5 s, warm ≤ 0.3 s.
 *
 * Standalone: `npx tsx test/bench/lockfile.bench.ts`.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLockfileCache } from '../../tools/src/workspace/lockfile-cache.js';
import { parseWithYamlPackage, readYamlSubset } from '../../tools/src/workspace/lockfiles/read-lock-yaml.js';
import { median } from './measure.js';
import type { BenchContext, Section } from './run.js';

const PACKAGES = 9_800;
const IMPORTERS = 60;
const ROUNDS = Number(process.env.TESSERA_BENCH_LOCKFILE_ROUNDS ?? 5);
const COLD_MS = 1_500;
const WARM_MS = 300;
const ms = (v: number) => (v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const check = (ok: boolean) => (ok ? '✅' : '❌');

/** A deterministic pnpm v9 lockfile of about 3 MB, shaped like a real one. */
export function generatePnpmLock(packages = PACKAGES, importers = IMPORTERS): string {
  const name = (i: number) => (i % 7 === 0 ? `@scope${i % 13}/pkg-${i}` : `pkg-${i}`);
  const version = (i: number) => `${1 + (i % 5)}.${i % 17}.${i % 3}`;
  const quote = (s: string) => (s.startsWith('@') ? `'${s}'` : s);
  const peer = (i: number) => (i % 10 === 0 ? `(react@18.2.0)` : '');
  const deps = (i: number) => [1, 2, 3, 5].map((d) => (i * 31 + d * 977) % packages).filter((d) => d !== i);
  const out: string[] = ["lockfileVersion: '9.0'", '', 'settings:', '  autoInstallPeers: true', '  excludeLinksFromLockfile: false', '', 'importers:', ''];
  for (let m = 0; m < importers; m++) {
    out.push(m === 0 ? '  .:' : `  apps/app-${m}:`, '    dependencies:');
    for (let k = 0; k < 25; k++) {
      const i = (m * 131 + k * 17) % packages;
      out.push(`      ${quote(name(i))}:`, `        specifier: ^${version(i)}`, `        version: ${version(i)}${peer(i)}`);
    }
    out.push('');
  }
  out.push('packages:', '');
  out.push('  react@18.2.0:', '    resolution: {integrity: sha512-react}', "    engines: {node: '>=0.10.0'}", '');
  for (let i = 0; i < packages; i++) {
    out.push(`  ${quote(`${name(i)}@${version(i)}`)}:`, `    resolution: {integrity: sha512-${Buffer.from(`pkg${i}`).toString('base64').padEnd(86, 'A')}==}`);
    if (i % 4 === 0) out.push("    engines: {node: '>=14'}");
    if (i % 10 === 0) out.push('    peerDependencies:', '      react: ^18.0.0');
    if (i % 9 === 0) out.push('    hasBin: true');
    out.push('');
  }
  out.push('snapshots:', '', '  react@18.2.0: {}', '');
  for (let i = 0; i < packages; i++) {
    out.push(`  ${quote(`${name(i)}@${version(i)}${peer(i)}`)}:`, '    dependencies:');
    for (const d of deps(i)) out.push(`      ${quote(name(d))}: ${version(d)}${peer(d)}`);
    if (i % 10 === 0) out.push('      react: 18.2.0');
    if (i % 6 === 0) out.push('    transitivePeerDependencies:', '      - supports-color');
    out.push('');
  }
  return out.join('\n');
}

function time<T>(rounds: number, fn: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    value = fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), value };
}

export async function run(ctx: BenchContext): Promise<Section> {
  const text = generatePnpmLock();
  ctx.log(`lockfile: ${(text.length / 1024 / 1024).toFixed(2)} MB pnpm v9, load ${loadavg()[0]!.toFixed(2)}`);
  const yamlPackage = time(Math.min(ROUNDS, 3), () => parseWithYamlPackage(text));
  const subset = time(ROUNDS, () => readYamlSubset(text));
  const same = isDeepStrictEqual(subset.value, yamlPackage.value);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lockfile-bench-'));
  try {
    const cold = time(ROUNDS, () => {
      rmSync(join(dir, 'cache'), { recursive: true, force: true });
      return createLockfileCache({ dir }).load('pnpm-lock.yaml', text);
    });
    const warmDisk = time(ROUNDS, () => createLockfileCache({ dir }).load('pnpm-lock.yaml', text));
    const memory = createLockfileCache({ dir });
    memory.load('pnpm-lock.yaml', text);
    const warmMemory = time(ROUNDS, () => memory.load('pnpm-lock.yaml', text));
    const nodes = cold.value.nodes.size;
    const table = [
      '| step | median | target | ok |',
      '| --- | ---: | ---: | :---: |',
      `| document: \`yaml\` package | ${ms(yamlPackage.ms)} | – | – |`,
      `| document: line reader (read-lock-yaml.ts) | ${ms(subset.ms)} | – | ${check(same)} same document |`,
      `| model cold: parse + write cache file | ${ms(cold.ms)} | ${ms(COLD_MS)} | ${check(cold.ms <= COLD_MS)} |`,
      `| model warm: cache file read back | ${ms(warmDisk.ms)} | ${ms(WARM_MS)} | ${check(warmDisk.ms <= WARM_MS)} |`,
      `| model warm: in-memory hit (blob id of the text) | ${ms(warmMemory.ms)} | ${ms(WARM_MS)} | ${check(warmMemory.ms <= WARM_MS)} |`,
    ].join('\n');
    return {
      title: 'Lockfile: 3 MB pnpm-lock.yaml',
      table,
      notes: [
        `Generated pnpm v9 lockfile: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${IMPORTERS} importers, ${nodes.toLocaleString('en')} nodes; median of ${ROUNDS} rounds in process (the yaml package: ${Math.min(ROUNDS, 3)}).`,
        `The line reader is ${(yamlPackage.ms / subset.ms).toFixed(1)}× faster than the yaml package and ${same ? 'gives the same document' : 'DIFFERS from it (a bug)'}; Tessera keeps it, falling back to the yaml package for YAML outside the lockfile subset.`,
        `Load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await run({ repoRoot: '', tesseraBin: '', nodeModules: '', sizes: [], log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`## ${section.title}\n\n${section.table}\n\n${section.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
