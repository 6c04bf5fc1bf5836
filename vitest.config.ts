import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/**/*.s3.test.ts', '**/node_modules/**'] } },
      // Tests against a real S3 (radosgw on 127.0.0.1): booted once, only when one of them runs.
      { extends: true, test: { name: 's3', include: ['test/**/*.s3.test.ts'], globalSetup: ['test/support/radosgw/global-setup.ts'] } },
    ],
  },
});
