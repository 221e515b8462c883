import { useState, type FormEvent } from 'react';
import { errorMessage, refusedField } from '../api';
import { ErrorNotice } from './states';
import { HeaderFields, headersToSend, rowsFromHeaders } from './header-fields';

export type EndpointFields = {
  url: string;
  description: string;
  /** Null: every event type. */
  eventTypes: string[] | null;
  versionPins: Record<string, string>;
  /** Null: no filter, every event of the subscribed types. */
  filter: Record<string, unknown> | null;
  /** Left out when the header rows are as loaded: the API then keeps the stored headers. */
  headers?: Record<string, string>;
  /** Requests per second at most; null: no limit. */
  rateLimit: number | null;
  /** Left out when the field is empty: the API's default on create, the stored value on update. */
  maxInFlight?: number;
};

/** An endpoint as the form starts from: its headers as endpoints.get shows them, names with masked values. */
export type EndpointInitial = Omit<EndpointFields, 'headers'> & { headers: Record<string, string> };

/** The fields that show their own error; a refusal naming another one is shown under the form. */
type Field = 'url' | 'description' | 'eventTypes' | 'versionPins' | 'filter' | 'headers' | 'rateLimit' | 'maxInFlight';
const formFields: ReadonlySet<string> = new Set<Field>([
  'url',
  'description',
  'eventTypes',
  'versionPins',
  'filter',
  'headers',
  'rateLimit',
  'maxInFlight',
]);

const splitList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "order.created=1.0, invoice.paid=2.0" → { "order.created": "1.0", … }; the API checks each pin. */
function parsePins(text: string): Record<string, string> {
  return Object.fromEntries(
    splitList(text).map((pair) => {
      const [type = '', version = ''] = pair.split('=');
      return [type, version];
    }),
  );
}

const formatPins = (pins: Record<string, string>) =>
  Object.entries(pins)
    .map(([type, version]) => `${type}=${version}`)
    .join(', ');

/** The filter textarea: empty for none; text that is not JSON never reaches the API. */
function parseFilterText(
  text: string,
): { ok: true; filter: Record<string, unknown> | null } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, filter: null };
  try {
    // Any JSON goes to the API, which checks the filter's shape and names what is wrong with it.
    return { ok: true, filter: JSON.parse(text) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, message: `filter: not JSON (${(error as Error).message})` };
  }
}

/** A number field's text; empty means "not set". */
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/**
 * The fields of an endpoint, for creating one or editing it; `idPrefix` keeps labels unique per form.
 * `error` is the save's refusal: its message is shown beside the field it names.
 */
