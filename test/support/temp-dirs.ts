import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/**
 * A maker of fresh directories under the system's temp directory, each removed after the test
 * that made it (`'each'`) or after the file's last test (`'all'`). Call it at the top of a test
 * file or of a `describe`.
 */
export function useTempDirs(prefix: string, removeAfter: 'each' | 'all' = 'each'): () => string {
  const made: string[] = [];
  (removeAfter === 'each' ? afterEach : afterAll)(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `tessera-${prefix}-`));
    made.push(dir);
    return dir;
  };
}
