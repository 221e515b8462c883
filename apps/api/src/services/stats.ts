import { tableBytes, type TableBytes } from '@hookline/pipeline';
import { assertAdmin } from '../auth/scope';
import type { Principal } from '../auth/principal';
import type { Database } from '@hookline/db';

/**
 * What Hookline's and pg-boss's tables occupy on disk (indexes included), for an operator watching
 * retention keep storage bounded. Admin only: the sizes are the whole installation's.
 */
export async function tableSizes(db: Database, principal: Principal): Promise<{ tables: TableBytes[] }> {
  assertAdmin(principal);
  return { tables: await tableBytes(db) };
}
