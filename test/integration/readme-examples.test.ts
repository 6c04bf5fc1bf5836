/**
 * The README's command examples, run as a new user runs them: in a fresh clone of this
 * repository (its history included, `main` checked out, node_modules linked), with the built
 * CLI. Every example must show its point there: an `affected` example affects at least one app,
 * a `build` example plans at least one job (run with --dry-run: the builds themselves are the
 * build tests' business). A range that names a commit must exist in the history, so an example
 * cannot quietly turn into "0 apps" when the latest commits touch only tools/ or test/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/sample-repo.js';
import { useTempDirs } from '../support/temp-dirs.js';

const BIN = join(REPO_ROOT, 'tools/bin/tessera.js');
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const tempDir = useTempDirs('readme-clone', 'all');

/** The lines of the first ```sh block after a heading. */
function readShBlock(heading: string): string[] {
  const at = README.indexOf(`## ${heading}\n`);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))![1]!;
  return block.split('\n').filter((l) => l.trim());
}

/** A line without its trailing `# comment` (two or more spaces, then #). */
const withoutComment = (line: string) => line.replace(/\s{2,}#\s.*$/, '').trim();

let clone: string;
beforeAll(() => {
  expect(existsSync(join(REPO_ROOT, 'tools/dist/run-cli.js')), 'run `node tools/build.mjs` first').toBe(true);
  clone = join(tempDir(), 'tessera');
  execFileSync('git', ['clone', '-q', '--shared', REPO_ROOT, clone]);
  // A clone of the published repository has main checked out; this one, whatever REPO_ROOT has.
  execFileSync('git', ['checkout', '-q', '-B', 'main'], { cwd: clone });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
}, 60_000);

/** Runs one README line in the clone with `npm exec tessera --` as the built CLI; stdout and stderr together. */
function runLine(line: string): { status: number | null; output: string } {
  const script = line.replaceAll('npm exec tessera --', `node ${JSON.stringify(BIN)}`);
  const result = spawnSync('bash', ['-c', script], { cwd: clone, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: 'true' } });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Lines that need a recorded run (runs, report) are the report tests' business; the rest run. */
const runnable = (lines: string[]) => lines.map(withoutComment).filter((l) => !/ -- (runs|report) /.test(l));

describe('the README examples in a fresh clone', () => {
  const examples = [...runnable(readShBlock('Quick start')).filter((l) => l.includes('tessera')), ...runnable(readShBlock('What it does today'))];

  it('covers the commands the README shows', () => {
    expect(examples.length).toBeGreaterThan(8);
    expect(examples.filter((l) => / -- affected .*--base \S+ --head /.test(l))).toHaveLength(1);
  });

  it('names commits that are in the history', () => {
    for (const line of examples) {
      for (const [, rev] of line.matchAll(/--(?:base|head) ([0-9a-f]{7,40})\b/g)) {
        const found = spawnSync('git', ['cat-file', '-e', `${rev}^{commit}`], { cwd: clone }).status === 0;
        expect(found, `README.md names commit ${rev}, which the history lacks (a shallow clone, or a rebase gave it another id): "${line}"`).toBe(true);
      }
    }
  });

  it.each(examples)('%s', (line) => {
    const isBuild = / -- build /.test(line);
    // Builds are planned, not run: --dry-run prints the same plan and starts nothing.
    const { status, output } = runLine(isBuild && !line.includes('--dry-run') ? line.replace(/ -- build /, ' -- build --dry-run ').replace(/^npm install && /, '') : line.replace(/^npm install && /, ''));
    expect(status, output).toBe(0);
    if (isBuild) {
      expect(Number(/Build plan \S+: (\d+) job\(s\)/.exec(output)?.[1] ?? 0), output).toBeGreaterThan(0);
    } else if (/ -- affected .*--format matrix/.test(line)) {
      expect(JSON.parse(/\{"include":.*?\]\}/.exec(output)![0]).include.length, output).toBeGreaterThan(0);
    } else if (/ -- affected .*--why /.test(line)) {
      expect(output).toMatch(/is affected for [1-9]\d* reason/);
      expect(output).toContain('chain 1:');
    } else if (/ -- affected(?! --help)/.test(line)) {
      expect(Number(/(\d+) of \d+ apps affected/.exec(output)?.[1] ?? 0), output).toBeGreaterThan(0);
    } else {
      expect(output.trim().length).toBeGreaterThan(0);
    }
  }, 120_000);
});
