import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBuildspec } from '../../tools/src/buildspec/parse-buildspec.js';
import { runBuildspec, type RunBuildspecOptions, type RunBuildspecResult } from '../../tools/src/buildspec/run-buildspec.js';
import { isGroupAlive } from '../../tools/src/buildspec/process-group.js';
import type { LogLine } from '../../tools/src/records/run-record.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('run');

interface Ran extends RunBuildspecResult {
  dir: string;
  /** `TYPE STATUS` per onPhase call, with the message when there is one. */
  phases: string[];
  messages: (string | undefined)[];
  logs: LogLine[];
  out: string[];
}

/** Runs buildspec YAML in a fresh temp directory, recording every event. */
async function run(text: string, options: Partial<RunBuildspecOptions> & { keepLogs?: boolean; setup?: (dir: string) => void } = {}): Promise<Ran> {
  const { buildspec, errors } = parseBuildspec(text, 'buildspec.yml');
  expect(errors).toEqual([]);
  const dir = tempDir();
  options.setup?.(dir);
  const phases: string[] = [];
  const messages: (string | undefined)[] = [];
  const logs: LogLine[] = [];
  const result = await runBuildspec({
    buildspec: buildspec!,
    cwd: dir,
    env: {},
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    onPhase: (type, status, time, message) => {
      expect(time).toBeInstanceOf(Date);
      phases.push(`${type} ${status}`);
      messages.push(message);
    },
    onLog: (line) => logs.push(line),
    ...options,
  });
  return { ...result, dir, phases, messages, logs, out: logs.filter((l) => l.stream !== 'system').map((l) => l.text) };
}

const ALL_OK = ['INSTALL IN_PROGRESS', 'INSTALL SUCCEEDED', 'PRE_BUILD IN_PROGRESS', 'PRE_BUILD SUCCEEDED', 'BUILD IN_PROGRESS', 'BUILD SUCCEEDED', 'POST_BUILD IN_PROGRESS', 'POST_BUILD SUCCEEDED'];

/** Pids printed by a command as `pids=<a> <b>`. */
function printedPids(logs: LogLine[]): number[] {
  const line = logs.find((l) => l.text.startsWith('pids='));
  expect(line, 'the command printed its pids').toBeDefined();
  return line!.text.slice(5).trim().split(/\s+/).map(Number);
}

