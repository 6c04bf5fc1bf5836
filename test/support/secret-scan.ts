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

/** Secrets to put in the environment of Tessera; tests pass NPM_TOKEN to builds by name and list SENTRY_AUTH_TOKEN as secret. */
export const SECRETS = {
  TESSERA_WEBHOOK_SECRET: 'whsec-3f9a1c77be20d4e5a6b7',
  TESSERA_GITHUB_TOKEN: 'ghp_1fA9zQ8xW7vU6tS5rP4oN3mL2kJ',
  TESSERA_READ_TOKEN: 'read-token-9d8c7b6a5f4e3d2c',
  TESSERA_REPORT_KEY: 'report-key-5e4d3c2b1a0f9e8d',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQ',
  SENTRY_AUTH_TOKEN: 'sntrys_77a1b2c3d4e5f6a7b8c9',
  NPM_TOKEN: 'npm_Zx81Yw72Xv63Wu54Vt45Us36',
};

/** Prints the environment every way a build could: names, plain, base64, and its parent's. */
export const DUMP_COMMANDS = [
  `echo "NAMES $(env | cut -d= -f1 | sort | tr '\\n' ' ')"`,
  'env',
  'echo "B64 $(env | base64 -w0)"',
  'echo "NPM $NPM_TOKEN $(printf %s "$NPM_TOKEN" | base64)"',
  `echo "PARENT $(tr '\\0' '\\n' < /proc/$PPID/environ | base64 -w0)"`,
  `tr '\\0' '\\n' < /proc/$PPID/environ`,
];

/** A buildspec of {@link DUMP_COMMANDS}, each a literal block so that no YAML quoting is needed. */
export function dumpBuildspec(): string {
  return ['version: 0.2', 'env:', '  variables:', '    FROM_SPEC: declared', 'phases:', '  build:', '    commands:', ...DUMP_COMMANDS.flatMap((c) => ['      - |', `        ${c}`])].join('\n') + '\n';
}
