import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClient } from '../api';
import { formatTime, localInputToIso } from '../components/format';
import { Empty, ErrorNotice, QueryView } from '../components/states';
import { href, navigate } from '../route';

const filterNames = ['appId', 'endpointId', 'type', 'since', 'until'] as const;
type FilterDraft = Record<(typeof filterNames)[number], string>;

type ReplayProgress = { replayed: number; endpointDisabled: number; done: boolean };

/**
 * Dead letters by filter (in the URL), and their replay: first a dry run says how many would go,
 * then the replay runs call after call (each replays at most a thousand) and shows how far it got.
 */
export function DeadLettersPage({ params }: { params: URLSearchParams }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const current = Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ''])) as FilterDraft;
  const cursor = params.get('cursor') ?? undefined;
  const filter = {
    appId: current.appId || undefined,
    endpointId: current.endpointId || undefined,
    type: current.type || undefined,
    since: localInputToIso(current.since),
    until: localInputToIso(current.until),
  };
  const deadLetters = useQuery({
    queryKey: ['deadLetters.list', filter, cursor],
    queryFn: () => client.deadLetters.list.query({ ...filter, cursor, limit: 50 }),
  });
  const [draft, setDraft] = useState(current);
  const [progress, setProgress] = useState<ReplayProgress | null>(null);

  const dryRun = useMutation({
    mutationFn: () => client.deadLetters.replay.mutate({ filter, dryRun: true }),
    onMutate: () => setProgress(null),
  });
  const replay = useMutation({
    mutationFn: async () => {
      let total: ReplayProgress = { replayed: 0, endpointDisabled: 0, done: false };
      for (;;) {
        const result = await client.deadLetters.replay.mutate({ filter });
        if (result.dryRun) break;
        total = {
          replayed: total.replayed + result.replayed,
          endpointDisabled: result.endpointDisabled,
          done: !result.hasMore,
        };
        setProgress(total);
        if (!result.hasMore) break;
      }
      return total;
    },
    onSuccess: () => {
      dryRun.reset();
      void queryClient.invalidateQueries({ queryKey: ['deadLetters.list'] });
      void queryClient.invalidateQueries({ queryKey: ['stats.overview'] });
    },
  });

  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    navigate(href(['dead-letters'], draft));
  };
  const field = (name: keyof FilterDraft, label: string, type = 'text') => (
    <span className="field">
      <label htmlFor={`dl-${name}`}>{label}</label>
      <input
        id={`dl-${name}`}
        type={type}
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </span>
  );

  return (
    <>
      <h1>Dead letters</h1>
      <form className="inline" onSubmit={applyFilter} aria-label="Filter dead letters">
        {field('appId', 'Application id')}
        {field('endpointId', 'Endpoint id')}
        {field('type', 'Event type')}
        {field('since', 'From', 'datetime-local')}
        {field('until', 'Until', 'datetime-local')}
        <button type="submit">Filter</button>
      </form>

      <section aria-labelledby="replay-heading" className="notice">
        <h2 id="replay-heading">Replay</h2>
        {dryRun.isSuccess && dryRun.data.dryRun ? (
          <>
            <p role="status">
              {dryRun.data.count} dead letters match this filter
              {dryRun.data.endpointDisabled > 0 && `; ${dryRun.data.endpointDisabled} of them stay (endpoint disabled)`}
              .
            </p>
            <button type="button" onClick={() => replay.mutate()} disabled={replay.isPending}>
              Replay {dryRun.data.count} dead letters
            </button>{' '}
            <button type="button" onClick={() => dryRun.reset()}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => dryRun.mutate()} disabled={dryRun.isPending || replay.isPending}>
            Replay…
          </button>
        )}
        {progress && (
          <p role="status">
            {progress.done ? 'Replay finished' : 'Replaying'}: {progress.replayed} re-queued
            {progress.endpointDisabled > 0 && `, ${progress.endpointDisabled} left (endpoint disabled)`}.
          </p>
        )}
        {dryRun.isError && <ErrorNotice error={dryRun.error} />}
        {replay.isError && <ErrorNotice error={replay.error} />}
      </section>

      <QueryView query={deadLetters} what="dead letters">
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <Empty>No dead letters wait{Object.values(filter).some(Boolean) ? ' for this filter' : ''}.</Empty>
            ) : (
              <table>
                <caption className="visually-hidden">Dead letters</caption>
                <thead>
                  <tr>
                    <th scope="col">Dead-lettered</th>
                    <th scope="col">Event</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <a href={href(['deliveries', d.deliveryId])}>{formatTime(d.deadLetteredAt)}</a>
                      </td>
                      <td>
                        {d.eventType}
                        <div>
                          <a href={href(['events', d.eventId])}>
                            <code>{d.eventId}</code>
                          </a>
                        </div>
                      </td>
                      <td>
                        <code>{d.endpointUrl}</code>
                      </td>
                      <td>{d.attempts}</td>
                      <td>
                        {d.rule ?? '—'}
                        {d.error && <div className="muted">{d.error}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <nav aria-label="Pages" className="buttons">
              {cursor && <a href={href(['dead-letters'], current)}>Newest</a>}
              {page.nextCursor && <a href={href(['dead-letters'], { ...current, cursor: page.nextCursor })}>Older</a>}
            </nav>
          </>
        )}
      </QueryView>
    </>
  );
}
