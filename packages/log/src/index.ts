export type Log = (message: string, fields?: Record<string, unknown>) => void;

/** One JSON line per event on stdout: readable in a terminal, ready for a log store. */
export function createLogger(service: string, write: (line: string) => void = (l) => process.stdout.write(l)): Log {
  return (message, fields = {}) => {
    const extra = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { message: v.message, stack: v.stack } : v]),
    );
    write(JSON.stringify({ time: new Date().toISOString(), service, message, ...extra }) + '\n');
  };
}

/** For tests: drops everything. */
export const silentLog: Log = () => {};
