import { endpoints, newId, type SigningScheme } from '@hookline/db';
import { checkUrlHost, normalizeEndpointUrl } from '@hookline/egress';
import { publishOperationalEvents } from '@hookline/pipeline';
import { newSigningKey, sealEndpointHeaders } from '@hookline/signing-keys';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError, notFound } from '../errors';
import { toEndpointDto } from '../dto/endpoint';
import { toPageDto } from '../dto/page';
import { getApplication } from './applications';
import { assertFilterFitsEvents } from './endpoint-filter';

type EndpointInput = {
  url: string;
  description?: string;
  eventTypes?: string[] | null;
  versionPins?: Record<string, string>;
  retrySchedule?: number[] | null;
  filter?: Record<string, unknown> | null;
  /** Names already in lower case (see EndpointHeaders). */
  headers?: Record<string, string> | null;
  /** Requests per second; null: no limit. */
  rateLimit?: number | null;
  maxInFlight?: number;
};

export async function createEndpoint(
  deps: ApiDeps,
  principal: Principal,
  input: EndpointInput & { appId: string; signing?: SigningScheme },
) {
  await getApplication(deps, principal, { appId: input.appId });
  await assertUrlAllowed(deps, input.url);
  const eventTypes = normaliseEventTypes(input.eventTypes);
  const versionPins = input.versionPins ?? {};
  const filter = input.filter ?? null;
  assertFilterFitsEvents({ filter, eventTypes, versionPins });
  const id = newId('ep');
  const signing = input.signing ?? 'hmac';
  const { stored, plaintext } = newSigningKey(deps.encryptionKey, id, signing, new Date());
  const headers = input.headers ?? {};
  const [row] = await deps.db
    .insert(endpoints)
    .values({
      id,
      appId: input.appId,
      url: normalizeEndpointUrl(input.url),
      description: input.description ?? '',
      eventTypes,
      versionPins,
      retrySchedule: input.retrySchedule ?? null,
      filter,
      headers: sealEndpointHeaders(deps.encryptionKey, id, headers),
      rateLimit: input.rateLimit ?? null,
      maxInFlight: input.maxInFlight,
      signingKeys: [stored],
    })
    .returning();
  // An ed25519 signing key is never shown; receivers verify with the endpoint's publicKey. Header
  // values are shown here, once, like the secret.
  return { ...toEndpointDto(row!), headers, secret: signing === 'hmac' ? plaintext : null };
}

export async function listEndpoints(
  deps: ApiDeps,
  principal: Principal,
  input: { appId: string; cursor?: string; limit: number },
) {
  await getApplication(deps, principal, { appId: input.appId });
  const rows = await deps.db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.appId, input.appId), input.cursor ? lt(endpoints.id, input.cursor) : undefined))
    .orderBy(desc(endpoints.id))
    .limit(input.limit + 1);
  return toPageDto(rows, input.limit, toEndpointDto);
}

/** Loads an endpoint the principal may see; another tenant's endpoint is "not found". */
export async function findEndpointRow({ db }: ApiDeps, principal: Principal, endpointId: string) {
  const appId = visibleAppId(principal);
  const [row] = await db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.id, endpointId), appId ? eq(endpoints.appId, appId) : undefined));
  if (!row) throw notFound('endpoint', endpointId);
  return row;
}

export async function getEndpoint(deps: ApiDeps, principal: Principal, input: { endpointId: string }) {
  return toEndpointDto(await findEndpointRow(deps, principal, input.endpointId));
}

export async function updateEndpoint(
  deps: ApiDeps,
  principal: Principal,
  input: Partial<EndpointInput> & { endpointId: string; enabled?: boolean },
) {
  await findEndpointRow(deps, principal, input.endpointId);
  if (input.url !== undefined) await assertUrlAllowed(deps, input.url);
  return deps.db.transaction(async (tx) => {
    // Locked, so the worker disabling it at the same moment cannot interleave with this change.
    const [before] = await tx.select().from(endpoints).where(eq(endpoints.id, input.endpointId)).for('update');
    const now = new Date();
    const eventTypes = input.eventTypes === undefined ? before!.eventTypes : normaliseEventTypes(input.eventTypes);
    const versionPins = input.versionPins ?? before!.versionPins;
    const filter = input.filter === undefined ? before!.filter : input.filter;
    // A change of types or pins can make the stored filter name fields the endpoint no longer receives.
    if (input.filter !== undefined || input.eventTypes !== undefined || input.versionPins !== undefined)
      assertFilterFitsEvents({ filter, eventTypes, versionPins });
    const enabling = input.enabled === true && !before!.enabled;
    const disabling = input.enabled === false && before!.enabled;
    const [row] = await tx
      .update(endpoints)
      .set({
        url: input.url === undefined ? undefined : normalizeEndpointUrl(input.url),
        description: input.description,
        eventTypes: input.eventTypes === undefined ? undefined : eventTypes,
        versionPins: input.versionPins,
        retrySchedule: input.retrySchedule,
        filter: input.filter,
        // Replaces every header; null or {} removes them all.
        headers:
          input.headers === undefined
            ? undefined
            : sealEndpointHeaders(deps.encryptionKey, input.endpointId, input.headers ?? {}),
        rateLimit: input.rateLimit,
        maxInFlight: input.maxInFlight,
        enabled: input.enabled,
        // Re-enabling clears the reason and starts its health afresh; otherwise the old run of
        // failures would disable it again on its first failure.
        ...(enabling ? { disabledReason: null, consecutiveFailures: 0, failingSince: null } : {}),
        ...(disabling ? { disabledReason: 'disabled by an operator' } : {}),
        updatedAt: now,
      })
      .where(eq(endpoints.id, input.endpointId))
      .returning();
    if (disabling) {
      await publishOperationalEvents(tx, deps.boss, deps.operatorAppId, [
        {
          type: 'endpoint.disabled',
          data: { endpointId: row!.id, appId: row!.appId, reason: 'manual', disabledAt: now.toISOString() },
        },
      ]);
    }
    const shown = toEndpointDto(row!);
    // Headers set by this call are shown in the clear, once; otherwise they stay masked.
    return input.headers === undefined ? shown : { ...shown, headers: input.headers ?? {} };
  });
}

export async function deleteEndpoint(deps: ApiDeps, principal: Principal, input: { endpointId: string }) {
  await findEndpointRow(deps, principal, input.endpointId);
  // Its deliveries go with it; queued jobs for them find nothing and finish quietly.
  await deps.db.delete(endpoints).where(eq(endpoints.id, input.endpointId));
  return { id: input.endpointId, deleted: true as const };
}

/** An empty list and ["*"] both mean "every type"; stored as null so fan-out has one case. */
function normaliseEventTypes(patterns: string[] | null | undefined): string[] | null {
  if (!patterns || patterns.length === 0 || patterns.includes('*')) return null;
  return [...new Set(patterns)].sort();
}

/**
 * Refuses a URL whose host is, or resolves to, an address webhooks may not go to (SSRF). A name
 * that does not resolve yet is accepted: the worker checks again, on the address it connects to,
 * before every request.
 */
async function assertUrlAllowed({ egress, resolveHost }: ApiDeps, url: string) {
  const check = await checkUrlHost(url, egress, resolveHost);
  if (check.ok === false)
    throw new AppError('validation', `url: ${check.reason}`, [{ path: ['url'], message: check.reason }]);
}
