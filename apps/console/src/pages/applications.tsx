import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClient } from '../api';
import { formatTime } from '../components/format';
import { LoadMore } from '../components/load-more';
import { Empty, ErrorNotice, QueryView } from '../components/states';
import { href } from '../route';

export function ApplicationsPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const applications = useInfiniteQuery({
    queryKey: ['applications.list'],
    queryFn: ({ pageParam }) => client.applications.list.query({ limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (name: string) => client.applications.create.mutate({ name }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['applications.list'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name);
  };

  return (
    <>
      <h1>Applications</h1>
      <QueryView query={applications} what="applications">
        {(data) => {
          const items = data.pages.flatMap((p) => p.items);
          if (items.length === 0) return <Empty>No applications yet. Create one below.</Empty>;
          return (
            <table>
              <caption className="visually-hidden">Applications</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                  <th scope="col">Created</th>
                  <th scope="col">Open</th>
                </tr>
              </thead>
              <tbody>
                {items.map((app) => (
                  <tr key={app.id}>
                    <td>{app.name}</td>
                    <td>
                      <code>{app.id}</code>
                    </td>
                    <td>{formatTime(app.createdAt)}</td>
                    <td className="actions">
                      <a href={href(['applications', app.id, 'endpoints'])}>Endpoints</a>
                      <a href={href(['applications', app.id, 'events'])}>Events</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </QueryView>
      <LoadMore query={applications} />
      <h2>Create an application</h2>
      <form className="inline" onSubmit={submit}>
        <label htmlFor="app-name">Name</label>
        <input id="app-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={create.isPending}>
          Create application
        </button>
      </form>
      {create.isError && <ErrorNotice error={create.error} />}
    </>
  );
}
