#!/usr/bin/env node
// The `tessera` command. Runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/run-cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tessera: tools/dist is missing; run `npm install` (or `npm run build:tools`) in the Tessera checkout first.\n');
  process.exit(2);
}
const { runCli } = await import(entry.href);
await runCli();
