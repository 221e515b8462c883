import { AllowedCidrsSetting } from '@hookline/egress';
import { MetricsSetting } from '@hookline/monitoring';
import { LogLevelSetting } from '@hookline/log';
import { EncryptionKeySetting } from '@hookline/signing-keys';
import { operatorAppIdPattern } from '@hookline/pipeline';
import { z } from 'zod';
import { defaultServerLimits, type ServerLimits } from './server-limits';

/** Every setting of the API process. The only place it reads process.env. */
const ApiEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** When unset, `npm start` runs embedded PostgreSQL with its data in HOOKLINE_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  HOOKLINE_DATA_DIR: z.string().default('.data'),
  HOOKLINE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  /**
   * An admin key to accept; when unset one is generated on first start and printed once. At least 32
   * characters: it is the one key a person chooses, so it gets the length a generated key has in entropy.
   */
  HOOKLINE_ADMIN_KEY: z
    .string()
    .min(32, 'must be at least 32 characters; generate one with `openssl rand -base64 32`')
    .optional(),
  /** Slow-client limits of the HTTP server (docs/configuration.md). */
  HOOKLINE_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1).default(defaultServerLimits.headersTimeoutMs),
  HOOKLINE_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).default(defaultServerLimits.requestTimeoutMs),
  HOOKLINE_HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1).default(defaultServerLimits.keepAliveTimeoutMs),
  /** Concurrent connections the API accepts; more are closed at once. */
  HOOKLINE_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(defaultServerLimits.maxConnections),
  /** Largest accepted request body, in bytes (256 KiB). */
  HOOKLINE_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  /** The application whose endpoints receive operational events (created if missing); unset sends none. */
  HOOKLINE_OPERATOR_APP_ID: z
    .string()
    .regex(operatorAppIdPattern, 'must be an application id such as app_operations')
    .optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Encrypts endpoint signing keys at rest; required when NODE_ENV=production (see docs/security.md). */
  HOOKLINE_ENCRYPTION_KEY: EncryptionKeySetting,
  /** CIDR blocks endpoints may point into although they are not public, e.g. "10.20.0.0/16, fd12::/16". */
  HOOKLINE_ALLOWED_CIDRS: AllowedCidrsSetting,
  /** `off` stops recording metrics and serving /metrics (on by default). */
  HOOKLINE_METRICS: MetricsSetting,
  /** Lowest level written: fatal, error, warn, info, debug, trace or silent. */
  HOOKLINE_LOG_LEVEL: LogLevelSetting,
});
export type ApiEnv = z.infer<typeof ApiEnv>;

export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = ApiEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid API configuration: ${problems}. See docs/configuration.md.`);
  }
  return parsed.data;
}

/** The server limits from the parsed settings. */
export function serverLimitsFromEnv(env: ApiEnv): ServerLimits {
  return {
    headersTimeoutMs: env.HOOKLINE_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.HOOKLINE_HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.HOOKLINE_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.HOOKLINE_MAX_CONNECTIONS,
  };
}
