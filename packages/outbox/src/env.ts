import { z } from 'zod';

/** Every setting of the relay process (`relay-main.ts`). The only place it reads process.env. */
export const RelayEnv = z.object({
  /** The database holding the outbox table: the service's own, not Hookline's. */
  OUTBOX_DATABASE_URL: z.string().url(),
  /** Hookline's API, e.g. http://127.0.0.1:3000. */
  HOOKLINE_URL: z.string().url(),
  /** An API key allowed to publish to every application the outbox names. */
  HOOKLINE_API_KEY: z.string().min(1),
  OUTBOX_SCHEMA: z.string().default('public'),
  OUTBOX_TABLE: z.string().default('hookline_outbox'),
  /** Rows per transaction and per publishBatch call. */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Fallback poll when no notification arrives. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
});

export type RelayEnv = z.infer<typeof RelayEnv>;

/** Parses the environment, or exits with a message that names every bad setting. */
export function readRelayEnv(env: NodeJS.ProcessEnv = process.env): RelayEnv {
  const parsed = RelayEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
  console.error(`outbox relay: invalid settings:\n  ${problems}`);
  process.exit(2);
}
