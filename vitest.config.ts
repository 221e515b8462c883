import { configDefaults, defineConfig } from 'vitest/config';

// The pruned-build test runs npm ci and a build. Beside the timing-bound tests (crash recovery, slow
// endpoints) it starves them of CPU, so it runs alone, after the rest: `npm run test:build`.
const runAlone = ['test/production-build.test.ts'];

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: process.env.HOOKLINE_TEST_ALONE ? configDefaults.exclude : [...configDefaults.exclude, ...runAlone],
    globalSetup: ['./test/support/global-setup.ts', './test/support/build-console.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share one PostgreSQL server; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
