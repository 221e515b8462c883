import { z } from 'zod';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** HOOKLINE_LOG_LEVEL in each app's env.ts: one of the levels above, `info` when unset. */
export const LogLevelSetting = z.enum(logLevels).default('info');
