import { createLogger } from '@hookline/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';
import { callRaw, listProcedures } from './support/procedures';
import { createRealIds, validInputsFor, type RealIds } from './support/valid-inputs';

/**
 * Values PostgreSQL refuses (a NUL character, an unpaired surrogate, year 0000, a cursor that fits the
 * pattern but not the ::uuid or ::timestamptz cast) used to reach it, and its error (the SQL and every
 * bound parameter, customer payloads included) went to the caller and to the log. Each is now refused
 * at the edge; whatever still reached PostgreSQL would be answered and logged without its text.
 */
const marker = 'customer-payload-marker-7f3a';
const refusedValues = [
  '\u0000',
  `x\u0000${marker}`,
  '\ud800',
  `${marker}\udfff`,
  '0000-01-01T00:00:00Z',
  '2025-13-45T99:99:99.000000Z_------------------------------------',
  '0000-01-01T00:00:00.000000Z_00000000-0000-0000-0000-000000000000',
];
const sqlText = /select |insert into|update "|delete from|failed query|params:|pgboss|\$1/i;

let hookline: TestHookline;
let real: RealIds;
const logLines: string[] = [];

beforeAll(async () => {
  hookline = await startHookline({
    worker: false,
    api: { log: createLogger('api', { level: 'debug', write: (line) => void logLines.push(line) }) },
  });
  real = await createRealIds(hookline, 'database text');
});
afterAll(() => hookline?.stop());

/** Every string-valued field of an input, nested ones (filter.type, events.0.idempotencyKey) included. */
function withEachStringReplaced(input: unknown, value: string): unknown[] {
  const variants: unknown[] = [];
  const walk = (node: unknown, rebuild: (replacement: unknown) => unknown) => {
    if (typeof node === 'string') variants.push(rebuild(value));
    else if (Array.isArray(node))
      node.forEach((item, i) => walk(item, (r) => rebuild(node.map((x, j) => (j === i ? r : x)))));
    else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) walk(item, (r) => rebuild({ ...node, [key]: r }));
    }
  };
  walk(input, (r) => r);
  return variants;
}

// Fields a valid input leaves out but a caller may send: each gets the refused values too.
const optionalStringFields: Record<string, Record<string, unknown>> = {
  'events.list': { type: 'x', cursor: 'x' },
  'deadLetters.list': { type: 'x', since: 'x', until: 'x', cursor: 'x' },
  'deadLetters.replay': { filter: { type: 'x', since: 'x', until: 'x' }, dryRun: true },
  'events.publish': { idempotencyKey: 'x', data: { ...orderCreatedV1, orderId: 'x' } },
  'events.publishBatch': {
    events: [
      { type: 'order.created', version: '1.0', data: orderCreatedV1, idempotencyKey: 'x' },
      { type: 'order.created', version: '1.0', data: orderCreatedV1, idempotencyKey: 'y' },
    ],
  },
  'apiKeys.list': { cursor: 'x' },
  'deliveries.list': { cursor: 'x' },
  'endpoints.list': { cursor: 'x' },
  'applications.list': { cursor: 'x' },
  'endpoints.update': { url: 'http://127.0.0.1:9/x', description: 'x' },
  'endpoints.create': { description: 'x' },
};

describe('no database text reaches a caller or a log line', () => {
  it('every procedure, every string input, every value PostgreSQL refuses', async () => {
    const valid = validInputsFor(() => real);
    let calls = 0;
    for (const procedure of listProcedures()) {
      const base = { ...(valid[procedure.path]?.() ?? {}), ...optionalStringFields[procedure.path] };
      for (const value of refusedValues) {
        for (const input of withEachStringReplaced(base, value)) {
          const answer = await callRaw(hookline.url, { ...procedure, apiKey: testAdminKey, input });
          calls++;
          expect(answer.status, `${procedure.path} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          expect(answer.text, procedure.path).not.toMatch(sqlText);
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    const log = logLines.join('\n');
    expect(log).not.toMatch(sqlText);
    expect(log).not.toContain(marker);
  });

  it('on the REST face too: the filters and cursors of the issue', async () => {
    const paths = [
      '/api/v1/dead-letters?type=%00',
      '/api/v1/dead-letters?since=0000-01-01T00:00:00Z',
      `/api/v1/dead-letters?cursor=${encodeURIComponent(refusedValues[5]!)}`,
      `/api/v1/dead-letters?cursor=${encodeURIComponent(refusedValues[6]!)}`,
      `/api/v1/applications/${real.appId}/events?type=%00`,
    ];
    for (const path of paths) {
      const response = await fetch(`${hookline.url}${path}`, { headers: { authorization: `Bearer ${testAdminKey}` } });
      const text = await response.text();
      expect(response.status, `${path}: ${text}`).toBe(400);
      expect(text, path).not.toMatch(sqlText);
    }
    const batch = await fetch(`${hookline.url}/api/v1/applications/${real.appId}/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: `{"events":[{"type":"order.created","version":"1.0","data":${JSON.stringify({ ...orderCreatedV1, orderId: marker })},"idempotencyKey":"\\ud800"}]}`,
    });
    const text = await batch.text();
    expect(batch.status, text).toBe(400);
    expect(text).not.toMatch(sqlText);
    expect(text).not.toContain(marker);
    expect(logLines.join('\n')).not.toContain(marker);
  });
});
