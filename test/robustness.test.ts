import { buildOpenApiDocument } from '@hookline/api/openapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { callRaw, listProcedures, type ProcedureInfo, type RawResponse } from './support/procedures';
import { orderCreatedV1 } from './support/fixtures';
import { createRealIds, validInputsFor, type RealIds } from './support/valid-inputs';

/**
 * Random and malformed input to every procedure over HTTP, as a careless or hostile client would
 * send it. The rules: never a 5xx, a refused request changes no row, and the server still answers.
 * Run time is bounded by the number of runs (40 per procedure: about 900 requests, a few seconds).
 */
const runsPerProcedure = 40;

let hookline: TestHookline;
let appKey: string;
let real: RealIds;

beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  real = await createRealIds(hookline, 'fuzz');
  appKey = (await hookline.client.apiKeys.create.mutate({ appId: real.appId, name: 'fuzz' })).key;
});
afterAll(() => hookline?.stop());

// Strings that have broken servers before: NUL, unpaired surrogates, prototype keys, SQL and path tricks.
const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'ep_\u0000',
  '\ud800',
  'a\udfffb',
  '__proto__',
  'constructor',
  'toString',
  "'; drop table events; --",
  '../../etc/passwd',
  '%00',
  '😀'.repeat(50),
  'x'.repeat(10_000),
  'http://169.254.169.254/',
  'javascript:alert(1)',
];
// Far over any field's maximum; the second is over the 256 KiB body limit as well.
const hugeStrings = ['y'.repeat(100_000), 'z'.repeat(300_000)];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 1, arbitrary: fc.constantFrom(...hugeStrings) },
);
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1e308, -0, Number.MAX_SAFE_INTEGER + 2));
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: anyString },
  { weight: 1, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 5 }) },
);

// Every input field any procedure takes, and garbage of every kind for it, plus real ids so the
// checks behind the shape checks (scope, SSRF, payload schemas) get reached too.
const fieldNames = [
  'appId',
  'endpointId',
  'eventId',
  'deliveryId',
  'keyId',
  'url',
  'name',
  'description',
  'type',
  'version',
  'data',
  'events',
  'idempotencyKey',
  'eventTypes',
  'retrySchedule',
  'enabled',
  'signing',
  'graceSeconds',
  'cursor',
  'limit',
  'status',
  'ids',
  'filter',
  'rateLimit',
  'maxInFlight',
  'dryRun',
  'since',
  'until',
  '__proto__',
  'constructor',
];
const fieldValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: anyValue },
    // Mapped lazily: the real ids exist only once beforeAll has run.
    {
      weight: 2,
      arbitrary: fc.constantFrom('appId', 'endpointId', 'eventId', 'deliveryId', 'keyId' as const).map((k) => real[k]),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'order.created',
        '1.0',
        'hmac',
        'ed25519',
        'pending',
        'http://127.0.0.1:9/x',
        'http://10.0.0.1/',
      ),
    },
    { weight: 1, arbitrary: fc.constant(orderCreatedV1) },
    { weight: 1, arbitrary: fc.record({ orderId: anyValue, amount: anyValue, items: anyValue }, { requiredKeys: [] }) },
  );
const objectInput = fc.dictionary(fc.constantFrom(...fieldNames), fieldValue(), { maxKeys: 6 });

// Bodies that are not what the declared content says.
const garbageBodies = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '{',
    '{"appId":',
    'null',
    '[]',
    '"str"',
    '{"json":',
    '\u0000',
    '{"appId":"a","appId":"b"}',
    '{"__proto__":{"admin":true}}',
  ),
  // Deep nesting: recursive parsers and validators run out of stack on this.
  fc.constantFrom(
    '['.repeat(20_000) + ']'.repeat(20_000),
    '{"data":' + '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000) + '}',
  ),
);

const validInputs = validInputsFor(() => real);

