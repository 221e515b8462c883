import { CopyButton } from './copy-button';

/** A signing secret (or public key) shown once: the console does not keep it. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  return (
    <div className="notice" role="status">
      <p>
        {label} Copy it now: it is not shown again here (<code>endpoints.getSecret</code> reads it later).
      </p>
      <p>
        <code className="secret">{value}</code>
      </p>
      <CopyButton text={value} label="Copy secret" />{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
