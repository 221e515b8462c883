import type { Log } from '@hookline/log';
import type { Database } from '@hookline/db';
import type { QueueClient } from '@hookline/queue';
import type { Principal } from './auth/api-keys';

/** What the API's business functions need; passed in so tests can build it over a test database. */
export type ApiDeps = {
  db: Database;
  boss: QueueClient;
  log: Log;
  /** Where operational events go (an operator disabling an endpoint); null sends none. */
  operatorAppId: string | null;
};

export type Context = ApiDeps & {
  /** Null when the request carried no valid key; protected procedures reject it. */
  principal: Principal | null;
  /** Set when the key was present but unknown or revoked, to say so in the 401. */
  authProblem: string | null;
};
