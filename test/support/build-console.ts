import { buildConsole } from '@hookline/console/build';

/**
 * Before any test file: the browser tests load the console the API serves from apps/console/dist, so
 * build it when it is missing or older than its sources (a few seconds; skipped when current).
 */
export default async function setup() {
  await buildConsole({ whenStale: true });
}
