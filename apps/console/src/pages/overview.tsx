import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api';
import { QueryView } from '../components/states';

export function OverviewPage() {
  const client = useClient();
  const overview = useQuery({
    queryKey: ['stats.overview'],
    queryFn: () => client.stats.overview.query({}),
    refetchInterval: 5_000,
  });
  return (
    <>
      <h1>Overview</h1>
      <QueryView query={overview} what="the overview">
        {(o) => (
          <dl className="tiles">
            <div>
              <dt>Queue depth</dt>
              <dd>{o.queueDepth}</dd>
            </div>
            <div>
              <dt>Deliveries/s</dt>
              <dd>{o.deliveriesPerSecond}</dd>
              <dd className="muted">last {o.windowSeconds} s</dd>
            </div>
            <div>
              <dt>
                <a href="#/dead-letters">Dead letters</a>
              </dt>
              <dd>{o.deadLetters}</dd>
            </div>
            <div>
              <dt>Disabled endpoints</dt>
              <dd>{o.disabledEndpoints}</dd>
              <dd className="muted">of {o.endpoints}</dd>
            </div>
          </dl>
        )}
      </QueryView>
    </>
  );
}