type Shot = { input: unknown; rawBody?: string; method?: string; auth: 'admin' | 'app' | 'none' | 'garbage' };
const shotFor = (path: string): fc.Arbitrary<Shot> => {
  const nearlyValid = fc
    .dictionary(fc.constantFrom(...fieldNames), fieldValue(), { minKeys: 1, maxKeys: 2 })
    .map((overrides) => ({ ...(validInputs[path]?.() ?? {}), ...overrides }));
  return fc.record({
    input: fc.oneof(
      { weight: 4, arbitrary: nearlyValid },
      { weight: 2, arbitrary: objectInput },
      { weight: 1, arbitrary: anyValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    // Mostly a body that matches the input and the right method, so the shots reach the procedure.
    rawBody: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: garbageBodies }),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST') },
    ),
    auth: fc.constantFrom('admin', 'admin', 'admin', 'app', 'none', 'garbage'),
  });
};

const apiKeyFor = (auth: Shot['auth']) =>
  ({ admin: testAdminKey, app: appKey, none: undefined, garbage: 'hk_\u00ffnot a key' })[auth];

async function rowCounts() {
  const [row] = await hookline.sql`
    select (select count(*)::int from applications) as applications, (select count(*)::int from api_keys) as api_keys,
           (select count(*)::int from endpoints) as endpoints, (select count(*)::int from events) as events,
           (select count(*)::int from deliveries) as deliveries, (select count(*)::int from attempts) as attempts,
           (select count(*)::int from pgboss.job) as jobs,
           (select md5(coalesce(string_agg(to_jsonb(e)::text, '' order by id), '')) from endpoints e) as endpoint_rows,
           (select md5(coalesce(string_agg(to_jsonb(k)::text, '' order by id), '')) from api_keys k) as key_rows`;
  return row;
}

async function fire(procedure: ProcedureInfo, s: Shot): Promise<RawResponse> {
  try {
    return await callRaw(hookline.url, {
      path: procedure.path,
      type: procedure.type,
      apiKey: apiKeyFor(s.auth),
      input: s.input,
      rawBody: s.rawBody,
      method: s.method,
    });
  } catch (error) {
    // fetch refuses some inputs itself (e.g. a header value it cannot send): nothing reached the server.
    if (error instanceof TypeError && !(error as { cause?: unknown }).cause)
      return { status: 0, body: null, text: String(error) };
    throw error;
  }
}

