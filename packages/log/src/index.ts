export { createLogger, silentLog, type Log, type LogFields, type LoggerOptions } from './create-logger';
export { LogLevelSetting, logLevels, type LogLevel } from './log-level';
export { scrubSecrets } from './redact';
