import { endpoints, type SigningScheme } from '@hookline/db';
import { defaultGraceSeconds, newSigningKey, openLiveSigningKeys, rotateSigningKeys } from '@hookline/signing-keys';
import { and, eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { notFound } from '../errors';
import { toEndpointSigningKeysDto } from '../dto/endpoint-signing-keys';
import { findEndpointRow } from './endpoints';

/** The keys a receiver verifies this endpoint's webhooks with (the hmac secret, or ed25519 public keys). */
export async function getEndpointSigningKeys(deps: ApiDeps, principal: Principal, input: { endpointId: string }) {
  const row = await findEndpointRow(deps, principal, input.endpointId);
  return toEndpointSigningKeysDto(row.id, openLiveSigningKeys(deps.encryptionKey, row.id, row.signingKeys, new Date()));
}

/**
 * Makes a new current key; the old ones keep signing for `graceSeconds` (see rotateSigningKeys), so
 * every request carries a signature a not-yet-updated receiver still accepts. `signing` switches the
 * scheme (hmac ↔ ed25519) the same gap-free way.
 */
export async function rotateEndpointSigningKey(
  deps: ApiDeps,
  principal: Principal,
  input: { endpointId: string; graceSeconds?: number; signing?: SigningScheme },
) {
  const appId = visibleAppId(principal);
  return deps.db.transaction(async (tx) => {
    // FOR UPDATE: two rotations at once must not both start from the same list and lose a key.
    const [row] = await tx
      .select()
      .from(endpoints)
      .where(and(eq(endpoints.id, input.endpointId), appId ? eq(endpoints.appId, appId) : undefined))
      .for('update');
    if (!row) throw notFound('endpoint', input.endpointId);
    const now = new Date();
    const signing = input.signing ?? row.signingKeys[0]?.signing ?? 'hmac';
    const { stored } = newSigningKey(deps.encryptionKey, row.id, signing, now);
    const signingKeys = rotateSigningKeys(row.signingKeys, stored, {
      graceSeconds: input.graceSeconds ?? defaultGraceSeconds,
      now,
    });
    await tx.update(endpoints).set({ signingKeys, updatedAt: now }).where(eq(endpoints.id, row.id));
    return toEndpointSigningKeysDto(row.id, openLiveSigningKeys(deps.encryptionKey, row.id, signingKeys, now));
  });
}
