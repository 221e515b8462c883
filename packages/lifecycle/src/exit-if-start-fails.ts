import type { Log } from '@hookline/log';

/**
 * For a process's entry point: a start-up step whose failure means "fix the configuration", such as
 * a missing DATABASE_URL or encryption key. Its message already says what to do, so it is logged
 * without a stack trace and the process exits 1, before anything else starts.
 */
export async function exitIfStartFails<T>(log: Log, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