export function EndpointForm({
  idPrefix,
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  idPrefix: string;
  initial?: EndpointInitial;
  submitLabel: string;
  pending: boolean;
  error?: unknown;
  onSubmit: (fields: EndpointFields) => void;
  onCancel?: () => void;
}) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [types, setTypes] = useState(initial?.eventTypes?.join(', ') ?? '');
  const [pins, setPins] = useState(formatPins(initial?.versionPins ?? {}));
  const [filter, setFilter] = useState(initial?.filter ? JSON.stringify(initial.filter, null, 2) : '');
  const [loadedHeaders] = useState(() => rowsFromHeaders(initial?.headers ?? {}));
  const [headerRows, setHeaderRows] = useState(loadedHeaders);
  const [rateLimit, setRateLimit] = useState(initial?.rateLimit?.toString() ?? '');
  const [maxInFlight, setMaxInFlight] = useState(initial?.maxInFlight?.toString() ?? '');
  // A mistake caught here, before anything is sent; it replaces the last refusal until the next save.
  const [problem, setProblem] = useState<{ field: Field; message: string } | null>(null);

  const refused = error ? refusedField(error) : null;
  const errorFor = (field: Field) =>
    problem ? (problem.field === field ? problem.message : null) : refused === field ? errorMessage(error) : null;
  const errorId = (field: Field) => `${idPrefix}-${field}-error`;
  /** aria attributes tying a field to its error, when it has one. */
  const described = (field: Field) =>
    errorFor(field) ? { 'aria-invalid': true, 'aria-describedby': errorId(field) } : { 'aria-invalid': false };
  const fieldError = (field: Field) => {
    const message = errorFor(field);
    return (
      message && (
        <p id={errorId(field)} className="error field-error" role="alert">
          {message}
        </p>
      )
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsedFilter = parseFilterText(filter);
    if (!parsedFilter.ok) {
      setProblem({ field: 'filter', message: parsedFilter.message });
      return;
    }
    const headers = headersToSend(headerRows, loadedHeaders);
    if (!headers.ok) {
      setProblem({ field: 'headers', message: headers.message });
      return;
    }
    setProblem(null);
    const eventTypes = splitList(types);
    const inFlight = numberOrNull(maxInFlight);
    onSubmit({
      url,
      description,
      eventTypes: eventTypes.length ? eventTypes : null,
      versionPins: parsePins(pins),
      filter: parsedFilter.filter,
      ...(headers.headers ? { headers: headers.headers } : {}),
      rateLimit: numberOrNull(rateLimit),
      ...(inFlight === null ? {} : { maxInFlight: inFlight }),
    });
  };
  return (
    <form className="fields" onSubmit={submit}>
      <label htmlFor={`${idPrefix}-url`}>URL</label>
      <input
        id={`${idPrefix}-url`}
        type="url"
        required
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        {...described('url')}
      />
      {fieldError('url')}
      <label htmlFor={`${idPrefix}-description`}>Description</label>
      <input
        id={`${idPrefix}-description`}
        value={description}
        maxLength={1000}
        onChange={(e) => setDescription(e.target.value)}
        {...described('description')}
      />
      {fieldError('description')}
      <label htmlFor={`${idPrefix}-types`}>Event types (comma-separated patterns; empty for all)</label>
      <input
        id={`${idPrefix}-types`}
        value={types}
        placeholder="order.*, invoice.paid"
        onChange={(e) => setTypes(e.target.value)}
        {...described('eventTypes')}
      />
      {fieldError('eventTypes')}
      <label htmlFor={`${idPrefix}-pins`}>Version pins (type=version, comma-separated)</label>
      <input
        id={`${idPrefix}-pins`}
        value={pins}
        placeholder="order.created=1.0"
        onChange={(e) => setPins(e.target.value)}
        {...described('versionPins')}
      />
      {fieldError('versionPins')}
      <label htmlFor={`${idPrefix}-filter`}>Filter (JSON conditions on the envelope; empty for none)</label>
      <textarea
        id={`${idPrefix}-filter`}
        value={filter}
        rows={filter.split('\n').length > 3 ? 8 : 3}
        spellCheck={false}
        placeholder={'{ "data.status": { "$in": ["shipped", "delivered"] }, "data.amount": { "$gte": 100 } }'}
        onChange={(e) => setFilter(e.target.value)}
        {...described('filter')}
      />
      {fieldError('filter')}
      <span id={`${idPrefix}-headers-label`}>Custom headers</span>
      <HeaderFields
        idPrefix={idPrefix}
        rows={headerRows}
        onChange={setHeaderRows}
        invalid={errorFor('headers') !== null}
        describedBy={errorFor('headers') ? errorId('headers') : undefined}
      />
      {fieldError('headers')}
      <label htmlFor={`${idPrefix}-rate-limit`}>Rate limit (requests per second; empty for no limit)</label>
      <input
        id={`${idPrefix}-rate-limit`}
        type="number"
        step="any"
        value={rateLimit}
        onChange={(e) => setRateLimit(e.target.value)}
        {...described('rateLimit')}
      />
      {fieldError('rateLimit')}
      <label htmlFor={`${idPrefix}-max-in-flight`}>Max in flight (requests at once at most)</label>
      <input
        id={`${idPrefix}-max-in-flight`}
        type="number"
        step="any"
        value={maxInFlight}
        placeholder={initial ? 'unchanged' : 'the default'}
        onChange={(e) => setMaxInFlight(e.target.value)}
        {...described('maxInFlight')}
      />
      {fieldError('maxInFlight')}
      <div className="buttons">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {!problem && error !== undefined && error !== null && !formFields.has(refused ?? '') && (
        <div className="form-error">
          <ErrorNotice error={error} />
        </div>
      )}
    </form>
  );
}
