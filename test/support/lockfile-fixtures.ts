/**
 * One small workspace written as each package manager writes its lockfile: root (typescript),
 * apps/web (react, react-dom, @acme/ui from the workspace), apps/admin (its own react),
 * libs/ui (react). react-dom reaches scheduler, which reaches loose-envify and js-tokens.
 * Every knob moves one thing, so a test can bump a version, an integrity, or one importer's copy.
 */
export interface LockParams {
  scheduler: string;
  schedulerIntegrity: string;
  adminReact: string;
  typescript: string;
}

export const BASE: LockParams = { scheduler: '0.23.0', schedulerIntegrity: 'sha512-sched', adminReact: '18.3.1', typescript: '5.4.5' };

const npmV3 = (p: LockParams) =>
  JSON.stringify({
    name: 'mono', version: '0.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'mono', version: '0.0.0', workspaces: ['apps/*', 'libs/*'], devDependencies: { typescript: '^5.4.0' } },
      'apps/admin': { name: 'admin', version: '0.0.0', dependencies: { react: '^18.3.0' } },
      'apps/admin/node_modules/react': { version: p.adminReact, resolved: `https://registry.npmjs.org/react/-/react-${p.adminReact}.tgz`, integrity: `sha512-react${p.adminReact}`, dependencies: { 'loose-envify': '^1.1.0' }, engines: { node: '>=0.10.0' } },
      'apps/web': { name: 'web', version: '0.0.0', dependencies: { '@acme/ui': '*', react: '^18.2.0', 'react-dom': '^18.2.0' } },
      'libs/ui': { name: '@acme/ui', version: '1.0.0', dependencies: { react: '^18.2.0' } },
      'node_modules/@acme/ui': { resolved: 'libs/ui', link: true },
      'node_modules/admin': { resolved: 'apps/admin', link: true },
      'node_modules/js-tokens': { version: '4.0.0', resolved: 'https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz', integrity: 'sha512-jt' },
      'node_modules/loose-envify': { version: '1.4.0', resolved: 'https://registry.npmjs.org/loose-envify/-/loose-envify-1.4.0.tgz', integrity: 'sha512-le', dependencies: { 'js-tokens': '^3.0.0 || ^4.0.0' }, bin: { 'loose-envify': 'cli.js' } },
      'node_modules/react': { version: '18.2.0', resolved: 'https://registry.npmjs.org/react/-/react-18.2.0.tgz', integrity: 'sha512-react18.2.0', dependencies: { 'loose-envify': '^1.1.0' } },
      'node_modules/react-dom': { version: '18.2.0', resolved: 'https://registry.npmjs.org/react-dom/-/react-dom-18.2.0.tgz', integrity: 'sha512-rd', dependencies: { 'loose-envify': '^1.1.0', scheduler: '^0.23.0' }, peerDependencies: { react: '^18.2.0' } },
      'node_modules/scheduler': { version: p.scheduler, resolved: `https://registry.npmjs.org/scheduler/-/scheduler-${p.scheduler}.tgz`, integrity: p.schedulerIntegrity, dependencies: { 'loose-envify': '^1.1.0' } },
      'node_modules/typescript': { version: p.typescript, resolved: `https://registry.npmjs.org/typescript/-/typescript-${p.typescript}.tgz`, integrity: `sha512-ts${p.typescript}`, dev: true, bin: { tsc: 'bin/tsc', tsserver: 'bin/tsserver' }, engines: { node: '>=14.17' } },
      'node_modules/web': { resolved: 'apps/web', link: true },
    },
  }, null, 2);

const pnpmV9 = (p: LockParams) => `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

catalogs:
  default:
    react-dom:
      specifier: ^18.2.0
      version: 18.2.0

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.4.0
        version: ${p.typescript}

  apps/admin:
    dependencies:
      react:
        specifier: ^18.3.0
        version: ${p.adminReact}

  apps/web:
    dependencies:
      '@acme/ui':
        specifier: workspace:*
        version: link:../../libs/ui
      react:
        specifier: ^18.2.0
        version: 18.2.0
      react-dom:
        specifier: 'catalog:'
        version: 18.2.0(react@18.2.0)

  libs/ui:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0

packages:

  js-tokens@4.0.0:
    resolution: {integrity: sha512-jt}

  loose-envify@1.4.0:
    resolution: {integrity: sha512-le}
    hasBin: true

  react-dom@18.2.0:
    resolution: {integrity: sha512-rd}
    peerDependencies:
      react: ^18.2.0

  react@${p.adminReact}:
    resolution: {integrity: sha512-react${p.adminReact}}
    engines: {node: '>=0.10.0'}

  react@18.2.0:
    resolution: {integrity: sha512-react18.2.0}
    engines: {node: '>=0.10.0'}

  scheduler@${p.scheduler}:
    resolution: {integrity: ${p.schedulerIntegrity}}

  typescript@${p.typescript}:
    resolution: {integrity: sha512-ts${p.typescript}}
    engines: {node: '>=14.17'}
    hasBin: true

snapshots:

  js-tokens@4.0.0: {}

  loose-envify@1.4.0:
    dependencies:
      js-tokens: 4.0.0

  react-dom@18.2.0(react@18.2.0):
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0
      scheduler: ${p.scheduler}

  react@${p.adminReact}:
    dependencies:
      loose-envify: 1.4.0

  react@18.2.0:
    dependencies:
      loose-envify: 1.4.0

  scheduler@${p.scheduler}:
    dependencies:
      loose-envify: 1.4.0

  typescript@${p.typescript}: {}
`;

const pnpmV6 = (p: LockParams) => `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.4.0
        version: ${p.typescript}

  apps/admin:
    dependencies:
      react:
        specifier: ^18.3.0
        version: ${p.adminReact}

  apps/web:
    dependencies:
      '@acme/ui':
        specifier: workspace:*
        version: link:../../libs/ui
      react:
        specifier: ^18.2.0
        version: 18.2.0
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)

  libs/ui:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0

packages:

  /js-tokens@4.0.0:
    resolution: {integrity: sha512-jt}
    dev: false

  /loose-envify@1.4.0:
    resolution: {integrity: sha512-le}
    hasBin: true
    dependencies:
      js-tokens: 4.0.0
    dev: false

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-rd}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0
      scheduler: ${p.scheduler}
    dev: false

  /react@${p.adminReact}:
    resolution: {integrity: sha512-react${p.adminReact}}
    engines: {node: '>=0.10.0'}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /react@18.2.0:
    resolution: {integrity: sha512-react18.2.0}
    engines: {node: '>=0.10.0'}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /scheduler@${p.scheduler}:
    resolution: {integrity: ${p.schedulerIntegrity}}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /typescript@${p.typescript}:
    resolution: {integrity: sha512-ts${p.typescript}}
    engines: {node: '>=14.17'}
    hasBin: true
    dev: true
`;

const yarnV1 = (p: LockParams) => `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"js-tokens@^3.0.0 || ^4.0.0":
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#19203fb59991df98e3a287050d4647cdeaf32499"
  integrity sha512-jt

loose-envify@^1.1.0:
  version "1.4.0"
  resolved "https://registry.yarnpkg.com/loose-envify/-/loose-envify-1.4.0.tgz#71ee51fa7be4caec1a63839f7e682d8132d30caf"
  integrity sha512-le
  dependencies:
    js-tokens "^3.0.0 || ^4.0.0"

react-dom@^18.2.0:
  version "18.2.0"
  resolved "https://registry.yarnpkg.com/react-dom/-/react-dom-18.2.0.tgz#22aaf38708db2674ed9ada224ca4aa708d821e3d"
  integrity sha512-rd
  dependencies:
    loose-envify "^1.1.0"
    scheduler "^0.23.0"

react@^18.2.0:
  version "18.2.0"
  resolved "https://registry.yarnpkg.com/react/-/react-18.2.0.tgz#555bd98592883255fa00de14f1151a917b5d77d5"
  integrity sha512-react18.2.0
  dependencies:
    loose-envify "^1.1.0"

react@^18.3.0:
  version "${p.adminReact}"
  resolved "https://registry.yarnpkg.com/react/-/react-${p.adminReact}.tgz"
  integrity sha512-react${p.adminReact}
  dependencies:
    loose-envify "^1.1.0"

scheduler@^0.23.0:
  version "${p.scheduler}"
  resolved "https://registry.yarnpkg.com/scheduler/-/scheduler-${p.scheduler}.tgz"
  integrity ${p.schedulerIntegrity}
  dependencies:
    loose-envify "^1.1.0"

typescript@^5.4.0:
  version "${p.typescript}"
  resolved "https://registry.yarnpkg.com/typescript/-/typescript-${p.typescript}.tgz"
  integrity sha512-ts${p.typescript}
`;

const berryV8 = (p: LockParams) => `# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@acme/ui@workspace:*, @acme/ui@workspace:libs/ui":
  version: 0.0.0-use.local
  resolution: "@acme/ui@workspace:libs/ui"
  dependencies:
    react: "npm:^18.2.0"
  languageName: unknown
  linkType: soft

"admin@workspace:apps/admin":
  version: 0.0.0-use.local
  resolution: "admin@workspace:apps/admin"
  dependencies:
    react: "npm:^18.3.0"
  languageName: unknown
  linkType: soft

"js-tokens@npm:^3.0.0 || ^4.0.0":
  version: 4.0.0
  resolution: "js-tokens@npm:4.0.0"
  checksum: 10c0/jt
  languageName: node
  linkType: hard

"loose-envify@npm:^1.1.0":
  version: 1.4.0
  resolution: "loose-envify@npm:1.4.0"
  dependencies:
    js-tokens: "npm:^3.0.0 || ^4.0.0"
  bin:
    loose-envify: cli.js
  checksum: 10c0/le
  languageName: node
  linkType: hard

"mono@workspace:.":
  version: 0.0.0-use.local
  resolution: "mono@workspace:."
  dependencies:
    typescript: "npm:^5.4.0"
  languageName: unknown
  linkType: soft

"react-dom@npm:^18.2.0":
  version: 18.2.0
  resolution: "react-dom@npm:18.2.0"
  dependencies:
    loose-envify: "npm:^1.1.0"
    scheduler: "npm:^0.23.0"
  peerDependencies:
    react: ^18.2.0
  checksum: 10c0/rd
  languageName: node
  linkType: hard

"react@npm:^18.2.0":
  version: 18.2.0
  resolution: "react@npm:18.2.0"
  dependencies:
    loose-envify: "npm:^1.1.0"
  checksum: 10c0/react18.2.0
  languageName: node
  linkType: hard

"react@npm:^18.3.0":
  version: ${p.adminReact}
  resolution: "react@npm:${p.adminReact}"
  dependencies:
    loose-envify: "npm:^1.1.0"
  checksum: 10c0/react${p.adminReact}
  languageName: node
  linkType: hard

"scheduler@npm:^0.23.0":
  version: ${p.scheduler}
  resolution: "scheduler@npm:${p.scheduler}"
  dependencies:
    loose-envify: "npm:^1.1.0"
  checksum: ${p.schedulerIntegrity}
  languageName: node
  linkType: hard

"typescript@npm:^5.4.0":
  version: ${p.typescript}
  resolution: "typescript@npm:${p.typescript}"
  bin:
    tsc: bin/tsc
    tsserver: bin/tsserver
  checksum: 10c0/ts${p.typescript}
  languageName: node
  linkType: hard

"web@workspace:apps/web":
  version: 0.0.0-use.local
  resolution: "web@workspace:apps/web"
  dependencies:
    "@acme/ui": "workspace:*"
    react: "npm:^18.2.0"
    react-dom: "npm:^18.2.0"
  languageName: unknown
  linkType: soft
`;

const bunLock = (p: LockParams) => `{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "mono",
      "devDependencies": {
        "typescript": "^5.4.0",
      },
    },
    "apps/admin": {
      "name": "admin",
      "dependencies": {
        "react": "^18.3.0",
      },
    },
    "apps/web": {
      "name": "web",
      "dependencies": {
        "@acme/ui": "workspace:*",
        "react": "^18.2.0",
        "react-dom": "^18.2.0",
      },
    },
    "libs/ui": {
      "name": "@acme/ui",
      "dependencies": {
        "react": "^18.2.0",
      },
    },
  },
  "packages": {
    "@acme/ui": ["@acme/ui@workspace:libs/ui"],

    "admin": ["admin@workspace:apps/admin"],

    "js-tokens": ["js-tokens@4.0.0", "", {}, "sha512-jt"],

    "loose-envify": ["loose-envify@1.4.0", "", { "dependencies": { "js-tokens": "^3.0.0 || ^4.0.0" }, "bin": { "loose-envify": "cli.js" } }, "sha512-le"],

    "react": ["react@18.2.0", "", { "dependencies": { "loose-envify": "^1.1.0" } }, "sha512-react18.2.0"],

    "react-dom": ["react-dom@18.2.0", "", { "dependencies": { "loose-envify": "^1.1.0", "scheduler": "^0.23.0" }, "peerDependencies": { "react": "^18.2.0" } }, "sha512-rd"],

    "scheduler": ["scheduler@${p.scheduler}", "", { "dependencies": { "loose-envify": "^1.1.0" } }, "${p.schedulerIntegrity}"],

    "typescript": ["typescript@${p.typescript}", "", { "bin": { "tsc": "bin/tsc", "tsserver": "bin/tsserver" } }, "sha512-ts${p.typescript}"],

    "web": ["web@workspace:apps/web"],

    "admin/react": ["react@${p.adminReact}", "", { "dependencies": { "loose-envify": "^1.1.0" } }, "sha512-react${p.adminReact}"],
  }
}
`;

/** Each format: its lockfile name, the text for given params, and whether it records importers. */
export const LOCK_FORMATS = [
  { format: 'npm v3', file: 'package-lock.json', text: npmV3, importers: true },
  { format: 'pnpm v6', file: 'pnpm-lock.yaml', text: pnpmV6, importers: true },
  { format: 'pnpm v9', file: 'pnpm-lock.yaml', text: pnpmV9, importers: true },
  { format: 'yarn v1', file: 'yarn.lock', text: yarnV1, importers: false },
  { format: 'yarn berry v8', file: 'yarn.lock', text: berryV8, importers: true },
  { format: 'bun.lock', file: 'bun.lock', text: bunLock, importers: true },
] as const;
