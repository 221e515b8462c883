import type { Outputs } from '../api';

type Settings = Pick<Outputs['endpoints']['get'], 'filter' | 'headers' | 'rateLimit' | 'maxInFlight'>;

/** An endpoint's delivery settings as the API shows them: header values arrive masked. */
export function EndpointSettings({ endpoint }: { endpoint: Settings }) {
  const headers = Object.entries(endpoint.headers);
  return (
    <dl className="settings">
      <dt>Filter</dt>
      <dd>{endpoint.filter ? <code>{JSON.stringify(endpoint.filter)}</code> : <span className="muted">none</span>}</dd>
      <dt>Headers</dt>
      <dd>
        {headers.length ? (
          headers.map(([name, value]) => (
            <div key={name}>
              <code>
                {name}: {value}
              </code>
            </div>
          ))
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      <dt>Rate limit</dt>
      <dd>{endpoint.rateLimit === null ? <span className="muted">none</span> : `${endpoint.rateLimit} requests/s`}</dd>
      <dt>Max in flight</dt>
      <dd>{endpoint.maxInFlight} at once</dd>
    </dl>
  );
}
