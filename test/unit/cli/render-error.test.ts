import { describe, expect, it } from 'vitest';
import { formatInterrupt } from '../../../tools/src/cli/main.js';

describe('the interrupt line', () => {
  it('names the signal and what the command stops, or only "stopping"', () => {
    expect(formatInterrupt('SIGTERM', 'the edge router')).toBe('\nSIGTERM: stopping the edge router (press Ctrl-C again to exit at once)\n');
    expect(formatInterrupt('SIGINT', undefined)).toBe('\nSIGINT: stopping (press Ctrl-C again to exit at once)\n');
    expect(formatInterrupt(new DOMException('aborted', 'AbortError'), 'every started build')).toBe('\ninterrupted: stopping every started build (press Ctrl-C again to exit at once)\n');
  });
});
