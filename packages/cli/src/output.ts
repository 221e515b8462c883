/** Where a command writes: injectable so the program runs the same in a test as in a terminal. */
export type Io = {
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stdout is a terminal: progress bars and live redraws only then. */
  isTty: boolean;
};

export type Column<T> = { header: string; value: (row: T) => unknown };

/** A value as one table cell or `key: value` line: no nulls shown as "null", objects as compact JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A plain aligned table, headers in capitals; column widths follow the widest cell. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row)).replace(/\s+/g, ' ')));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/** One object as aligned `key: value` lines. */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${`${k}:`.padEnd(width + 1)} ${cell(record[k])}`).join('\n') + '\n';
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** One JSON document per line, for streams (`tail`, `listen`). */
export function formatJsonLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}