function isRunning(pid: number): boolean {
  // A zombie (killed, never reaped by a PID 1 that does not reap) is not running.
  try {
    return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

describe('runBuildspec', () => {
  it('runs every phase in order and reports absent phases as instant successes', async () => {
    const r = await run('version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n      - echo oops >&2\n');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.phases).toEqual(ALL_OK);
    expect(r.logs.filter((l) => l.stream !== 'system').map((l) => [l.stream, l.text])).toEqual([['stdout', 'hello'], ['stderr', 'oops']]);
    expect(r.logs.map((l) => l.text)).toContainEqual(expect.stringMatching(/^\[Container\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3} Running command echo hello$/));
    expect(r.logs.map((l) => l.text)).toContainEqual(expect.stringMatching(/Entering phase POST_BUILD$/));
    for (const line of r.logs) expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('carries cd and export from one command to the next, across phases; buildspec and build variables are set', async () => {
    const r = await run(
      [
        'version: 0.2',
        'env:',
        '  variables:',
        '    FROM_SPEC: spec',
        '    OVERRIDDEN: spec',
        'phases:',
        '  install:',
        '    commands:',
        '      - mkdir -p sub/deeper && cd sub',
        '      - export GREETING="hi there" && TEMP_ONLY=1',
        '      - cd deeper; export LEVEL=2; exit 0',
        '  build:',
        '    commands:',
        '      - echo "$(basename "$PWD") $GREETING $LEVEL [$TEMP_ONLY] $FROM_SPEC $OVERRIDDEN $CODEBUILD_BUILD_SUCCEEDING"',
        '      - unset GREETING',
        '      - echo "[$GREETING] $CODEBUILD_SRC_DIR"',
      ].join('\n'),
      { env: { OVERRIDDEN: 'build' } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out).toEqual(['deeper hi there 2 [] spec build 1', `[] ${r.dir}`]);
  });

  it('starts from PATH, HOME, the locale, TMPDIR and CI of this process, never its whole environment', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { TESSERA_WEBHOOK_SECRET: 'probe-secret', AWS_SECRET_ACCESS_KEY: 'probe-aws', SOME_SETTING: 'probe', LC_ALL: 'C', CI: '1' });
    try {
      const spec = 'version: 0.2\nenv:\n  variables:\n    FROM_SPEC: spec\nphases:\n  build:\n    commands:\n      - env | cut -d= -f1 | sort | tr "\\n" " "\n';
      const r = await run(spec, { env: { TESSERA_APP: 'shop' } });
      const names = r.out[0]!.trim().split(' ');
      expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'LC_ALL', 'CI', 'FROM_SPEC', 'TESSERA_APP', 'CODEBUILD_SRC_DIR']));
      expect(names).not.toEqual(expect.arrayContaining(['TESSERA_WEBHOOK_SECRET']));
      expect(names.filter((n) => ['TESSERA_WEBHOOK_SECRET', 'AWS_SECRET_ACCESS_KEY', 'SOME_SETTING'].includes(n))).toEqual([]);
      // A caller's own starting environment (the local executor's, with `build.env.pass`) replaces this process's.
      const given = await run(spec, { baseEnv: { PATH: process.env.PATH!, NPM_TOKEN: 'npm_x' } });
      expect(given.out[0]!.trim().split(' ')).toEqual(expect.arrayContaining(['NPM_TOKEN', 'PATH', 'FROM_SPEC']));
      expect(given.out[0]!.trim().split(' ')).not.toContain('HOME');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('a failing command skips the rest of its phase, runs finally, and POST_BUILD still runs with CODEBUILD_BUILD_SUCCEEDING=0', async () => {
    const r = await run(
      [
        'version: 0.2',
        'phases:',
        '  build:',
        '    commands:',
        '      - echo one',
        '      - exit 3',
        '      - echo never',
        '    finally:',
        '      - echo "finally $CODEBUILD_BUILD_SUCCEEDING"',
        '  post_build:',
        '    commands:',
        '      - echo "post $CODEBUILD_BUILD_SUCCEEDING"',
      ].join('\n'),
    );
    expect(r.status).toBe('FAILED');
    expect(r.out).toEqual(['one', 'finally 0', 'post 0']);
    expect(r.phases).toEqual([...ALL_OK.slice(0, 5), 'BUILD FAILED', 'POST_BUILD IN_PROGRESS', 'POST_BUILD SUCCEEDED']);
    expect(r.messages[5]).toBe('COMMAND_EXECUTION_ERROR: Error while executing command: exit 3. Reason: exit status 3');
    expect(r.logs.map((l) => l.text)).toContainEqual(expect.stringMatching(/Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: exit 3\. Reason: exit status 3$/));
  });

  it('an INSTALL (or PRE_BUILD) failure skips every later phase', async () => {
    for (const failing of ['install', 'pre_build']) {
      const r = await run(`version: 0.2\nphases:\n  ${failing}:\n    commands: [\"false\"]\n  build:\n    commands: [echo built]\n  post_build:\n    commands: [echo post]\n`);
      expect(r.status).toBe('FAILED');
      expect(r.out).toEqual([]);
      expect(r.phases).toEqual(failing === 'install' ? ['INSTALL IN_PROGRESS', 'INSTALL FAILED'] : ['INSTALL IN_PROGRESS', 'INSTALL SUCCEEDED', 'PRE_BUILD IN_PROGRESS', 'PRE_BUILD FAILED']);
    }
  });

  it('on-failure CONTINUE runs the next phases, and the build still fails', async () => {
    const r = await run('version: 0.2\nphases:\n  install:\n    on-failure: CONTINUE\n    commands: ["false", echo skipped]\n  build:\n    commands: [echo "built $CODEBUILD_BUILD_SUCCEEDING"]\n');
    expect(r.status).toBe('FAILED');
    expect(r.out).toEqual(['built 0']);
    expect(r.phases.slice(0, 4)).toEqual(['INSTALL IN_PROGRESS', 'INSTALL FAILED', 'PRE_BUILD IN_PROGRESS', 'PRE_BUILD SUCCEEDED']);
  });

  it('a failing finally command fails the phase', async () => {
    const r = await run('version: 0.2\nphases:\n  build:\n    commands: [echo ok]\n    finally: ["exit 4", echo never]\n');
    expect(r.status).toBe('FAILED');
    expect(r.out).toEqual(['ok']);
    expect(r.messages[5]).toMatch(/command: exit 4\. Reason: exit status 4$/);
  });

  it('uses /bin/sh when env.shell says so', async () => {
    const r = await run('version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n      - cd /tmp\n      - echo "$(pwd) ${BASH_VERSION:-no-bash}"\n');
    expect(r.out).toEqual(['/tmp no-bash']);
  });

  it('timeout kills the whole process tree: the phase and the build are TIMED_OUT and nothing is left running', async () => {
    const r = await run('version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 1000 & echo "pids=$! $$"; sleep 1000\n    finally: [echo never]\n  post_build:\n    commands: [echo never]\n', { timeoutMs: 1000 });
    expect(r.status).toBe('TIMED_OUT');
    expect(r.phases.slice(-2)).toEqual(['BUILD IN_PROGRESS', 'BUILD TIMED_OUT']);
    expect(r.messages.at(-1)).toMatch(/^BUILD_TIMED_OUT/);
    expect(r.out).not.toContain('never');
    const pids = printedPids(r.logs);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    expect(isGroupAlive(pids[1]!)).toBe(false);
  });

  it('aborting the signal stops the build (STOPPED) and kills background processes too', async () => {
    const controller = new AbortController();
    const logged: LogLine[] = [];
    const r = await run('version: 0.2\nphases:\n  install:\n    commands:\n      - sleep 1234 > /dev/null 2>&1 &\n  build:\n    commands:\n      - sleep 1000 & echo "pids=$! $$"; sleep 1000\n', {
      signal: controller.signal,
      onLog: (line) => {
        if (line.text.startsWith('pids=')) setTimeout(() => controller.abort(), 50);
        logged.push(line);
      },
    });
    expect(r.status).toBe('STOPPED');
    expect(r.phases.slice(-2)).toEqual(['BUILD IN_PROGRESS', 'BUILD STOPPED']);
    for (const pid of printedPids(logged)) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    // The background process from INSTALL (a sleep no other test uses) is gone too.
    const leftovers = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).split('\n').filter((l) => /^[^Z]\S*\s+sleep 1234$/.test(l.trim()));
    expect(leftovers).toEqual([]);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await run('version: 0.2\nphases:\n  install:\n    commands: [echo never]\n', { signal: controller.signal });
    expect(r.status).toBe('STOPPED');
    expect(r.out).toEqual([]);
    expect(r.phases).toEqual(['INSTALL IN_PROGRESS', 'INSTALL STOPPED']);
  });

  it('keeps ANSI escape codes verbatim, splits CRLF, keeps a last line without newline', async () => {
    const r = await run("version: 0.2\nphases:\n  build:\n    commands:\n      - printf '\\033[31mred\\033[0m\\r\\nplain\\nno newline'\n");
    expect(r.out).toEqual(['\u001b[31mred\u001b[0m', 'plain', 'no newline']);
  });

  it('streams ~100 MB of output line by line without holding it', async () => {
    let lines = 0;
    let bytes = 0;
    let longest = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapMax = heapBefore;
    // 1,000,000 lines of 100 bytes (newline included), then one 200 KiB line that must be cut into pieces.
    const r = await run("version: 0.2\nphases:\n  build:\n    commands:\n      - yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -n 1000000\n      - head -c 204800 /dev/zero | tr '\\\\0' y; echo\n", {
      onLog: (line) => {
        if (line.stream !== 'stdout') return;
        lines++;
        bytes += line.text.length + 1;
        longest = Math.max(longest, line.text.length);
        if (lines % 50_000 === 0) heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(lines).toBe(1_000_000 + 4); // 204800 = 3 × 65536 + 8192
    expect(bytes).toBe(100_000_000 + 204_800 + 4);
    expect(longest).toBe(65_536);
    // The whole output is ~100 MB (~200 MB as JS strings); holding it would show here.
    expect(heapMax - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports exported variables and the artifacts matched under the expanded base directory', async () => {
    const r = await run(
      [
        'version: 0.2',
        'env:',
        '  exported-variables: [BUILT, TESSERA_APP, NEVER_SET]',
        'phases:',
        '  build:',
        '    commands:',
        '      - mkdir -p dist/apps/$TESSERA_APP/assets dist/apps/other',
        '      - echo x > dist/apps/$TESSERA_APP/index.html && echo y > dist/apps/$TESSERA_APP/assets/app.js && echo z > dist/apps/$TESSERA_APP/.hidden && echo m > dist/apps/$TESSERA_APP/assets/app.js.map',
        '      - echo o > dist/apps/other/index.html',
        '      - export BUILT="$(cat dist/apps/$TESSERA_APP/index.html)-ok"',
        'artifacts:',
        '  base-directory: dist/apps/$TESSERA_APP',
        '  files:',
        '    - "**/*.{html,js}"',
        '    - .hidden',
      ].join('\n'),
      { env: { TESSERA_APP: 'shop' } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.exportedVariables).toEqual({ BUILT: 'x-ok', TESSERA_APP: 'shop' });
    expect(r.artifacts).toEqual(['.hidden', 'assets/app.js', 'index.html']);
    expect(readFileSync(join(r.dir, 'dist/apps/shop', r.artifacts[2]!), 'utf8')).toBe('x\n');
  });

  it('does not follow a linked node_modules when collecting artifacts', async () => {
    const r = await run('version: 0.2\nphases:\n  build:\n    commands: [echo a > a.txt]\nartifacts:\n  files: ["**/*"]\n', {
      setup: (dir) => {
        mkdirSync(join(dir, 'real/pkg'), { recursive: true });
        writeFileSync(join(dir, 'real/pkg/index.js'), '');
        execFileSync('ln', ['-s', join(dir, 'real'), join(dir, 'node_modules')]);
      },
    });
    expect(r.artifacts).toEqual(['a.txt', 'real/pkg/index.js']);
  });
});