describe('robustness: random and malformed input over HTTP', () => {
  it.each(listProcedures())('$path never answers 5xx and never half-writes', async (procedure) => {
    await fc.assert(
      fc.asyncProperty(shotFor(procedure.path), async (s) => {
        const before = await rowCounts();
        const response = await fire(procedure, s);
        expect(
          response.status,
          `${procedure.path} answered ${response.status}: ${response.text.slice(0, 500)}`,
        ).toBeLessThan(500);
        if (response.status >= 400 || response.status === 0) expect(await rowCounts()).toEqual(before);
      }),
      { numRuns: runsPerProcedure },
    );
  });

  // The REST face parses paths and query strings its own way (trpc-to-openapi): the same rules hold there.
  const restOperations = Object.entries(buildOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => ({ method: method.toUpperCase(), path })),
  );
  const pathValue = fc.oneof(
    {
      weight: 2,
      arbitrary: fc.constantFrom('appId', 'endpointId', 'eventId', 'deliveryId', 'keyId' as const).map((k) => real[k]),
    },
    // A URL cannot carry an unpaired surrogate (encodeURIComponent refuses it), so neither can a client.
    {
      weight: 3,
      arbitrary: anyString.filter(
        (v) => v.length < 2_000 && (v as string & { isWellFormed(): boolean }).isWellFormed(),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('order.created', '..', '%2e%2e', '%00', '__proto__') },
  );

  it.each(restOperations)('REST $method $path never answers 5xx and never half-writes', async ({ method, path }) => {
    await fc.assert(
      fc.asyncProperty(
        pathValue,
        objectInput,
        fc.oneof(fc.constant(undefined), garbageBodies),
        fc.constantFrom('admin', 'app', 'none') as fc.Arbitrary<Shot['auth']>,
        async (param, input, rawBody, auth) => {
          const before = await rowCounts();
          // Path parameters are URL-encoded the way a client library would; what the server decodes is its problem.
          const filled = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(String(param)));
          const pairs = Object.entries(input).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
          ]);
          const query = method === 'GET' ? `?${new URLSearchParams(pairs).toString()}` : '';
          const key = apiKeyFor(auth);
          const response = await fetch(`${hookline.url}/api/v1${filled}${query}`, {
            method,
            headers: {
              ...(key ? { authorization: `Bearer ${key}` } : {}),
              ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
            },
            body: method === 'GET' ? undefined : (rawBody ?? JSON.stringify(input)),
          });
          const text = await response.text();
          expect(
            response.status,
            `${method} ${filled} answered ${response.status}: ${text.slice(0, 500)}`,
          ).toBeLessThan(500);
          if (response.status >= 400) expect(await rowCounts()).toEqual(before);
        },
      ),
      { numRuns: runsPerProcedure / 2 },
    );
  });

  it('answers the classic malformed payloads with a 400 that names the field, storing nothing', async () => {
    const publish = (data: string) => `{"appId":"${real.appId}","type":"order.created","version":"1.0","data":${data}}`;
    const cases: { path: string; rawBody: string; message: RegExp }[] = [
      // ~120,000 levels: within the body limit, far past any recursive walker's stack.
      {
        path: 'events.publish',
        rawBody: publish('['.repeat(120_000) + ']'.repeat(120_000)),
        message: /^data\.0\.0.*: is nested more than 32 levels deep/,
      },
      {
        path: 'events.publish',
        rawBody: publish('{"a":'.repeat(40) + '1' + '}'.repeat(40)),
        message: /^data\.a\.a\.a.*: is nested more than 32 levels deep/,
      },
      {
        path: 'events.publish',
        rawBody: publish('{"orderId":"a\\u0000b"}'),
        message: /^data\.orderId: contains a NUL character/,
      },
      {
        path: 'events.publish',
        rawBody: publish('{"orderId":"\\ud800"}'),
        message: /^data\.orderId: contains .* an unpaired surrogate/,
      },
      {
        path: 'events.publish',
        rawBody: publish('{"a\\u0000":1}'),
        // eslint-disable-next-line no-control-regex -- the message names the NUL key as sent
        message: /^data\.a\u0000: has a key with a NUL character/,
      },
      {
        path: 'events.publish',
        rawBody: `{"appId":"app_\\u0000","type":"order.created","version":"1.0","data":{}}`,
        message: /^appId: must be an id/,
      },
      {
        path: 'applications.create',
        rawBody: '{"name":"a\\u0000b"}',
        message: /^name: must not contain the NUL character/,
      },
      {
        path: 'endpoints.create',
        rawBody: `{"appId":"${real.appId}","url":"http://127.0.0.1:9/","description":"\\u0000"}`,
        message: /^description: must not contain the NUL/,
      },
      { path: 'events.publish', rawBody: '{"appId":', message: /JSON/ },
      { path: 'events.publish', rawBody: '', message: /./ },
      // Batching is off: one request runs one procedure.
      {
        path: 'applications.create,applications.create?batch=1',
        rawBody: '{"0":{"name":"a"},"1":{"name":"b"}}',
        message: /[Bb]atch/,
      },
    ];
    for (const { path, rawBody, message } of cases) {
      const before = await rowCounts();
      const response = await callRaw(hookline.url, { path, type: 'mutation', apiKey: testAdminKey, rawBody });
      expect(response.status, `${path} ${rawBody.slice(0, 80)} → ${response.text.slice(0, 300)}`).toBe(400);
      expect((response.body as { error: { message: string } }).error.message).toMatch(message);
      expect(await rowCounts()).toEqual(before);
    }
  });

  it('still answers health afterwards', async () => {
    expect((await fetch(`${hookline.url}/health`)).status).toBe(200);
    const trpcHealth = await callRaw(hookline.url, { path: 'health', type: 'query' });
    expect(trpcHealth.body).toMatchObject({ result: { data: { status: 'ok' } } });
    // And it still serves real data (the fuzzing may have deleted endpoints on purpose; applications cannot be).
    expect((await hookline.client.applications.get.query({ appId: real.appId })).id).toBe(real.appId);
  });
});
