import { describe, expect, it } from 'vitest';
import { type AppBuildFacts, findAppBuild, findPackageManager } from '../../../tools/src/workspace/find-app-build.js';

function facts(over: Partial<AppBuildFacts> & { files?: Record<string, string> } = {}): AppBuildFacts {
  const files = over.files ?? {};
  return {
    name: 'web', root: 'apps/web', nx: {}, packageJson: null, framework: null, isNxWorkspace: false, nxJson: {}, nxPluginPackages: [], packageManager: 'npm',
    readFile: (p) => files[p] ?? null, configured: {}, ...over,
  };
}

describe('findAppBuild', () => {
  it('runs an Nx build target through nx run, with the outputs it declares', () => {
    const build = findAppBuild(facts({ isNxWorkspace: true, packageManager: 'pnpm', nx: { targets: { build: { executor: '@nx/vite:build', outputs: ['{options.outputPath}'], options: { outputPath: 'dist/apps/web' } } } } }));
    expect(build).toMatchObject({ command: 'pnpm exec nx run web:build', source: 'its Nx build target', outputSource: 'its Nx build target outputs' });
    expect(build!.outputs[0]).toBe('dist/apps/web');
  });

  it('resolves {workspaceRoot}, {projectRoot}, Angular\'s outputPath.base and nx.json targetDefaults', () => {
    expect(findAppBuild(facts({ isNxWorkspace: true, nx: { targets: { build: { outputs: ['{projectRoot}/dist'] } } } }))!.outputs[0]).toBe('apps/web/dist');
    expect(findAppBuild(facts({ isNxWorkspace: true, nx: { targets: { build: { outputs: ['{workspaceRoot}/dist/{projectName}'] } } } }))!.outputs[0]).toBe('dist/web');
    expect(findAppBuild(facts({ isNxWorkspace: true, nx: { targets: { build: { executor: '@angular/build:application', options: { outputPath: { base: 'dist/apps/shop' } } } } } }))!.outputs[0]).toBe('dist/apps/shop');
    const fromDefaults = findAppBuild(facts({ isNxWorkspace: true, nxJson: { targetDefaults: { build: { outputs: ['{projectRoot}/build'] } } }, packageJson: { scripts: { build: 'vite build' } } }));
    expect(fromDefaults).toMatchObject({ command: 'npx nx run web:build', source: 'its package.json build script, through Nx' });
    expect(fromDefaults!.outputs[0]).toBe('apps/web/build');
  });

  it('skips an output naming an option the target does not set, and globs', () => {
    const build = findAppBuild(facts({ isNxWorkspace: true, nx: { targets: { build: { outputs: ['{options.outDir}', '{projectRoot}/dist/**'] } } } }))!;
    expect(build.outputs[0]).toBe('dist/apps/web'); // Nx's default for a target without outputs it can resolve
  });

  it('runs a package build script through the workspace\'s package manager, in the package\'s folder', () => {
    for (const [pm, command] of [['npm', 'cd apps/web && npm run build'], ['pnpm', 'cd apps/web && pnpm run build'], ['yarn', 'cd apps/web && yarn run build'], ['bun', 'cd apps/web && bun run build']] as const) {
      expect(findAppBuild(facts({ packageManager: pm, packageJson: { scripts: { build: 'vite build' } } }))!.command).toBe(command);
    }
    expect(findAppBuild(facts({ root: 'apps/my app', packageJson: { scripts: { build: 'x' } } }))!.command).toBe(`cd 'apps/my app' && npm run build`);
    expect(findAppBuild(facts({ root: '', packageJson: { scripts: { build: 'x' } } }))!.command).toBe('npm run build');
  });

  it('uses an inferring Nx plugin\'s target when the app has neither target nor script', () => {
    const build = findAppBuild(facts({ isNxWorkspace: true, framework: 'vite', nxPluginPackages: ['@nx/vite'] }));
    expect(build).toMatchObject({ command: 'npx nx run web:build', source: 'the build target @nx/vite infers' });
    expect(findAppBuild(facts({ isNxWorkspace: true, framework: 'vite', nxPluginPackages: ['@nx/next'] }))).toBeNull();
  });

  it('reads a literal output folder from the framework config, relative to the app', () => {
    const vite = findAppBuild(facts({ framework: 'vite', packageJson: { scripts: { build: 'vite build' } }, files: { 'apps/web/vite.config.ts': `export default { build: { outDir: '../../dist/web' } }` } }))!;
    expect(vite.outputs[0]).toBe('dist/web');
    expect(vite.outputSource).toBe('vite.config.ts build.outDir');
    const exported = findAppBuild(facts({ framework: 'next', packageJson: { scripts: { build: 'next build' } }, files: { 'apps/web/next.config.mjs': `export default { output: 'export', distDir: 'x' }` } }))!;
    expect(exported.outputs[0]).toBe('apps/web/out');
    const next = findAppBuild(facts({ framework: 'next', packageJson: { scripts: { build: 'next build' } } }))!;
    expect(next.outputs).toEqual(['apps/web/.next', 'apps/web/dist', 'apps/web/build', 'apps/web/out']);
  });

  it('takes apps.<name>.build and .output from tessera.config.json before anything else', () => {
    const build = findAppBuild(facts({ isNxWorkspace: true, nx: { targets: { build: {} } }, configured: { build: 'make web', output: './site/' } }))!;
    expect(build).toMatchObject({ command: 'make web', source: 'tessera.config.json apps.web.build', outputSource: 'tessera.config.json apps.web.output' });
    expect(build.outputs[0]).toBe('site');
  });

  it('is null when nothing builds the app', () => {
    expect(findAppBuild(facts({ packageJson: { scripts: { dev: 'vite' } } }))).toBeNull();
  });
});

describe('findPackageManager', () => {
  it('reads package.json packageManager first, then the lockfile, else npm', () => {
    expect(findPackageManager({ packageManager: 'yarn@4.1.0' }, new Set(['pnpm-lock.yaml']))).toBe('yarn');
    expect(findPackageManager({}, new Set(['pnpm-lock.yaml']))).toBe('pnpm');
    expect(findPackageManager(null, new Set(['yarn.lock']))).toBe('yarn');
    expect(findPackageManager(null, new Set(['bun.lock']))).toBe('bun');
    expect(findPackageManager(null, new Set(['package-lock.json']))).toBe('npm');
    expect(findPackageManager({ packageManager: 'deno@2' }, new Set())).toBe('npm');
  });
});
