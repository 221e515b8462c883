import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import {
  createContractValidator,
  type ContractValidator,
  type Exchange,
  type OpenApiDocument,
} from './support/openapi-contract';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * The contract test: every REST operation in the served OpenAPI document is called, successfully and
 * with errors, and every request and response is checked against the document by an independent
 * validator (Ajv, JSON Schema 2020-12), as a client generated from the document would see them.
 */

let hookline: TestHookline;
let receiver: TestReceiver;
let document: OpenApiDocument;
let contract: ContractValidator;

beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
  document = (await (await fetch(`${hookline.url}/api/openapi.json`)).json()) as typeof document;
  contract = createContractValidator(document);
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

type SendOptions = {
  /** The API key; null sends no Authorization header. */
  key?: string | null;
  /** A JSON body, sent as application/json. */
  json?: unknown;
  /** A body sent as it is, with `contentType` if given. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Declare this Content-Length and send no body: the server must refuse it before reading. */
  declaredLength?: number;
};

/** One request over plain HTTP, with full control of its headers (fetch adds a content type of its own). */
function send(method: string, url: string, options: SendOptions = {}): Promise<Exchange> {
  const { key = testAdminKey, json, raw, contentType, declaredLength } = options;
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
  let body: string | undefined;
  if (json !== undefined) {
    body = JSON.stringify(json);
    headers['content-type'] = 'application/json';
  } else if (raw !== undefined) {
    body = raw;
    if (contentType) headers['content-type'] = contentType;
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  if (declaredLength !== undefined) headers['content-length'] = String(declaredLength);
  return new Promise((resolve, reject) => {
    const request = http.request(`${hookline.url}/api/v1${url}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          method,
          url,
          headers,
          body,
          response: {
            status: response.statusCode!,
            contentType: response.headers['content-type'] ?? null,
            text: Buffer.concat(chunks).toString('utf8'),
          },
        });
        request.destroy();
      });
    });
    // The server closes a refused upload early; that is the answer, not a failure.
    request.on('error', (error) => (declaredLength === undefined ? reject(error) : undefined));
    if (declaredLength === undefined) request.end(body);
    else request.flushHeaders();
  });
}

type Case = { status: number; send: () => Promise<Exchange>; why: string };

/** The cases any operation has, from what the document says about it. */
function commonCases(method: string, url: string, isProtected: boolean): Case[] {
  const cases: Case[] = [
    {
      status: 413,
      why: 'a declared Content-Length over the limit',
      send: () => send(method, url, { declaredLength: 50 * 1024 * 1024 }),
    },
  ];
  if (isProtected) cases.push({ status: 401, why: 'no API key', send: () => send(method, url, { key: null }) });
  if (method === 'POST' || method === 'PATCH')
    cases.push({
      status: 415,
      why: 'a body that is not JSON by its content type',
      send: () => send(method, url, { raw: 'name=x', contentType: 'text/plain' }),
    });
  return cases;
}

describe('the served OpenAPI document, checked by an independent validator', () => {
  it('validates every example it gives against the schema it illustrates', () => {
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [type, media] of Object.entries(response.content ?? {})) {
            const example = (media as { example?: unknown }).example;
            expect(example, `${method} ${path} ${status}: no example`).toBeDefined();
            const at = ['paths', path, method, 'responses', status, 'content', type, 'schema']
              .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
              .join('/');
            expect(contract.exampleProblems(at, example), `${method} ${path} ${status}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('matches every request and answer of every operation, successes and errors', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp('contract');
    const appId = app.id;
    const endpoint = await f.makeEndpoint({ appId, url: receiver.url('/contract') });
    const endpointId = endpoint.id;
    const published = await f.publishOrder(appId);
    const eventId = published.id;
    const deliveryId = published.deliveries[0]!.id;
    // An endpoint that is disabled, with a delivery: retry and resend must answer 409 for it.
    const disabled = await f.makeEndpoint({ appId, url: receiver.url('/contract-disabled') });
    const toDisabled = (await f.publishOrder(appId, 'ord_disabled')).deliveries.find(
      (d) => d.endpointId === disabled.id,
    )!;
    await hookline.client.endpoints.update.mutate({ endpointId: disabled.id, enabled: false });
    const appKey = (await hookline.client.apiKeys.create.mutate({ appId, name: 'contract app key' })).key;
    const adminKeys = (await hookline.client.apiKeys.list.query({})).items.filter((k) => k.appId === null);
    const order = { type: 'order.created', version: '1.0', data: orderCreatedV1 };
    const newEndpoint = async () => (await f.makeEndpoint({ appId, url: receiver.url('/contract-more') })).id;
    const newKey = async () => (await hookline.client.apiKeys.create.mutate({ appId, name: 'to revoke' })).id;

    // Operation → its cases beyond the common ones: at least one success and one error each.
    const table: Record<string, Case[]> = {
      'GET /health': [{ status: 200, why: 'up', send: () => send('GET', '/health', { key: null }) }],
      'POST /applications': [
        { status: 200, why: 'created', send: () => send('POST', '/applications', { json: { name: 'x' } }) },
        { status: 400, why: 'empty name', send: () => send('POST', '/applications', { json: { name: '' } }) },
        { status: 400, why: 'no body at all', send: () => send('POST', '/applications') },
        {
          status: 403,
          why: 'an application key',
          send: () => send('POST', '/applications', { key: appKey, json: { name: 'x' } }),
        },
      ],
      'GET /applications': [
        { status: 200, why: 'listed', send: () => send('GET', '/applications?limit=5') },
        { status: 400, why: 'limit 0', send: () => send('GET', '/applications?limit=0') },
      ],
      'GET /applications/{appId}': [
        { status: 200, why: 'found', send: () => send('GET', `/applications/${appId}`) },
        { status: 404, why: 'missing', send: () => send('GET', '/applications/app_missing') },
        { status: 400, why: 'not an id', send: () => send('GET', '/applications/app%20bad') },
      ],
      'POST /applications/{appId}/endpoints': [
        {
          status: 200,
          why: 'created',
          send: () =>
            send('POST', `/applications/${appId}/endpoints`, {
              json: { url: receiver.url('/contract2'), eventTypes: ['order.*'] },
            }),
        },
        {
          status: 400,
          why: 'not an http URL',
          send: () => send('POST', `/applications/${appId}/endpoints`, { json: { url: 'ftp://example.com' } }),
        },
        {
          status: 404,
          why: 'missing application',
          send: () => send('POST', '/applications/app_missing/endpoints', { json: { url: receiver.url('/x') } }),
        },
      ],
      'GET /applications/{appId}/endpoints': [
        { status: 200, why: 'listed', send: () => send('GET', `/applications/${appId}/endpoints`) },
        { status: 400, why: 'limit 0', send: () => send('GET', `/applications/${appId}/endpoints?limit=0`) },
      ],
      'GET /endpoints/{endpointId}': [
        { status: 200, why: 'found', send: () => send('GET', `/endpoints/${endpointId}`) },
        { status: 404, why: 'missing', send: () => send('GET', '/endpoints/ep_missing') },
      ],
      'PATCH /endpoints/{endpointId}': [
        {
          status: 200,
          why: 'updated',
          send: () => send('PATCH', `/endpoints/${endpointId}`, { json: { description: 'updated' } }),
        },
        {
          status: 400,
          why: 'a bad pattern',
          send: () => send('PATCH', `/endpoints/${endpointId}`, { json: { eventTypes: ['Not A Type'] } }),
        },
        { status: 404, why: 'missing', send: () => send('PATCH', '/endpoints/ep_missing', { json: {} }) },
      ],
      'DELETE /endpoints/{endpointId}': [
        {
          status: 200,
          why: 'deleted, no body',
          send: async () => send('DELETE', `/endpoints/${await newEndpoint()}`),
        },
        {
          status: 200,
          why: 'deleted, an empty JSON body',
          send: async () =>
            send('DELETE', `/endpoints/${await newEndpoint()}`, { raw: '', contentType: 'application/json' }),
        },
        { status: 404, why: 'missing', send: () => send('DELETE', '/endpoints/ep_missing') },
      ],
      'GET /endpoints/{endpointId}/secret': [
        { status: 200, why: 'found', send: () => send('GET', `/endpoints/${endpointId}/secret`) },
        { status: 404, why: 'missing', send: () => send('GET', '/endpoints/ep_missing/secret') },
      ],
      'POST /endpoints/{endpointId}/secret/rotate': [
        {
          status: 200,
          why: 'rotated with a grace period',
          send: () => send('POST', `/endpoints/${endpointId}/secret/rotate`, { json: { graceSeconds: 60 } }),
        },
        {
          status: 200,
          why: 'rotated with the defaults: no body, no content type',
          send: () => send('POST', `/endpoints/${endpointId}/secret/rotate`),
        },
        {
          status: 400,
          why: 'grace beyond the maximum',
          send: () => send('POST', `/endpoints/${endpointId}/secret/rotate`, { json: { graceSeconds: 8 * 24 * 3600 } }),
        },
        { status: 404, why: 'missing', send: () => send('POST', '/endpoints/ep_missing/secret/rotate') },
      ],
      'POST /applications/{appId}/events': [
        { status: 200, why: 'published', send: () => send('POST', `/applications/${appId}/events`, { json: order }) },
        {
          status: 200,
          why: 'published with an Idempotency-Key header',
          send: () =>
            send('POST', `/applications/${appId}/events`, {
              json: order,
              headers: { 'Idempotency-Key': 'contract-1' },
            }),
        },
        {
          status: 400,
          why: 'data that breaks its schema',
          send: () =>
            send('POST', `/applications/${appId}/events`, {
              json: { ...order, data: { ...orderCreatedV1, amount: 'x' } },
            }),
        },
        {
          status: 400,
          why: 'a header key that differs from the body key',
          send: () =>
            send('POST', `/applications/${appId}/events`, {
              json: { ...order, idempotencyKey: 'body-key' },
              headers: { 'Idempotency-Key': 'header-key' },
            }),
        },
        {
          status: 400,
          why: 'JSON that does not parse',
          send: () =>
            send('POST', `/applications/${appId}/events`, { raw: '{"type":', contentType: 'application/json' }),
        },
        {
          status: 404,
          why: 'missing application',
          send: () => send('POST', '/applications/app_missing/events', { json: order }),
        },
      ],
      'POST /applications/{appId}/events/batch': [
        {
          status: 200,
          why: 'published',
          send: () => send('POST', `/applications/${appId}/events/batch`, { json: { events: [order] } }),
        },
        {
          status: 400,
          why: 'no events',
          send: () => send('POST', `/applications/${appId}/events/batch`, { json: { events: [] } }),
        },
      ],
      'GET /applications/{appId}/events': [
        {
          status: 200,
          why: 'listed',
          send: () => send('GET', `/applications/${appId}/events?type=order.created&limit=2`),
        },
        { status: 404, why: 'missing application', send: () => send('GET', '/applications/app_missing/events') },
      ],
      'GET /events/{eventId}': [
        { status: 200, why: 'found', send: () => send('GET', `/events/${eventId}`) },
        { status: 404, why: 'missing', send: () => send('GET', '/events/evt_missing') },
      ],
      'POST /events/{eventId}/resend': [
        { status: 200, why: 'resent', send: () => send('POST', `/events/${eventId}/resend`, { json: { endpointId } }) },
        {
          status: 409,
          why: 'a disabled endpoint',
          send: () => send('POST', `/events/${eventId}/resend`, { json: { endpointId: disabled.id } }),
        },
        {
          status: 404,
          why: 'missing endpoint',
          send: () => send('POST', `/events/${eventId}/resend`, { json: { endpointId: 'ep_missing' } }),
        },
      ],
      'GET /deliveries': [
        { status: 200, why: 'listed', send: () => send('GET', `/deliveries?eventId=${eventId}`) },
        { status: 400, why: 'an unknown status', send: () => send('GET', '/deliveries?status=lost') },
      ],
      'GET /deliveries/{deliveryId}': [
        { status: 200, why: 'found', send: () => send('GET', `/deliveries/${deliveryId}`) },
        { status: 404, why: 'missing', send: () => send('GET', '/deliveries/dlv_missing') },
      ],
      'POST /deliveries/{deliveryId}/retry': [
        { status: 200, why: 'no body, no content type', send: () => send('POST', `/deliveries/${deliveryId}/retry`) },
        {
          status: 200,
          why: 'an empty JSON body',
          send: () => send('POST', `/deliveries/${deliveryId}/retry`, { raw: '', contentType: 'application/json' }),
        },
        { status: 404, why: 'missing', send: () => send('POST', '/deliveries/dlv_missing/retry') },
        { status: 409, why: 'a disabled endpoint', send: () => send('POST', `/deliveries/${toDisabled.id}/retry`) },
      ],
      'GET /event-types': [{ status: 200, why: 'listed', send: () => send('GET', '/event-types') }],
      'GET /event-types/{type}': [
        { status: 200, why: 'found', send: () => send('GET', '/event-types/order.created') },
        { status: 404, why: 'unknown type', send: () => send('GET', '/event-types/order.shipped') },
      ],
      'POST /api-keys': [
        { status: 200, why: 'created', send: () => send('POST', '/api-keys', { json: { appId, name: 'rest key' } }) },
        { status: 400, why: 'empty name', send: () => send('POST', '/api-keys', { json: { appId, name: '' } }) },
        {
          status: 403,
          why: 'an application key asking for an admin key',
          send: () => send('POST', '/api-keys', { key: appKey, json: { appId: null, name: 'admin' } }),
        },
      ],
      'GET /api-keys': [
        { status: 200, why: 'listed', send: () => send('GET', `/api-keys?appId=${appId}`) },
        { status: 404, why: 'missing application', send: () => send('GET', '/api-keys?appId=app_missing') },
      ],
      'POST /api-keys/{keyId}/revoke': [
        {
          status: 200,
          why: 'no body, no content type',
          send: async () => send('POST', `/api-keys/${await newKey()}/revoke`),
        },
        {
          status: 200,
          why: 'an empty JSON body',
          send: async () =>
            send('POST', `/api-keys/${await newKey()}/revoke`, { raw: '', contentType: 'application/json' }),
        },
        { status: 404, why: 'missing', send: () => send('POST', '/api-keys/key_missing/revoke') },
        {
          status: 409,
          why: 'the last admin key',
          send: () => send('POST', `/api-keys/${adminKeys[0]!.id}/revoke`),
        },
      ],
      'GET /stats/overview': [
        { status: 200, why: 'counted', send: () => send('GET', `/stats/overview?appId=${appId}`) },
        { status: 404, why: 'a missing application', send: () => send('GET', '/stats/overview?appId=app_missing') },
      ],
      'GET /stats/tables': [
        { status: 200, why: 'measured', send: () => send('GET', '/stats/tables') },
        { status: 403, why: 'not an admin key', send: () => send('GET', '/stats/tables', { key: appKey }) },
      ],
      'GET /dead-letters': [
        { status: 200, why: 'listed', send: () => send('GET', `/dead-letters?appId=${appId}&limit=10`) },
        { status: 400, why: 'not a time', send: () => send('GET', '/dead-letters?since=yesterday') },
      ],
      'POST /dead-letters/replay': [
        {
          status: 200,
          why: 'a dry run',
          send: () => send('POST', '/dead-letters/replay', { json: { filter: { appId }, dryRun: true } }),
        },
        { status: 400, why: 'neither ids nor filter', send: () => send('POST', '/dead-letters/replay', { json: {} }) },
      ],
    };

    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        // A concrete URL for the common cases: any id will do, they are refused before it matters.
        url: path.replace(/\{[^}]+\}/g, 'x_1'),
        isProtected: Boolean((operation as { security?: unknown[] }).security?.length),
      })),
    );
    expect(Object.keys(table).sort(), 'every operation in the document needs a row here').toEqual(
      operations.map((o) => o.name).sort(),
    );
    expect(adminKeys, 'the 409 case revokes the only admin key').toHaveLength(1);

    const validated = new Set<string>();
    let exchanges = 0;
    const problems: string[] = [];
    for (const operation of operations) {
      const cases = [...table[operation.name]!, ...commonCases(operation.method, operation.url, operation.isProtected)];
      expect(cases.some((c) => c.status === 200) && cases.some((c) => c.status >= 400), operation.name).toBe(true);
      for (const { status, why, send: sendCase } of cases) {
        const exchange = await sendCase();
        const label = `${operation.name} (${why})`;
        expect(exchange.response.status, `${label}: ${exchange.response.text}`).toBe(status);
        expect(contract.match(exchange.method, new URL(exchange.url, 'http://x').pathname)?.template).toBe(
          operation.name.split(' ')[1],
        );
        // A success must have been a valid request; an error case is usually invalid on purpose.
        if (status < 400) problems.push(...contract.requestProblems(exchange).map((p) => `${label} request: ${p}`));
        problems.push(...contract.responseProblems(exchange).map((p) => `${label} response: ${p}`));
        validated.add(`${operation.name} ${status}`);
        exchanges++;
      }
    }
    expect(problems).toEqual([]);
    // The closing note quotes this count: operations × statuses, each checked against the document.
    console.log(
      `contract: ${operations.length} operations, ${validated.size} (operation, status) pairs, ${exchanges} exchanges validated`,
    );
  });

  it('finds a request the document does not allow, as a check that the validator checks', async () => {
    const app = await fixtures(hookline).makeApp('contract-negative');
    const exchange = await send('POST', `/applications/${app.id}/events?extra=1`, {
      json: { type: 'order.created', version: '1.0', data: {}, unknown: true },
    });
    expect(contract.requestProblems(exchange)).toEqual(
      expect.arrayContaining([expect.stringMatching(/query extra is not declared/)]),
    );
    const noBody = await send('POST', '/applications');
    expect(contract.requestProblems(noBody)).toEqual(['the request body is required']);
    expect(
      contract.responseProblems({ ...noBody, response: { status: 418, contentType: 'application/json', text: '{}' } }),
    ).toEqual(['status 418 is not declared for applications-create']);
    expect(
      contract.responseProblems({
        ...noBody,
        response: { status: 400, contentType: 'application/json', text: '{"code":"validation"}' },
      }),
    ).toEqual([expect.stringMatching(/400 body .*message/)]);
  });
});
