import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useClient, type Outputs } from '../api';
import { EndpointForm, type EndpointFields } from '../components/endpoint-form';
import { EndpointSettings } from '../components/endpoint-settings';
import { formatTime } from '../components/format';
import { HeadersOnce } from '../components/headers-once';
import { LoadMore } from '../components/load-more';
import { SecretOnce } from '../components/secret-once';
import { Empty, ErrorNotice, QueryView } from '../components/states';
import { href } from '../route';

type Endpoint = Outputs['endpoints']['get'];

// How many of an endpoint's latest deliveries its success rate is computed over.
const healthSample = 50;

/** Recent success rate and last attempt, from the endpoint's latest deliveries. */
function EndpointHealth({ endpointId }: { endpointId: string }) {
  const client = useClient();
  const deliveries = useQuery({
    queryKey: ['deliveries.list', { endpointId }],
    queryFn: () => client.deliveries.list.query({ endpointId, limit: healthSample }),
  });
  if (deliveries.isPending) return <span className="muted">…</span>;
  if (deliveries.isError) return <span className="error">{deliveries.error.message}</span>;
  const settled = deliveries.data.items.filter((d) => d.status !== 'pending');
  const delivered = settled.filter((d) => d.status === 'delivered').length;
  const last = deliveries.data.items
    .map((d) => d.lastAttemptAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  return (
    <>
      <span>{settled.length ? `${Math.round((delivered / settled.length) * 100)} % of ${settled.length}` : '—'}</span>
      <br />
      <span className="muted">last attempt {formatTime(last)}</span>
    </>
  );
}

function EndpointRow({
  endpoint,
  onSecret,
  onHeaders,
}: {
  endpoint: Endpoint;
  onSecret: (s: string) => void;
  /** Header values an edit set, as the update answered them in the clear. */
  onHeaders: (headers: Record<string, string>) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirmingRotate, setConfirmingRotate] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['endpoints.list', endpoint.appId] });
  const save = useMutation({
    mutationFn: (fields: EndpointFields) => client.endpoints.update.mutate({ endpointId: endpoint.id, ...fields }),
    onSuccess: (saved, fields) => {
      setEditing(false);
      // Only a save that sent headers answers their values, once; otherwise they come back masked.
      if (fields.headers && Object.keys(saved.headers).length > 0) onHeaders(saved.headers);
      void refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => client.endpoints.update.mutate({ endpointId: endpoint.id, enabled }),
    onSuccess: () => void refresh(),
  });
  const rotate = useMutation({
    mutationFn: () => client.endpoints.rotateSecret.mutate({ endpointId: endpoint.id }),
    onSuccess: (keys) => {
      setConfirmingRotate(false);
      onSecret(keys.secret ?? keys.publicKey ?? '');
      void refresh();
    },
  });
  const pins = Object.entries(endpoint.versionPins);
  return (
    <tr>
      <td>
        <code>{endpoint.url}</code>
        {endpoint.description && <div className="muted">{endpoint.description}</div>}
        <div className="muted">
          <code>{endpoint.id}</code>
        </div>
        {editing && (
          <EndpointForm
            idPrefix={`edit-${endpoint.id}`}
            initial={endpoint}
            submitLabel="Save endpoint"
            pending={save.isPending}
            error={save.error}
            onSubmit={(fields) => save.mutate(fields)}
            onCancel={() => {
              save.reset();
              setEditing(false);
            }}
          />
        )}
      </td>
      <td>
        {endpoint.eventTypes ? endpoint.eventTypes.join(', ') : <span className="muted">all types</span>}
        {pins.length > 0 && <div className="muted">pins: {pins.map(([t, v]) => `${t}@${v}`).join(', ')}</div>}
      </td>
      <td>
        <EndpointSettings endpoint={endpoint} />
      </td>
      <td>
        {endpoint.enabled ? (
          <span className="ok">enabled</span>
        ) : (
          <>
            <span className="bad">disabled</span>
            {endpoint.disabledReason && <div className="muted">{endpoint.disabledReason}</div>}
          </>
        )}
      </td>
      <td>
        <EndpointHealth endpointId={endpoint.id} />
      </td>
      <td className="actions">
        <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
          Edit
        </button>
        <button type="button" onClick={() => toggle.mutate(!endpoint.enabled)}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        {confirmingRotate ? (
          <span role="group" aria-label="Confirm rotation">
            <span>New secret? The old one keeps signing for 24 h.</span>
            <button type="button" onClick={() => rotate.mutate()} disabled={rotate.isPending}>
              Rotate now
            </button>
            <button type="button" onClick={() => setConfirmingRotate(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmingRotate(true)}>
            Rotate secret
          </button>
        )}
        {toggle.isError && <ErrorNotice error={toggle.error} />}
        {rotate.isError && <ErrorNotice error={rotate.error} />}
      </td>
    </tr>
  );
}

export function EndpointsPage({ appId }: { appId: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [headers, setHeaders] = useState<{ label: string; values: Record<string, string> } | null>(null);
  // A new key empties the create form after each endpoint it created.
  const [createdCount, setCreatedCount] = useState(0);
  const application = useQuery({
    queryKey: ['applications.get', appId],
    queryFn: () => client.applications.get.query({ appId }),
  });
  const endpoints = useInfiniteQuery({
    queryKey: ['endpoints.list', appId],
    queryFn: ({ pageParam }) => client.endpoints.list.query({ appId, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: application.isSuccess,
  });
  const create = useMutation({
    mutationFn: (fields: EndpointFields) =>
      client.endpoints.create.mutate({
        appId,
        url: fields.url,
        description: fields.description,
        ...(fields.eventTypes ? { eventTypes: fields.eventTypes } : {}),
        versionPins: fields.versionPins,
        filter: fields.filter,
        ...(fields.headers ? { headers: fields.headers } : {}),
        rateLimit: fields.rateLimit,
        ...(fields.maxInFlight === undefined ? {} : { maxInFlight: fields.maxInFlight }),
      }),
    onSuccess: (created) => {
      setCreatedCount((n) => n + 1);
      setSecret({ label: `Endpoint created. Its signing secret:`, value: created.secret ?? created.publicKey ?? '' });
      // The create's answer is the one place the header values are shown.
      setHeaders(
        Object.keys(created.headers).length > 0
          ? { label: 'Its custom header values:', values: created.headers }
          : null,
      );
      void queryClient.invalidateQueries({ queryKey: ['endpoints.list', appId] });
    },
  });

  return (
    <QueryView query={application} what="the application">
      {(app) => (
        <>
          <h1>Endpoints of {app.name}</h1>
          <p>
            <a href={href(['applications', appId, 'events'])}>Events of {app.name}</a>
          </p>
          {secret && <SecretOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
          {headers && <HeadersOnce label={headers.label} headers={headers.values} onDone={() => setHeaders(null)} />}
          <QueryView query={endpoints} what="endpoints">
            {(data) => {
              const items = data.pages.flatMap((p) => p.items);
              if (items.length === 0) return <Empty>No endpoints yet. Add one below.</Empty>;
              return (
                <table>
                  <caption className="visually-hidden">Endpoints</caption>
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Event types</th>
                      <th scope="col">Delivery settings</th>
                      <th scope="col">State</th>
                      <th scope="col">Recent success</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((endpoint) => (
                      <EndpointRow
                        key={endpoint.id}
                        endpoint={endpoint}
                        onSecret={(value) => setSecret({ label: 'Secret rotated. The new signing secret:', value })}
                        onHeaders={(values) =>
                          setHeaders({ label: 'Endpoint saved. Its custom header values:', values })
                        }
                      />
                    ))}
                  </tbody>
                </table>
              );
            }}
          </QueryView>
          <LoadMore query={endpoints} />
          <h2>Add an endpoint</h2>
          <EndpointForm
            key={createdCount}
            idPrefix="new-endpoint"
            submitLabel="Create endpoint"
            pending={create.isPending}
            error={create.error}
            onSubmit={(fields) => create.mutate(fields)}
          />
        </>
      )}
    </QueryView>
  );
}
