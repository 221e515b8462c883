import { AllowedCidrsSetting } from '@hookline/egress';
import { LogLevelSetting } from '@hookline/log';
import { operatorAppIdPattern } from '@hookline/pipeline';
import { MetricsSetting } from '@hookline/monitoring';
import { EncryptionKeySetting } from '@hookline/signing-keys';
import { z } from 'zod';
import type { StartDeliveryOptions } from './start-delivery';

const secondsList = z.string().transform((s, ctx) => {
  // An empty value is a schedule with no retries: one attempt, then the dead-letter queue.
  if (s.trim() === '') return [];
  const values = s.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a comma-separated list of non-negative seconds, e.g. "5,300,1800"',
    });
    return z.NEVER;
  }
  return values;
});

/** Every setting of the delivery worker. The only place it reads process.env. */
export const DeliveryEnv = z
  .object({
    DATABASE_URL: z.string().url().optional(),
    /** Per-request timeout, connect to last byte. */
    HOOKLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
    /** How much of a receiver's response body is kept on the attempt; the rest is never read. */
    HOOKLINE_RESPONSE_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(16 * 1024),
    /** Delays before each retry, in seconds; endpoints may override it. */
    HOOKLINE_RETRY_SCHEDULE: secondsList.optional(),
    /** 429 answers and timeouts wait at least this long before the next attempt. */
    HOOKLINE_MIN_DELAY_AFTER_THROTTLE_SECONDS: z.coerce.number().min(0).default(60),
    /** An endpoint that has done nothing but fail for this many days is disabled; fractions allowed. */
    HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS: z.coerce.number().positive().default(5),
    /** The application whose endpoints receive Hookline's operational events (created if missing); unset sends none. */
    HOOKLINE_OPERATOR_APP_ID: z
      .string()
      .regex(operatorAppIdPattern, 'must be an application id such as app_operations')
      .optional(),
    /** Jobs a worker takes per fetch. */
    HOOKLINE_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    /**
     * The event payloads one batch holds in memory at once, in bytes of JSON text: a batch's jobs past
     * it go back to the queue for the next fetch (at least one is sent). Bounds a worker's memory.
     */
    HOOKLINE_WORKER_BATCH_PAYLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024),
    /** Fetch loops per process; several keep one slow batch from holding up the rest. */
    HOOKLINE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** A batch active this long is presumed lost with its worker and handed out again. */
    HOOKLINE_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).default(60),
    /** A job whose worker stopped heart-beating this long is handed out again; 0 turns heartbeats off. */
    HOOKLINE_JOB_HEARTBEAT_SECONDS: z.coerce
      .number()
      .int()
      .refine((v) => v === 0 || v >= 10, { message: 'must be 0 (off) or at least 10 (pg-boss refuses less)' })
      .default(10),
    /** How often the worker looks for jobs whose worker was lost. */
    HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
    /**
     * Events, their deliveries and attempts older than this many days are removed (fractions allowed);
     * dead letters expire with them. Pending deliveries and unexpired dead letters keep their rows.
     */
    HOOKLINE_RETENTION_DAYS: z.coerce.number().positive().default(30),
    /** How often pending deliveries whose job was lost are looked for and enqueued again. */
    HOOKLINE_RECONCILE_SECONDS: z.coerce.number().positive().default(60),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Where the development encryption key is kept when HOOKLINE_ENCRYPTION_KEY is unset. */
    HOOKLINE_DATA_DIR: z.string().default('.data'),
    /** Lowest level written: fatal, error, warn, info, debug, trace or silent. */
    HOOKLINE_LOG_LEVEL: LogLevelSetting,
    /** Decrypts endpoint signing keys; the same value as the API's. Required when NODE_ENV=production. */
    HOOKLINE_ENCRYPTION_KEY: EncryptionKeySetting,
    /** Non-public CIDR blocks webhooks may be sent to, e.g. "10.20.0.0/16, fd12::/16". */
    HOOKLINE_ALLOWED_CIDRS: AllowedCidrsSetting,
    /** The worker's own port for /health, /ready and /metrics; 0 turns it off. */
    HOOKLINE_WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** The address that port listens on; 0.0.0.0 lets a Prometheus on another host scrape it. */
    HOOKLINE_WORKER_HOST: z.string().min(1).default('127.0.0.1'),
    /** `off` stops recording metrics and serving /metrics (on by default). */
    HOOKLINE_METRICS: MetricsSetting,
  })
  .superRefine((env, ctx) => {
    if (env.HOOKLINE_JOB_EXPIRE_SECONDS * 1000 <= env.HOOKLINE_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOOKLINE_JOB_EXPIRE_SECONDS'],
        message: `must be longer than HOOKLINE_REQUEST_TIMEOUT_MS (${env.HOOKLINE_REQUEST_TIMEOUT_MS} ms), or every slow request would be handed to a second worker`,
      });
    }
  });
export type DeliveryEnv = z.infer<typeof DeliveryEnv>;

export function loadDeliveryEnv(source: NodeJS.ProcessEnv = process.env): DeliveryEnv {
  const parsed = DeliveryEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid delivery worker configuration: ${problems}. See docs/configuration.md.`);
  }
  return parsed.data;
}

/** The worker's start options as the environment sets them (for main.ts and `npm start`). */
export function deliveryOptionsFromEnv(
  env: DeliveryEnv,
): Omit<StartDeliveryOptions, 'databaseUrl' | 'log' | 'encryptionKey' | 'metrics'> {
  return {
    // Only what the operator allow-listed; `npm start` in development adds loopback itself.
    allowedCidrs: env.HOOKLINE_ALLOWED_CIDRS ?? [],
    requestTimeoutMs: env.HOOKLINE_REQUEST_TIMEOUT_MS,
    responseBodyLimitBytes: env.HOOKLINE_RESPONSE_BODY_LIMIT_BYTES,
    retrySchedule: env.HOOKLINE_RETRY_SCHEDULE,
    minThrottleDelaySeconds: env.HOOKLINE_MIN_DELAY_AFTER_THROTTLE_SECONDS,
    endpointDisableAfterDays: env.HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS,
    operatorAppId: env.HOOKLINE_OPERATOR_APP_ID ?? null,
    batchSize: env.HOOKLINE_WORKER_BATCH_SIZE,
    batchPayloadBytes: env.HOOKLINE_WORKER_BATCH_PAYLOAD_BYTES,
    concurrency: env.HOOKLINE_WORKER_CONCURRENCY,
    queue: {
      expireInSeconds: env.HOOKLINE_JOB_EXPIRE_SECONDS,
      heartbeatSeconds: env.HOOKLINE_JOB_HEARTBEAT_SECONDS === 0 ? null : env.HOOKLINE_JOB_HEARTBEAT_SECONDS,
    },
    monitorIntervalSeconds: env.HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS,
    statusServer:
      env.HOOKLINE_WORKER_PORT === 0 ? null : { host: env.HOOKLINE_WORKER_HOST, port: env.HOOKLINE_WORKER_PORT },
    retentionDays: env.HOOKLINE_RETENTION_DAYS,
    reconcileSeconds: env.HOOKLINE_RECONCILE_SECONDS,
  };
}
