// A terminal reads better than JSON: "12:04:05.123 INFO  api  message key=value", coloured by level.
// Small on purpose, so the process needs no pretty-printing dependency at run time.

const colours: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
const dim = '\x1b[2m';
const reset = '\x1b[0m';

/** One JSON log line as one readable, coloured terminal line (falls back to the line as it is). */
export function prettyLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { time, level, service, message, ...fields } = record;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const label = String(level ?? 'info');
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const colour = colours[label] ?? '';
  return (
    `${dim}${clock}${reset} ${colour}${label.toUpperCase().padEnd(5)}${reset} ${dim}${String(service ?? '')}${reset} ` +
    `${String(message ?? '')}${extra ? ` ${dim}${extra}${reset}` : ''}\n`
  );
}
