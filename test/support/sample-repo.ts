import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where the sample workspace lives). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const SAMPLE = ['apps', 'libs', 'nx.json', 'tsconfig.base.json', 'package.json', 'package-lock.json', '.gitignore'];

/** A real git repository holding a copy of the sample workspace, for one test. */
export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  read(path: string): string;
  append(path: string, content: string): void;
  remove(path: string): void;
  move(from: string, to: string): void;
  /** Stages everything and commits; returns the commit id. */
  commit(message: string): string;
  cleanup(): void;
}

/** Wraps a directory that is (or will be) a git repository. */
export function openRepo(dir: string): TestRepo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return {
    dir,
    git,
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    append(path, content) {
      writeFileSync(join(dir, path), readFileSync(join(dir, path), 'utf8') + content);
    },
    remove: (path) => rmSync(join(dir, path), { recursive: true, force: true }),
    move(from, to) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      renameSync(join(dir, from), join(dir, to));
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Creates a fresh git repository with an empty initial commit on `main`. */
export function createEmptyRepo(prefix = 'tessera-test-'): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const repo = openRepo(dir);
  repo.git('init', '-q', '-b', 'main');
  repo.git('config', 'user.email', 'test@tessera.local');
  repo.git('config', 'user.name', 'Tessera Test');
  repo.git('config', 'commit.gpgsign', 'false');
  return repo;
}

/** A git repository whose first commit is the sample workspace (node_modules linked, not copied). */
export function createSampleRepo(): TestRepo {
  const repo = createEmptyRepo();
  for (const entry of SAMPLE) if (existsSync(join(REPO_ROOT, entry))) cpSync(join(REPO_ROOT, entry), join(repo.dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo.dir, 'node_modules'), 'dir');
  repo.commit('sample workspace');
  return repo;
}
