import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api';
import { formatTime } from '../components/format';
import { DeliveryStatus } from '../components/delivery-status';
import { Empty, QueryView } from '../components/states';
import { href } from '../route';

export function EventPage({ eventId }: { eventId: string }) {
  const client = useClient();
  const event = useQuery({ queryKey: ['events.get', eventId], queryFn: () => client.events.get.query({ eventId }) });
  const deliveries = useQuery({
    queryKey: ['deliveries.list', { eventId }],
    queryFn: () => client.deliveries.list.query({ eventId, limit: 100 }),
    enabled: event.isSuccess,
    // Deliveries settle within seconds; keep the page current while any is still on its way.
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === 'pending') ? 1_000 : false),
  });
  return (
    <QueryView query={event} what="the event">
      {(e) => (
        <>
          <h1>
            Event <code>{e.id}</code>
          </h1>
          <dl className="facts">
            <dt>Type</dt>
            <dd>
              {e.type} {e.version}
            </dd>
            <dt>Application</dt>
            <dd>
              <a href={href(['applications', e.appId, 'events'])}>
                <code>{e.appId}</code>
              </a>
            </dd>
            <dt>Published</dt>
            <dd>{formatTime(e.createdAt)}</dd>
            <dt>Idempotency key</dt>
            <dd>{e.idempotencyKey ?? '—'}</dd>
            {e.orderingKey !== null && (
              <>
                <dt>Ordering key</dt>
                <dd>
                  <code>{e.orderingKey}</code>{' '}
                  <span className="muted">(its deliveries reach each endpoint one at a time, in publish order)</span>
                </dd>
              </>
            )}
          </dl>
          <h2>Payload</h2>
          <pre className="payload" tabIndex={0} aria-label="Payload">
            {JSON.stringify(e.data, null, 2)}
          </pre>
          <h2>Deliveries</h2>
          <QueryView query={deliveries} what="deliveries">
            {(page) =>
              page.items.length === 0 ? (
                <Empty>No endpoint subscribed to this event when it was published.</Empty>
              ) : (
                <table>
                  <caption className="visually-hidden">Deliveries</caption>
                  <thead>
                    <tr>
                      <th scope="col">Delivery</th>
                      <th scope="col">Endpoint</th>
                      <th scope="col">Status</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Last attempt</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((d) => (
                      <tr key={d.id}>
                        <td>
                          <a href={href(['deliveries', d.id])}>
                            <code>{d.id}</code>
                          </a>
                        </td>
                        <td>
                          <code>{d.endpointId}</code>
                        </td>
                        <td>
                          <DeliveryStatus status={d.status} />
                        </td>
                        <td>{d.attemptCount}</td>
                        <td>{formatTime(d.lastAttemptAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </QueryView>
        </>
      )}
    </QueryView>
  );
}
