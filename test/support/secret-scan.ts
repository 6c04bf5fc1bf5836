/**
 * Looks for secret values in stored or served text, independently of the code that masks
 * them: the value as it is, and inside any run of base64, decoded at each of its four
 * alignments (so a value at any offset of `env | base64 -w0` output is found).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where each secret shows in `text` (plain, or base64-encoded), as `<name> <how> in <where>`. */
export function findSecretLeaks(text: string, secrets: Record<string, string>, where: string): string[] {
  const leaks: string[] = [];
  const decoded: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const part = run.slice(skip);
      decoded.push(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
    }
  }
  const all = decoded.join('\n');
  for (const [name, value] of Object.entries(secrets)) {
    if (text.includes(value)) leaks.push(`${name} in ${where}`);
    if (all.includes(value)) leaks.push(`${name} base64-encoded in ${where}`);
  }
  return leaks;
}

/** Every file below `dir` (recursively), read as latin1 so that binary files (SQLite) are searched byte for byte. */
export function readTree(dir: string): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push({ path, text: readFileSync(path).toString('latin1') });
    }
  };
  walk(dir);
  return files;
}
