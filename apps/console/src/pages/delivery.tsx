import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api';
import { DeliveryStatus } from '../components/delivery-status';
import { formatTime } from '../components/format';
import { Empty, ErrorNotice, QueryView } from '../components/states';
import { href } from '../route';

// The response body as stored is capped by the worker already; the timeline shows its start.
const bodyExcerptChars = 500;

export function DeliveryPage({ deliveryId }: { deliveryId: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const delivery = useQuery({
    queryKey: ['deliveries.get', deliveryId],
    queryFn: () => client.deliveries.get.query({ deliveryId }),
    // While an attempt is due, watch for it.
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 1_000 : false),
  });
  const retry = useMutation({
    mutationFn: () => client.deliveries.retry.mutate({ deliveryId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries.get', deliveryId] }),
  });

  return (
    <QueryView query={delivery} what="the delivery">
      {(d) => (
        <>
          <h1>
            Delivery <code>{d.id}</code>
          </h1>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <DeliveryStatus status={d.status} />
            </dd>
            <dt>Event</dt>
            <dd>
              <a href={href(['events', d.eventId])}>
                <code>{d.eventId}</code>
              </a>
            </dd>
            <dt>Endpoint</dt>
            <dd>
              <a href={href(['applications', d.appId, 'endpoints'])}>
                <code>{d.endpointId}</code>
              </a>
            </dd>
            <dt>Next attempt</dt>
            <dd>{formatTime(d.nextAttemptAt)}</dd>
          </dl>
          <p>
            <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
              {retry.isPending ? 'Retrying…' : 'Retry now'}
            </button>
          </p>
          {retry.isError && <ErrorNotice error={retry.error} />}
          <h2>Attempts</h2>
          {d.attempts.length === 0 ? (
            <Empty>No attempt yet: the first is on its way.</Empty>
          ) : (
            <ol className="timeline">
              {d.attempts.map((a) => (
                <li key={a.id} className={a.errorClass ? 'failed' : 'succeeded'}>
                  <h3>
                    Attempt {a.number}: {a.responseStatus !== null ? `HTTP ${a.responseStatus}` : 'no response'}
                    {a.trigger === 'manual' && ' (manual)'}
                  </h3>
                  <dl className="facts">
                    <dt>Started</dt>
                    <dd>{formatTime(a.startedAt)}</dd>
                    <dt>Duration</dt>
                    <dd>{a.durationMs} ms</dd>
                    <dt>Error class</dt>
                    <dd>{a.errorClass ?? '—'}</dd>
                    <dt>Rule applied</dt>
                    <dd>{a.rule}</dd>
                    <dt>Next attempt</dt>
                    <dd>{formatTime(a.nextAttemptAt)}</dd>
                    {a.error && (
                      <>
                        <dt>Error</dt>
                        <dd>{a.error}</dd>
                      </>
                    )}
                  </dl>
                  {a.responseBody ? (
                    <pre className="body" tabIndex={0} aria-label={`Response body of attempt ${a.number}`}>
                      {a.responseBody.slice(0, bodyExcerptChars)}
                    </pre>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </QueryView>
  );
}
