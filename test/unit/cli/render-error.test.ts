import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../tools/src/errors/tessera-error.js';
import { formatInterrupt, renderError, renderErrorJson } from '../../../tools/src/cli/main.js';

describe('errors as --json documents', () => {
  it('a known error keeps its code, message, hint and located problems', () => {
    const error = new TesseraError('TESSERA_CONFIG_INVALID', 'tessera.config.json is invalid', { problems: [{ text: 'must be a string', location: { file: 'tessera.config.json', key: 'store.url' } }] });
    expect(JSON.parse(renderErrorJson(error))).toEqual({
      error: { code: 'TESSERA_CONFIG_INVALID', message: 'tessera.config.json is invalid', hint: expect.stringContaining('docs/configuration.md'), problems: [{ text: 'must be a string', location: { file: 'tessera.config.json', key: 'store.url' } }] },
    });
  });

  it('an unknown error is TESSERA_INTERNAL, and its stack stays in the human text', () => {
    const bug = new TypeError('undefined is not a function');
    expect(JSON.parse(renderErrorJson(bug)).error).toMatchObject({ code: 'TESSERA_INTERNAL', message: 'undefined is not a function', hint: expect.stringContaining('stack trace printed on stderr') });
    expect(renderErrorJson(bug)).not.toContain('at ');
    expect(renderError(bug, false)).toContain('this is a bug in Tessera');
    expect(renderError(bug, false)).toContain(bug.stack!.split('\n')[1]!);
  });
});

describe('the interrupt line', () => {
  it('names the signal and what the command stops, or only "stopping"', () => {
    expect(formatInterrupt('SIGTERM', 'the edge router')).toBe('\nSIGTERM: stopping the edge router (press Ctrl-C again to exit at once)\n');
    expect(formatInterrupt('SIGINT', undefined)).toBe('\nSIGINT: stopping (press Ctrl-C again to exit at once)\n');
    expect(formatInterrupt(new DOMException('aborted', 'AbortError'), 'every started build')).toBe('\ninterrupted: stopping every started build (press Ctrl-C again to exit at once)\n');
  });
});
