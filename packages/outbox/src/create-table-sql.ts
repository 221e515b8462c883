import { qualifiedName, type OutboxLocation } from './outbox-location';

/**
 * The outbox table as a plain SQL migration, for callers who do not generate migrations with
 * drizzle-kit. Idempotent, so it can also run at every start. Equal to `outboxTable`.
 */
export function createOutboxTableSql(location: OutboxLocation): string {
  const { schema, table } = location;
  const name = qualifiedName(location);
  return `${schema === 'public' ? '' : `create schema if not exists "${schema}";\n`}create table if not exists ${name} (
  "id" uuid primary key,
  "position" bigint generated always as identity not null,
  "app_id" text not null,
  "type" text not null,
  "version" text not null,
  "data" jsonb not null,
  "idempotency_key" text,
  "ordering_key" text,
  "enqueued_at" timestamp with time zone default now() not null,
  "state" text default 'pending' not null,
  "error" text,
  "failed_at" timestamp with time zone,
  constraint "${table}_state_check" check ("state" in ('pending', 'failed'))
);
-- Added after the first release: an outbox created before it gets the column here.
alter table ${name} add column if not exists "ordering_key" text;
-- The relay's only scan: pending rows in enqueue order. Failed rows stay out of its way.
create index if not exists "${table}_pending_position_idx" on ${name} ("position") where "state" = 'pending';
`;
}
