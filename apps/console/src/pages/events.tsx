import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClient } from '../api';
import { formatTime, localInputToIso } from '../components/format';
import { Empty, QueryView } from '../components/states';
import { href, navigate } from '../route';

/**
 * An application's events, newest first. The filters and the page's cursor live in the URL, so a
 * filtered page can be shared and Back returns to the previous page.
 */
export function EventsPage({ appId, params }: { appId: string; params: URLSearchParams }) {
  const client = useClient();
  const type = params.get('type') ?? '';
  const since = params.get('since') ?? '';
  const until = params.get('until') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const application = useQuery({
    queryKey: ['applications.get', appId],
    queryFn: () => client.applications.get.query({ appId }),
  });
  const events = useQuery({
    queryKey: ['events.list', appId, type, since, until, cursor],
    queryFn: () =>
      client.events.list.query({
        appId,
        limit: 25,
        type: type || undefined,
        since: localInputToIso(since),
        until: localInputToIso(until),
        cursor,
      }),
    enabled: application.isSuccess,
  });
  const [draft, setDraft] = useState({ type, since, until });
  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    navigate(href(['applications', appId, 'events'], draft));
  };

  return (
    <QueryView query={application} what="the application">
      {(app) => (
        <>
          <h1>Events of {app.name}</h1>
          <p>
            <a href={href(['applications', appId, 'endpoints'])}>Endpoints of {app.name}</a>
          </p>
          <form className="inline" onSubmit={applyFilter} aria-label="Filter events">
            <label htmlFor="events-type">Type</label>
            <input
              id="events-type"
              value={draft.type}
              placeholder="order.created"
              onChange={(e) => setDraft({ ...draft, type: e.target.value })}
            />
            <label htmlFor="events-since">From</label>
            <input
              id="events-since"
              type="datetime-local"
              value={draft.since}
              onChange={(e) => setDraft({ ...draft, since: e.target.value })}
            />
            <label htmlFor="events-until">Until</label>
            <input
              id="events-until"
              type="datetime-local"
              value={draft.until}
              onChange={(e) => setDraft({ ...draft, until: e.target.value })}
            />
            <button type="submit">Filter</button>
          </form>
          <QueryView query={events} what="events">
            {(page) => (
              <>
                {page.items.length === 0 ? (
                  <Empty>No events{type || since || until ? ' match this filter' : ' yet'}.</Empty>
                ) : (
                  <table>
                    <caption className="visually-hidden">Events</caption>
                    <thead>
                      <tr>
                        <th scope="col">Event</th>
                        <th scope="col">Type</th>
                        <th scope="col">Version</th>
                        <th scope="col">Published</th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((e) => (
                        <tr key={e.id}>
                          <td>
                            <a href={href(['events', e.id])}>
                              <code>{e.id}</code>
                            </a>
                          </td>
                          <td>{e.type}</td>
                          <td>{e.version}</td>
                          <td>{formatTime(e.createdAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                <nav aria-label="Pages" className="buttons">
                  {cursor && <a href={href(['applications', appId, 'events'], { type, since, until })}>Newest</a>}
                  {page.nextCursor && (
                    <a href={href(['applications', appId, 'events'], { type, since, until, cursor: page.nextCursor })}>
                      Older events
                    </a>
                  )}
                </nav>
              </>
            )}
          </QueryView>
        </>
      )}
    </QueryView>
  );
}
