export * from './schema';
export { createDatabase, type Database, type Transaction } from './client';
export { migrate } from './migrate';
export { migrationsApplied } from './migrations-applied';
export { newId } from './ids';
export { createDatabaseIfMissing, databaseUrlFor } from './create-database';
export { requireDatabaseUrl } from './require-database-url';
