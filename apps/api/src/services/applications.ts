import { applications, newId } from '@hookline/db';
import { desc, eq, lt, and } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { assertAdmin, assertCanAccessApp } from '../auth/scope';
import type { ApiDeps } from '../context';
import { notFound } from '../errors';
import { toApplicationDto } from '../dto/application';
import { toPageDto } from '../dto/page';

export async function createApplication({ db }: ApiDeps, principal: Principal, input: { name: string }) {
  assertAdmin(principal);
  const [row] = await db
    .insert(applications)
    .values({ id: newId('app'), name: input.name })
    .returning();
  return toApplicationDto(row!);
}

export async function listApplications(
  { db }: ApiDeps,
  principal: Principal,
  input: { cursor?: string; limit: number },
) {
  const rows = await db
    .select()
    .from(applications)
    .where(
      and(
        principal.kind === 'application' ? eq(applications.id, principal.appId) : undefined,
        input.cursor ? lt(applications.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(applications.id))
    .limit(input.limit + 1);
  return toPageDto(rows, input.limit, toApplicationDto);
}

export async function getApplication({ db }: ApiDeps, principal: Principal, input: { appId: string }) {
  assertCanAccessApp(principal, input.appId);
  const [row] = await db.select().from(applications).where(eq(applications.id, input.appId));
  if (!row) throw notFound('application', input.appId);
  return toApplicationDto(row);
}
