/**
 * `npm run bench`: runs the benchmark sections and writes BENCHMARKS.md.
 *
 *   TESSERA_BENCH_SIZES=small,medium,large   workspace sizes and shapes (default: the three sizes of the
 *                                            tree shape, small-barrel and medium-barrel; large-barrel by name)
 *   TESSERA_BENCH_ONLY=affected              sections to run (default: all)
 *
 * A section is a module exporting `run(ctx): Promise<Section>`; add new ones to SECTIONS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIZES, SIZES, type SizeName } from './workspaces.js';

export interface BenchContext {
  /** The Tessera repository root. */
  repoRoot: string;
  /** The compiled CLI (`tools/bin/tessera.js`). */
  tesseraBin: string;
  /** The repository's node_modules, linked into generated workspaces. */
  nodeModules: string;
  sizes: SizeName[];
  log: (line: string) => void;
}

export interface Section {
  title: string;
  /** Markdown: one table, or several under their own sub-headings. */
  table: string;
  notes: string[];
}

type SectionModule = { run: (ctx: BenchContext) => Promise<Section> };

const SECTIONS: Record<string, () => Promise<SectionModule>> = {
  affected: () => import('./affected.bench.js'),
  fanout: () => import('./fanout.bench.js'),
  report: () => import('./report.bench.js'),
  bundle: () => import('./bundle.bench.js'),
  edge: () => import('./edge.bench.js'),
  webhook: () => import('./webhook.bench.js'),
  startup: () => import('./startup.bench.js'),
  lockfile: () => import('./lockfile.bench.js'),
  adopt: () => import('./adopt.bench.js'),
  snapshot: () => import('./snapshot.bench.js'),
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function readList<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] {
  if (!value?.trim()) return [...allowed];
  const picked = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of picked) if (!allowed.includes(p as T)) throw new Error(`${name}: unknown value "${p}" (expected ${allowed.join(', ')})`);
  return picked as T[];
}

function describeMachine(): string[] {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  let os = `${process.platform} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty}, kernel ${release()}`;
  } catch {
    // no os-release
  }
  let git = '';
  try {
    git = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // no git
  }
  return [
    `- CPU: ${cpu}, ${cpus().length} cores`,
    `- RAM: ${(totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- Node: ${process.version}`,
    `- OS: ${os}`,
    ...(git ? [`- ${git}`] : []),
  ];
}

async function main() {
  const sizes = process.env.TESSERA_BENCH_SIZES?.trim() ? readList(process.env.TESSERA_BENCH_SIZES, Object.keys(SIZES) as SizeName[], 'TESSERA_BENCH_SIZES') : [...DEFAULT_SIZES];
  const only = readList(process.env.TESSERA_BENCH_ONLY, Object.keys(SECTIONS), 'TESSERA_BENCH_ONLY');
  const tesseraBin = join(repoRoot, 'tools', 'bin', 'tessera.js');
  if (!existsSync(join(repoRoot, 'tools', 'dist'))) throw new Error('tools/dist is missing: run `node tools/build.mjs` first (npm run bench does)');
  const started = performance.now();
  const ctx: BenchContext = {
    repoRoot,
    tesseraBin,
    nodeModules: join(repoRoot, 'node_modules'),
    sizes,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const sections: Section[] = [];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const path = join(repoRoot, 'BENCHMARKS.md');
  // Written after every section: a section that fails later loses only its own figures.
  const fresh: SectionText[] = [];
  const write = () => {
    const minutes = (performance.now() - started) / 60_000;
    // A run of some sections keeps the others' figures from the previous BENCHMARKS.md, each
    // with its own "Measured" line, so one part can be re-measured without re-running them all.
    const all = mergeSections(existsSync(path) ? splitSections(readFileSync(path, 'utf8')) : [], fresh);
    const doc = [
      '# Benchmarks',
      '',
      `Written by \`npm run bench\` (last run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: sections ${only.slice(0, sections.length).join(', ')}, ${minutes.toFixed(1)} min). Each section says when it was measured; \`TESSERA_BENCH_ONLY=name npm run bench\` re-measures one section and keeps the others.`,
      '',
      '## Machine',
      '',
      ...describeMachine(),
      '',
      ...all.flatMap((s) => [`## ${s.title}`, '', s.body.trimEnd(), '']),
    ].join('\n');
    writeFileSync(path, doc);
    ctx.log(`wrote ${path} (${minutes.toFixed(1)} min)`);
  };
  for (const name of only) {
    ctx.log(`== section ${name} (sizes: ${sizes.join(', ')})`);
    const section = await (await SECTIONS[name]!()).run(ctx);
    sections.push(section);
    process.stdout.write(`\n## ${section.title}\n\n${section.table}\n`);
    const measured = `_Measured ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, Tessera ${pkg.version}, sizes: ${sizes.join(', ')}._`;
    fresh.push({ title: section.title, body: [measured, '', section.table, '', ...(section.notes.length ? ['Notes:', '', ...section.notes.map((n) => `- ${n}`), ''] : [])].join('\n') });
    write();
  }
}

interface SectionText {
  title: string;
  body: string;
}

/** The `## ` sections of a BENCHMARKS.md, without the Machine section (always written afresh). */
function splitSections(markdown: string): SectionText[] {
  const parts = markdown.split(/^## /m).slice(1);
  return parts
    .map((part) => {
      const newline = part.indexOf('\n');
      return { title: part.slice(0, newline).trim(), body: part.slice(newline + 1).trim() };
    })
    .filter((section) => section.title !== 'Machine');
}

/**
 * Sections re-measured in this run replace their old text in place; new ones go last; the
 * rest keep their figures (and their own "Measured" line), so one part can be re-run alone.
 */
function mergeSections(previous: SectionText[], fresh: SectionText[]): SectionText[] {
  const merged = previous.map((old) => fresh.find((f) => f.title === old.title) ?? old);
  return [...merged, ...fresh.filter((f) => !previous.some((old) => old.title === f.title))];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
