import { randomBytes } from 'node:crypto';
import { createDatabaseIfMissing, databaseUrlFor } from '@hookline/db';
import { inject } from 'vitest';

/** A fresh, migrated database of its own (a clone of the run's template); returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `hookline_test_${inject('testRunId')}_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(admin, name, { template: inject('templateDatabase') });
  return databaseUrlFor(admin, name);
}
