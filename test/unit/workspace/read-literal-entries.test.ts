import { describe, expect, it } from 'vitest';
import { readBundlerEntry, readViteInput } from '../../../tools/src/workspace/read-literal-entries.js';

describe('readViteInput', () => {
  it('reads literal pages through the path helpers configs use', () => {
    const config = `import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
export default defineConfig({
  plugins: [react()],
  // input: { old: 'old.html' },
  build: {
    outDir: 'dist',
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'index.html'),
        'admin': fileURLToPath(new URL('./admin/index.html', import.meta.url)),
        worker: './src/worker.ts',
      },
      output: { manualChunks: { react: ['react'] } },
    },
  },
});`;
    expect(readViteInput(config)).toEqual({ kind: 'literal', paths: ['index.html', 'admin/index.html', 'src/worker.ts'] });
    expect(readViteInput("export default { build: { rollupOptions: { input: ['a.html', \"b/index.html\"] } } }")).toEqual({ kind: 'literal', paths: ['a.html', 'b/index.html'] });
  });

  it('is absent without rollupOptions.input, and computed for anything it cannot read without running the config', () => {
    expect(readViteInput("export default { build: { outDir: 'dist' } }")).toEqual({ kind: 'absent' });
    expect(readViteInput("export default { build: { rollupOptions: { external: ['x'] } } }")).toEqual({ kind: 'absent' });
    expect(readViteInput("const pages = glob.sync('*.html');\nexport default { build: { rollupOptions: { input: pages } } }").kind).toBe('computed');
    expect(readViteInput('export default { build: { rollupOptions: { input: `${dir}/a.html` } } }').kind).toBe('computed');
    expect(readViteInput("export default { build: { rollupOptions: { input: 'src/*.html' } } }").kind).toBe('computed');
  });
});

describe('readBundlerEntry', () => {
  it('reads webpack and rsbuild entries in their literal forms', () => {
    expect(readBundlerEntry("module.exports = { mode: 'production', entry: './src/app.tsx', output: { path: __dirname + '/dist' } };")).toEqual({ kind: 'literal', paths: ['src/app.tsx'] });
    expect(readBundlerEntry("module.exports = { entry: { main: './src/main.js', vendor: ['./src/vendor.js'] } };")).toEqual({ kind: 'literal', paths: ['src/main.js', 'src/vendor.js'] });
    expect(readBundlerEntry("module.exports = { entry: { app: { import: './src/app.js', dependOn: 'shared' }, shared: 'lodash-es/index.js' } };")).toEqual({ kind: 'literal', paths: ['src/app.js', 'lodash-es/index.js'] });
    expect(readBundlerEntry("export default defineConfig({ source: { entry: { index: './src/index.tsx' } } });")).toEqual({ kind: 'literal', paths: ['src/index.tsx'] });
  });

  it('is absent when the config states no entry, and computed when it builds one', () => {
    expect(readBundlerEntry("module.exports = { mode: 'production' };")).toEqual({ kind: 'absent' });
    expect(readBundlerEntry('module.exports = { entry: entries() };').kind).toBe('computed');
    expect(readBundlerEntry('module.exports = (env) => ({ entry: env.entry });').kind).toBe('computed');
  });
});
