import type { Database, Transaction } from './client';
import { CommitOutcomeUnknownError, isDatabaseUnavailable } from './database-unavailable';

/**
 * `db.transaction(work)`, except that losing the connection once `work` is done (COMMIT is the only
 * statement left, possibly already received and applied by the server) throws
 * CommitOutcomeUnknownError rather than an ordinary connection error, which callers read as "nothing
 * was stored". Losing it earlier is still that ordinary error: the server rolls back a transaction
 * whose session ends before COMMIT.
 */
export async function transactionWithKnownOutcome<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  let workDone = false;
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      workDone = true;
      return result;
    });
  } catch (error) {
    if (workDone && isDatabaseUnavailable(error)) throw new CommitOutcomeUnknownError(error);
    throw error;
  }
}
