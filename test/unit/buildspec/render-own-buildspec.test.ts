import { describe, expect, it } from 'vitest';
import { parseBuildspec } from '../../../tools/src/buildspec/parse-buildspec.js';
import { renderOwnBuildspec } from '../../../tools/src/buildspec/render-own-buildspec.js';

describe('renderOwnBuildspec', () => {
  for (const packageManager of ['npm', 'pnpm', 'yarn', 'bun'] as const) {
    it(`is a valid buildspec that installs with ${packageManager}, runs the app's command and publishes its output`, () => {
      const { buildspec, errors } = parseBuildspec(renderOwnBuildspec({ packageManager, tessera: 'npx tessera' }), 'own');
      expect(errors).toEqual([]);
      expect(buildspec!.phases.install!.commands[0]).toMatch(new RegExp(`^test -d node_modules \\|\\| .*${packageManager === 'npm' ? 'npm ci' : `${packageManager} install`}`));
      expect(buildspec!.phases.build!.commands).toEqual(['echo "Building $TESSERA_APP: $TESSERA_BUILD_COMMAND"', '(eval "$TESSERA_BUILD_COMMAND")']);
      expect(buildspec!.phases.post_build!.commands).toEqual(['test "$CODEBUILD_BUILD_SUCCEEDING" != 1 || npx tessera publish --app "$TESSERA_APP"']);
      expect(buildspec!.env.variables).toMatchObject({ NX_DAEMON: 'false' });
    });
  }
});
