import { Fragment } from 'react';
import { CopyButton } from './copy-button';

/**
 * Custom header values as the create or update that set them answered: shown once, like a signing
 * secret. From then on the API shows each value masked, and the console does not keep them.
 */
export function HeadersOnce({
  label,
  headers,
  onDone,
}: {
  label: string;
  headers: Record<string, string>;
  onDone: () => void;
}) {
  return (
    <div className="notice" role="status">
      <p>{label} Copy what you need now: they are shown masked from here on, and no call reads them back.</p>
      <dl className="facts">
        {Object.entries(headers).map(([name, value]) => (
          <Fragment key={name}>
            <dt>
              <code>{name}</code>
            </dt>
            <dd>
              <code className="secret">{value}</code> <CopyButton text={value} label={`Copy ${name}`} />
            </dd>
          </Fragment>
        ))}
      </dl>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
