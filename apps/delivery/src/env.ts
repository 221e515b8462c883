import { AllowedCidrsSetting } from '@hookline/egress';
import { EncryptionKeySetting } from '@hookline/signing-keys';
import { z } from 'zod';

const secondsList = z
  .string()
  .transform((s, ctx) => {
    const values = s.split(',').map((part) => Number(part.trim()));
    if (values.some((v) => !Number.isFinite(v) || v < 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of non-negative seconds, e.g. "5,300,1800"' });
      return z.NEVER;
    }
    return values;
  });

/** Every setting of the delivery worker. The only place it reads process.env. */
export const DeliveryEnv = z.object({
  DATABASE_URL: z.string().url().optional(),
  /** Per-request timeout, connect to last byte. */
  HOOKLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** How much of a receiver's response body is kept on the attempt; the rest is never read. */
  HOOKLINE_RESPONSE_BODY_LIMIT_BYTES: z.coerce.number().int().min(0).default(16 * 1024),
  /** Delays before each retry, in seconds; endpoints may override it. */
  HOOKLINE_RETRY_SCHEDULE: secondsList.optional(),
  /** Jobs a worker takes per fetch. */
  HOOKLINE_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Fetch loops per process; several keep one slow batch from holding up the rest. */
  HOOKLINE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Where the development encryption key is kept when HOOKLINE_ENCRYPTION_KEY is unset. */
  HOOKLINE_DATA_DIR: z.string().default('.data'),
  /** Decrypts endpoint signing keys; the same value as the API's. Required when NODE_ENV=production. */
  HOOKLINE_ENCRYPTION_KEY: EncryptionKeySetting,
  /** Non-public CIDR blocks webhooks may be sent to, e.g. "10.20.0.0/16, fd12::/16". */
  HOOKLINE_ALLOWED_CIDRS: AllowedCidrsSetting,
});
export type DeliveryEnv = z.infer<typeof DeliveryEnv>;

export function loadDeliveryEnv(source: NodeJS.ProcessEnv = process.env): DeliveryEnv {
  const parsed = DeliveryEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid delivery worker configuration: ${problems}. See the configuration table in README.md.`);
  }
  return parsed.data;
}
