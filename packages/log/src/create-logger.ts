import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './log-level';
import { prettyLine } from './pretty-line';
import { redactedPaths, redactedText, scrubSecrets } from './redact';

export type LogFields = Record<string, unknown>;
type LogMethod = (message: string, fields?: LogFields) => void;

/**
 * Called as a function it logs at `info`, which keeps every `log('…', { … })` call site as it was;
 * the methods log at other levels. `child` adds fields to every line it writes (a request id, a
 * delivery id).
 */
export interface Log extends LogMethod {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child(bindings: LogFields): Log;
}

export type LoggerOptions = {
  /** `info` when not given (HOOKLINE_LOG_LEVEL). */
  level?: LogLevel;
  /** Where lines go; stdout when not given. Tests pass a function to capture them. */
  write?: (line: string) => void;
  /** Readable colour lines instead of JSON; by default when stdout is a terminal. */
  pretty?: boolean;
};

/**
 * Structured log lines (pino): JSON with `time`, `level`, `service`, `message` and the fields when
 * stdout is not a terminal, readable colour lines when it is. Secrets are redacted by field name and,
 * as a last net, by their look in the finished line.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Log {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const pretty = options.pretty ?? (options.write === undefined && process.stdout.isTTY === true);
  const destination: DestinationStream = { write: pretty ? (line) => write(prettyLine(line)) : write };
  const logger = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: redactedText },
      hooks: { streamWrite: scrubSecrets },
    },
    destination,
  );
  return wrap(logger);
}

function wrap(logger: Logger): Log {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogMethod =>
    (message, fields) => {
      // A level that is off returns before the fields are walked: the worker logs every delivered
      // attempt at debug, and that must cost nothing when debug is off.
      if (!logger.isLevelEnabled(level)) return;
      if (fields === undefined) logger[level](message);
      else logger[level](withReadableErrors(fields), message);
    };
  return Object.assign(at('info'), {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings: LogFields) => wrap(logger.child(bindings)),
  });
}

// An Error serialises to {} in JSON; keep what says what went wrong.
function withReadableErrors(fields: LogFields): LogFields {
  let converted: LogFields | null = null;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) (converted ??= { ...fields })[key] = { message: value.message, stack: value.stack };
  }
  return converted ?? fields;
}

/** For tests: drops everything. */
export const silentLog: Log = createLogger('silent', { level: 'silent', write: () => {} });
