/** One row of the custom-header editor. */
export type HeaderRow = {
  /** Keeps a row's identity (and its inputs' focus) while rows are added and removed. */
  key: number;
  name: string;
  value: string;
  /** Loaded from the endpoint: its value is stored encrypted, shown masked, and not known to the console. */
  stored: boolean;
};

let nextRowKey = 0;
const newRow = (name: string, stored: boolean): HeaderRow => ({ key: nextRowKey++, name, value: '', stored });

/** The editor's rows for an endpoint's headers as endpoints.get shows them (names, masked values). */
export const rowsFromHeaders = (masked: Record<string, string>): HeaderRow[] =>
  Object.keys(masked).map((name) => newRow(name, true));

/**
 * What a save sends as `headers`. The API replaces every header when `headers` is given, keeps them when
 * it is left out, and refuses the mask as a value: so rows as loaded send nothing (the stored values are
 * kept), and any change sends the whole set, which needs each kept header's value typed again.
 */
export function headersToSend(
  rows: readonly HeaderRow[],
  loaded: readonly HeaderRow[],
): { ok: true; headers?: Record<string, string> } | { ok: false; message: string } {
  const filled = rows.filter((row) => row.name.trim() !== '' || row.value !== '');
  const unchanged =
    filled.length === loaded.length &&
    filled.every((row, i) => row.key === loaded[i]!.key && row.name === loaded[i]!.name && row.value === '');
  if (unchanged) return { ok: true };
  const headers: Record<string, string> = {};
  for (const [i, row] of filled.entries()) {
    const name = row.name.trim();
    if (name === '') return { ok: false, message: `header ${i + 1} has a value but no name` };
    if (row.stored && row.value === '')
      return {
        ok: false,
        message:
          `${name}: type its value again. Saving changed headers replaces all of them, ` +
          'and a stored value is never shown; or undo the change to keep them as they are.',
      };
    headers[name] = row.value;
  }
  return { ok: true, headers };
}

/** Name and value inputs, one row per custom header, with Add and Remove. */
export function HeaderFields({
  idPrefix,
  rows,
  onChange,
  invalid,
  describedBy,
}: {
  idPrefix: string;
  rows: readonly HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  invalid: boolean;
  describedBy?: string;
}) {
  const change = (key: number, part: Partial<HeaderRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...part } : row)));
  const hasStored = rows.some((row) => row.stored);
  return (
    <div
      role="group"
      aria-labelledby={`${idPrefix}-headers-label`}
      aria-describedby={[`${idPrefix}-headers-hint`, describedBy].filter(Boolean).join(' ')}
    >
      {rows.map((row, i) => (
        <div className="header-row" key={row.key}>
          <input
            aria-label={`Header ${i + 1} name`}
            aria-invalid={invalid}
            value={row.name}
            placeholder="authorization"
            onChange={(e) => change(row.key, { name: e.target.value })}
          />
          <input
            aria-label={`Header ${i + 1} value`}
            aria-invalid={invalid}
            value={row.value}
            placeholder={row.stored ? '******** (stored, kept)' : 'value'}
            autoComplete="off"
            onChange={(e) => change(row.key, { value: e.target.value })}
          />
          <button
            type="button"
            aria-label={`Remove header ${i + 1}`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, newRow('', false)])}>
        Add header
      </button>
      <p id={`${idPrefix}-headers-hint`} className="muted hint">
        Sent with every request. Values are stored encrypted and shown once, after saving.
        {hasStored && ' Changing any header replaces them all: type the values of those you keep again.'}
      </p>
    </div>
  );
}
