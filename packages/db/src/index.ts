export * from './schema';
export { createDatabase, type Database, type Transaction } from './client';
export { migrate, migrationsFolder } from './migrate';

export { newId, isId, idPrefixes, type IdPrefix } from './ids';
export { createDatabaseIfMissing, databaseUrlFor } from './create-database';
export { requireDatabaseUrl } from './require-database-url';
