import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

/**
 * A page's browser script, bundled by tools/build.mjs: the compiled CLI carries it inline
 * (`inlined`, a `define` of the build); run from its sources (tests), Tessera reads the copy the
 * build wrote to `tools/dist/<file>`.
 */
export function readPageScript(inlined: string | undefined, file: string): string {
  if (inlined !== undefined) return inlined;
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  const path = fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));
  try {
    const text = readFileSync(path, 'utf8');
    cache.set(file, text);
    return text;
  } catch (error) {
    throw new Error(`The page script ${path} is missing: run \`node tools/build.mjs\` (npm install and npm test do)`, { cause: error });
  }
}
