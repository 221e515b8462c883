import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '@hookline/db';
import type { EgressPolicy, ResolveHost } from '@hookline/egress';
import type { Log } from '@hookline/log';
import type { Metrics } from '@hookline/monitoring';
import type { QueueClient } from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import type { PrincipalCache } from './auth/principal-cache';
import type { Principal } from './auth/principal';
import { parseAuthorizationHeader } from './authorization-header';
import { isDatabaseUnavailable } from './database-errors';
import { AppError } from './errors';
import type { PublishGroups } from './services/publish-groups';
import { toTrpcError } from './wire-errors';

/** What the API's business functions need; passed in so tests can build it over a test database. */
export type ApiDeps = {
  db: Database;
  boss: QueueClient;
  log: Log;
  /** Encrypts endpoint signing keys at rest (HOOKLINE_ENCRYPTION_KEY). */
  encryptionKey: EncryptionKey;
  /** Which addresses endpoint URLs may point at (HOOKLINE_ALLOWED_CIDRS). */
  egress: EgressPolicy;
  /** How endpoint hosts are resolved for that check; injected by tests. */
  resolveHost: ResolveHost;
  /** Where operational events go (an operator disabling an endpoint); null sends none. */
  operatorAppId: string | null;
  /** This process's metrics (shared with the worker in the all-in-one process). */
  metrics: Metrics;
  /** Single publishes committed together (group commit). */
  publishGroups: PublishGroups;
  /** Who each API key is, remembered for a few seconds. */
  principals: PrincipalCache;
};

export type Context = ApiDeps & {
  /** Null when the request carried no valid key; protected procedures reject it. */
  principal: Principal | null;
  /** Set when the key was present but unknown or revoked, to say so in the 401. */
  authProblem: string | null;
  /** The request body limit, so a 413 can say what it is. */
  maxPayloadBytes: number;
  /** The `Idempotency-Key` header, if sent: a publish takes it as its idempotency key. */
  idempotencyKeyHeader: string | undefined;
};

/** The context of one request, on either face: who is calling (its Authorization header), and its Idempotency-Key. */
export async function createContext(
  deps: ApiDeps,
  headers: IncomingHttpHeaders,
  maxPayloadBytes: number,
): Promise<Context> {
  const request = { ...deps, maxPayloadBytes, idempotencyKeyHeader: firstValue(headers['idempotency-key']) };
  const header = parseAuthorizationHeader(headers.authorization);
  if (header.key === null) return { ...request, principal: null, authProblem: header.problem };
  let principal: Principal | null;
  try {
    principal = await deps.principals.authenticate(header.key);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    throw toTrpcError(new AppError('unavailable', 'the database is unavailable; retry shortly'));
  }
  return { ...request, principal, authProblem: principal ? null : 'unknown or revoked API key' };
}

const firstValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
