import { useState, type FormEvent } from 'react';

export type EndpointFields = {
  url: string;
  description: string;
  /** Null: every event type. */
  eventTypes: string[] | null;
  versionPins: Record<string, string>;
};

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

/** The fields of an endpoint, for creating one or editing it; `idPrefix` keeps labels unique per form. */
export function EndpointForm({
  idPrefix,
  initial,
  submitLabel,
  pending,
  onSubmit,
  onCancel,
}: {
  idPrefix: string;
  initial?: EndpointFields;
  submitLabel: string;
  pending: boolean;
  onSubmit: (fields: EndpointFields) => void;
  onCancel?: () => void;
}) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [types, setTypes] = useState(initial?.eventTypes?.join(', ') ?? '');
  const [pins, setPins] = useState(formatPins(initial?.versionPins ?? {}));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const eventTypes = splitList(types);
    onSubmit({ url, description, eventTypes: eventTypes.length ? eventTypes : null, versionPins: parsePins(pins) });
  };
  return (
    <form className="fields" onSubmit={submit}>
      <label htmlFor={`${idPrefix}-url`}>URL</label>
      <input id={`${idPrefix}-url`} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      <label htmlFor={`${idPrefix}-description`}>Description</label>
      <input
        id={`${idPrefix}-description`}
        value={description}
        maxLength={1000}
        onChange={(e) => setDescription(e.target.value)}
      />
      <label htmlFor={`${idPrefix}-types`}>Event types (comma-separated patterns; empty for all)</label>
      <input
        id={`${idPrefix}-types`}
        value={types}
        placeholder="order.*, invoice.paid"
        onChange={(e) => setTypes(e.target.value)}
      />
      <label htmlFor={`${idPrefix}-pins`}>Version pins (type=version, comma-separated)</label>
      <input
        id={`${idPrefix}-pins`}
        value={pins}
        placeholder="order.created=1.0"
        onChange={(e) => setPins(e.target.value)}
      />
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
    </form>
  );
}
