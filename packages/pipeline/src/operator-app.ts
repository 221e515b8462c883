import { applications, type Database } from '@hookline/db';

/** What HOOKLINE_OPERATOR_APP_ID must look like: an application id, which may be chosen by hand. */
export const operatorAppIdPattern = /^app_[A-Za-z0-9_-]+$/;

/**
 * Creates the operator application HOOKLINE_OPERATOR_APP_ID names when it does not exist yet, so the
 * setting can be chosen up front (`app_operations`) and every operational event has somewhere to go.
 * Its endpoints are added like any other application's. Idempotent; the API and the worker both call it.
 */
export async function ensureOperatorApp(db: Database, operatorAppId: string | null): Promise<void> {
  if (!operatorAppId) return;
  await db.insert(applications).values({ id: operatorAppId, name: 'Hookline operations' }).onConflictDoNothing();
}
