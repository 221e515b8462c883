export * from './schema';
export {
  connectTimeoutSeconds,
  createDatabase,
  reconnectBackoffSeconds,
  type Database,
  type DatabaseOptions,
  type Transaction,
} from './client';
export { watchDatabaseAvailability, type DatabaseAvailability } from './availability';
export {
  anyCause,
  CommitOutcomeUnknownError,
  DatabaseUnreachableError,
  isDatabaseUnavailable,
} from './database-unavailable';
export { transactionWithKnownOutcome } from './transaction-outcome';
export { maxPreparedParameters } from './prepared-statements';
export { migrate } from './migrate';
export { migrationsApplied } from './migrations-applied';
export { newId } from './ids';
export { createDatabaseIfMissing, databaseUrlFor } from './create-database';
export { requireDatabaseUrl } from './require-database-url';
