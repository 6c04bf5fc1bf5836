import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, renderCommandHelp } from '../../../tools/src/cli/command-help.js';
import { COMMANDS } from '../../../tools/src/cli/main.js';

describe('per-command help', () => {
  it('documents every flag of every command, and no flag a command does not have', async () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const [name, load] of Object.entries(COMMANDS)) {
      const command = await load();
      expect(Object.keys(COMMAND_HELP[name]!.flags).sort(), `tessera ${name}`).toEqual(Object.keys(command.options).sort());
      expect(COMMAND_HELP[name]!.examples.length, `tessera ${name} examples`).toBeGreaterThan(0);
    }
  });

  it('every command takes --json', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) expect((await load()).options.json, `tessera ${name} --json`).toEqual({ type: 'boolean' });
  });

  it('prints each flag with its argument, default and environment variable, and examples', async () => {
    const text = renderCommandHelp('affected', await COMMANDS.affected!(), false);
    expect(text).toMatch(/--format F\s+text, json, matrix .*\(default: text; env: TESSERA_FORMAT\)/);
    expect(text).toContain('--cwd DIR');
    expect(text).toContain('Examples:\n  tessera affected --base origin/main');
  });
});
