import { createHash } from 'node:crypto';

/** Where the outbox table lives in the caller's database. */
export type OutboxLocation = { schema: string; table: string };

/** `public.hookline_outbox`: no schema of its own, so nothing to create before the table. */
export const defaultOutboxLocation: OutboxLocation = { schema: 'public', table: 'hookline_outbox' };

// PostgreSQL truncates longer identifiers (NAMEDATALEN - 1), and a channel name is an identifier.
const maxIdentifierBytes = 63;

/** Fills in the defaults and refuses names that would be truncated or need care when quoted. */
export function resolveOutboxLocation(given: Partial<OutboxLocation> = {}): OutboxLocation {
  const location = { ...defaultOutboxLocation, ...given };
  for (const [what, name] of Object.entries(location)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || Buffer.byteLength(name) > maxIdentifierBytes) {
      throw new Error(
        `outbox ${what} "${name}" must be a lowercase SQL identifier (a-z, 0-9, _; at most ${maxIdentifierBytes} bytes)`,
      );
    }
  }
  return location;
}

/** `"schema"."table"`, for SQL text. */
export const qualifiedName = ({ schema, table }: OutboxLocation) => `"${schema}"."${table}"`;

/**
 * The LISTEN/NOTIFY channel of one outbox. Enqueueing notifies it (delivered at commit, and not at
 * all on rollback); relays listen on it. Long names are shortened so that two outboxes never share one.
 */
export function notifyChannel({ schema, table }: OutboxLocation): string {
  const channel = `${schema}.${table}`;
  if (Buffer.byteLength(channel) <= maxIdentifierBytes) return channel;
  return `outbox_${createHash('sha256').update(channel).digest('hex').slice(0, 32)}`;
}
