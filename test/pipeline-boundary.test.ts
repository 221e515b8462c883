import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

// @hookline/pipeline owns the delivery lifecycle: one function inserts delivery jobs, and every
// statement on pg-boss's tables lives there. An app that inserts a job itself or queries pgboss.*
// would bring back a second payload shape, or a query that drifts from the one the API documents.
const repoRoot = join(import.meta.dirname, '..');

function appSources(): string[] {
  const appsDir = join(repoRoot, 'apps');
  return readdirSync(appsDir).flatMap((app) =>
    readdirSync(join(appsDir, app, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => join(appsDir, app, 'src', file)),
  );
}

it('no app inserts pg-boss jobs or queries pgboss.* itself', () => {
  const offenders = appSources().flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const found = [/\bboss\.insert\(/, /\bpgboss\./, /\bqueueSchema\b/].filter((pattern) => pattern.test(text));
    return found.map((pattern) => `${relative(repoRoot, file)}: ${pattern.source}`);
  });
  expect(offenders).toEqual([]);
});
