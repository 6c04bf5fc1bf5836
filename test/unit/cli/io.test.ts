import { describe, expect, it } from 'vitest';
import { computeStreamColor, createIo } from '../../../tools/src/cli/io.js';
import { main } from '../../../tools/src/cli/main.js';

const ANSI = /\x1b\[\d+m/;

/** An Io over two plain streams that record their text; `tty` says which of them is a terminal. */
function streams(tty: { stdout: boolean; stderr: boolean }, env: Record<string, string> = {}) {
  const text = { stdout: '', stderr: '' };
  const io = createIo({
    stdout: { write: (t: string) => (text.stdout += t), isTTY: tty.stdout },
    stderr: { write: (t: string) => (text.stderr += t), isTTY: tty.stderr },
    env,
    cwd: process.cwd(),
  });
  return { io, text };
}

describe('colour per stream', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ NO_COLOR: '' }, true, true],
  ])('env %o, terminal %s: colour %s', (env, isTTY, expected) => {
    expect(computeStreamColor({ isTTY }, env)).toBe(expected);
  });

  it('decides each stream on its own, and interactivity follows stderr outside CI', () => {
    expect(createIo({ stdout: { write: () => 0, isTTY: true }, stderr: { write: () => 0 }, env: {}, cwd: '/' })).toMatchObject({ color: { stdout: true, stderr: false }, interactive: false });
    expect(createIo({ stdout: { write: () => 0 }, stderr: { write: () => 0, isTTY: true }, env: {}, cwd: '/' })).toMatchObject({ color: { stdout: false, stderr: true }, interactive: true });
    expect(createIo({ stdout: { write: () => 0 }, stderr: { write: () => 0, isTTY: true }, env: { CI: 'true' }, cwd: '/' }).interactive).toBe(false);
  });

  it('help on stdout is coloured only when stdout is a terminal, an error on stderr only when stderr is', async () => {
    const toTerminal = streams({ stdout: true, stderr: false });
    expect(await main(['affected', '--help'], toTerminal.io)).toBe(0);
    expect(await main(['afected'], toTerminal.io)).toBe(2);
    expect(toTerminal.text.stdout).toMatch(ANSI);
    expect(toTerminal.text.stderr).toContain('did you mean "affected"');
    expect(toTerminal.text.stderr).not.toMatch(ANSI);

    const piped = streams({ stdout: false, stderr: true });
    expect(await main(['affected', '--help'], piped.io)).toBe(0);
    expect(await main(['afected'], piped.io)).toBe(2);
    expect(piped.text.stdout).toContain('--format F');
    expect(piped.text.stdout).not.toMatch(ANSI);
    expect(piped.text.stderr).toMatch(ANSI);
  });

  it('NO_COLOR wins over a terminal on both streams', async () => {
    const { io, text } = streams({ stdout: true, stderr: true }, { NO_COLOR: '1' });
    await main(['affected', '--help'], io);
    await main(['afected'], io);
    expect(text.stdout + text.stderr).not.toMatch(ANSI);
  });
});
