import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { appRouter } from '@hookline/api';
import { buildOpenApiDocument } from '@hookline/api/openapi';
import { createHooklineRestClient } from '@hookline/client';
import { generatedFiles } from '@hookline/client/generate';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { orderCreatedV1 } from './support/fixtures';

const orderCreated = orderCreatedV1;

let hookline: TestHookline;
let receiver: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

async function call(
  method: string,
  path: string,
  { body, key = testAdminKey }: { body?: unknown; key?: string | null } = {},
) {
  const response = await fetch(`${hookline.url}/api/v1${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by an independent validator', async () => {
    const served = (await (await fetch(`${hookline.url}/api/openapi.json`)).json()) as { openapi: string };
    const result = await new Validator().validate(served as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(served.openapi).toBe('3.1.0');
  });

  it('has a REST operation for every procedure of the router', () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { meta?: { openapi?: unknown } } }
    >;
    const withoutRest = Object.entries(procedures)
      .filter(([, p]) => !p._def.meta?.openapi)
      .map(([name]) => name);
    expect(withoutRest, 'add .meta(rest(…)) to these procedures').toEqual([]);
  });

  it('gives every operation an id, a summary, error responses and the bearer scheme', () => {
    const document = buildOpenApiDocument();
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, op] of Object.entries(
        item as Record<string, { operationId?: string; summary?: string; responses: object }>,
      )) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses).filter((s) => Number(s) >= 400).length, `${method} ${path}`).toBeGreaterThan(
          0,
        );
      }
    }
    const schemas = Object.keys(document.components?.schemas ?? {});
    expect(schemas).toEqual(
      expect.arrayContaining(['Error', 'WebhookEnvelope', 'OrderCreatedV1_0', 'OrderCreatedV2_0']),
    );
    const publish = (
      document.paths?.['/applications/{appId}/events'] as {
        post: { requestBody: { content: Record<string, { example: unknown }> } };
      }
    ).post;
    expect(publish.requestBody.content['application/json']!.example).toMatchObject({
      type: 'order.created',
      version: '1.0',
    });
  });

  it('matches the committed generated files (npm run gen)', async () => {
    for (const file of await generatedFiles(buildOpenApiDocument())) {
      expect(await readFile(file.path, 'utf8'), `${file.path} is stale: run npm run gen`).toBe(file.content);
    }
  });

  it('is rendered at /docs by a renderer this server serves, no CDN (reference-page.test.ts opens it in Chromium)', async () => {
    const response = await fetch(`${hookline.url}/docs`);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('/api/openapi.json');
    expect(html).not.toMatch(/https?:\/\//);
  });
});

describe('every REST operation, over HTTP', () => {
  it('answers each operation in the document, and its errors, with the one error shape', async () => {
    const app = await call('POST', '/applications', { body: { name: 'rest' } });
    expect(app.status).toBe(200);
    const appId = app.body.id;
    const endpoint = await call('POST', `/applications/${appId}/endpoints`, { body: { url: receiver.url('/rest') } });
    const endpointId = endpoint.body.id;
    const published = await call('POST', `/applications/${appId}/events`, {
      body: { type: 'order.created', version: '1.0', data: orderCreated },
    });
    const eventId = published.body.id;
    const deliveryId = published.body.deliveries[0].id;

    // One row per operation: a call that succeeds and one that fails, with the failure's status and code.
    const cases: Record<
      string,
      { ok: () => ReturnType<typeof call>; bad: () => ReturnType<typeof call>; badStatus: number; badCode: string }
    > = {
      'GET /health': {
        ok: () => call('GET', '/health', { key: null }),
        bad: () => call('POST', '/health', { key: null }),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /applications': {
        ok: () => call('POST', '/applications', { body: { name: 'x' } }),
        bad: () => call('POST', '/applications', { body: { name: '' } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /applications': {
        ok: () => call('GET', '/applications?limit=5'),
        bad: () => call('GET', '/applications', { key: 'hk_wrong' }),
        badStatus: 401,
        badCode: 'unauthorized',
      },
      'GET /applications/{appId}': {
        ok: () => call('GET', `/applications/${appId}`),
        bad: () => call('GET', '/applications/app_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /applications/{appId}/endpoints': {
        ok: () =>
          call('POST', `/applications/${appId}/endpoints`, {
            body: { url: receiver.url('/rest2'), eventTypes: ['order.*'] },
          }),
        bad: () => call('POST', `/applications/${appId}/endpoints`, { body: { url: 'ftp://example.com' } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /applications/{appId}/endpoints': {
        ok: () => call('GET', `/applications/${appId}/endpoints`),
        bad: () => call('GET', `/applications/${appId}/endpoints?limit=0`),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /endpoints/{endpointId}': {
        ok: () => call('GET', `/endpoints/${endpointId}`),
        bad: () => call('GET', '/endpoints/ep_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'PATCH /endpoints/{endpointId}': {
        ok: () => call('PATCH', `/endpoints/${endpointId}`, { body: { description: 'updated' } }),
        bad: () => call('PATCH', `/endpoints/${endpointId}`, { body: { eventTypes: ['Not A Type'] } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'DELETE /endpoints/{endpointId}': {
        ok: async () =>
          call(
            'DELETE',
            `/endpoints/${(await call('POST', `/applications/${appId}/endpoints`, { body: { url: receiver.url('/gone') } })).body.id}`,
          ),
        bad: () => call('DELETE', '/endpoints/ep_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /applications/{appId}/events': {
        ok: () =>
          call('POST', `/applications/${appId}/events`, {
            body: { type: 'order.created', version: '1.0', data: orderCreated },
          }),
        bad: () =>
          call('POST', `/applications/${appId}/events`, {
            body: { type: 'order.created', version: '1.0', data: { ...orderCreated, amount: 'x' } },
          }),
        badStatus: 400,
        badCode: 'validation',
      },
      'POST /applications/{appId}/events/batch': {
        ok: () =>
          call('POST', `/applications/${appId}/events/batch`, {
            body: { events: [{ type: 'order.created', version: '1.0', data: orderCreated }] },
          }),
        bad: () => call('POST', `/applications/${appId}/events/batch`, { body: { events: [] } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /applications/{appId}/events': {
        ok: () => call('GET', `/applications/${appId}/events?type=order.created&limit=2`),
        bad: () => call('GET', '/applications/app_missing/events'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'GET /events/{eventId}': {
        ok: () => call('GET', `/events/${eventId}`),
        bad: () => call('GET', '/events/evt_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'GET /deliveries': {
        ok: () => call('GET', `/deliveries?eventId=${eventId}`),
        bad: () => call('GET', '/deliveries?status=lost'),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /deliveries/{deliveryId}': {
        ok: () => call('GET', `/deliveries/${deliveryId}`),
        bad: () => call('GET', '/deliveries/dlv_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'GET /event-types': {
        ok: () => call('GET', '/event-types'),
        bad: () => call('GET', '/event-types', { key: null }),
        badStatus: 401,
        badCode: 'unauthorized',
      },
      'GET /event-types/{type}': {
        ok: () => call('GET', '/event-types/order.created'),
        bad: () => call('GET', '/event-types/order.shipped'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'GET /endpoints/{endpointId}/secret': {
        ok: () => call('GET', `/endpoints/${endpointId}/secret`),
        bad: () => call('GET', '/endpoints/ep_missing/secret'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /endpoints/{endpointId}/secret/rotate': {
        ok: () => call('POST', `/endpoints/${endpointId}/secret/rotate`, { body: { graceSeconds: 60 } }),
        bad: () => call('POST', `/endpoints/${endpointId}/secret/rotate`, { body: { graceSeconds: 8 * 24 * 3600 } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'POST /api-keys': {
        ok: () => call('POST', '/api-keys', { body: { appId, name: 'rest key' } }),
        bad: () => call('POST', '/api-keys', { body: { appId, name: '' } }),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /api-keys': {
        ok: () => call('GET', `/api-keys?appId=${appId}`),
        bad: () => call('GET', '/api-keys?appId=app_missing'),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /api-keys/{keyId}/revoke': {
        ok: async () =>
          call(
            'POST',
            `/api-keys/${(await call('POST', '/api-keys', { body: { appId, name: 'to revoke' } })).body.id}/revoke`,
            { body: {} },
          ),
        bad: () => call('POST', '/api-keys/key_missing/revoke', { body: {} }),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /deliveries/{deliveryId}/retry': {
        ok: () => call('POST', `/deliveries/${deliveryId}/retry`, { body: {} }),
        bad: () => call('POST', '/deliveries/dlv_missing/retry', { body: {} }),
        badStatus: 404,
        badCode: 'not_found',
      },
      'POST /events/{eventId}/resend': {
        ok: () => call('POST', `/events/${eventId}/resend`, { body: { endpointId } }),
        bad: () => call('POST', `/events/${eventId}/resend`, { body: { endpointId: 'ep_missing' } }),
        badStatus: 404,
        badCode: 'not_found',
      },
      'GET /stats/tables': {
        ok: () => call('GET', '/stats/tables'),
        bad: () => call('GET', '/stats/tables', { key: null }),
        badStatus: 401,
        badCode: 'unauthorized',
      },
      'GET /dead-letters': {
        ok: () => call('GET', `/dead-letters?appId=${appId}&limit=10`),
        bad: () => call('GET', '/dead-letters?since=yesterday'),
        badStatus: 400,
        badCode: 'validation',
      },
      'POST /dead-letters/replay': {
        ok: () => call('POST', '/dead-letters/replay', { body: { filter: { appId }, dryRun: true } }),
        bad: () => call('POST', '/dead-letters/replay', { body: {} }),
        badStatus: 400,
        badCode: 'validation',
      },
      'GET /stats/overview': {
        ok: () => call('GET', `/stats/overview?appId=${appId}`),
        bad: () => call('GET', '/stats/overview?appId=app_0000000000ZZZZZZZZZZZZZZZZ'),
        badStatus: 404,
        badCode: 'not_found',
      },
    };

    const documented = Object.entries(buildOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(Object.keys(cases).sort()).toEqual(documented.sort());

    for (const [operation, { ok, bad, badStatus, badCode }] of Object.entries(cases)) {
      const good = await ok();
      expect(good.status, `${operation}: ${JSON.stringify(good.body)}`).toBe(200);
      const failed = await bad();
      expect(failed.status, `${operation} (error case)`).toBe(badStatus);
      expect(failed.body, operation).toMatchObject({ code: badCode, message: expect.any(String) });
      expect(
        Object.keys(failed.body).filter((k) => !['code', 'message', 'issues'].includes(k)),
        operation,
      ).toEqual([]);
    }
  });

  it('names the failing field in a validation error', async () => {
    const app = await call('POST', '/applications', { body: { name: 'fields' } });
    const failed = await call('POST', `/applications/${app.body.id}/events`, {
      body: { type: 'order.created', version: '1.0', data: { ...orderCreated, currency: 12 } },
    });
    expect(failed.status).toBe(400);
    expect(failed.body.message).toMatch(/data\.currency/);
    // Named once, not once by the schema and again by the API.
    expect(failed.body.message).toBe('data.currency: Invalid input: expected string, received number');
    expect(failed.body.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: ['data', 'currency'] })]),
    );
  });

  it('refuses a body that is not JSON, or has no JSON content type, with a 4xx', async () => {
    expect((await call('POST', '/applications', { body: '{"name":' })).status).toBe(400);
    const noType = await fetch(`${hookline.url}/api/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}` },
      body: '{}',
    });
    expect(noType.status).toBe(415);
  });
});

describe('the REST client', () => {
  it('publishes with a generated idempotency key and retries a 503 without creating a second event', async () => {
    let calls = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      calls++;
      const response = await fetch(input, init);
      // The first publish reaches the server, which stores it, but the answer is lost as a 503.
      if (calls === 2) return new Response('{"code":"unavailable","message":"try again"}', { status: 503 });
      return response;
    };
    const rest = createHooklineRestClient({ url: hookline.url, apiKey: testAdminKey, fetch: flakyFetch });
    const { data: app } = await rest.POST('/applications', { body: { name: 'rest client' } });
    const { data: event, error } = await rest.POST('/applications/{appId}/events', {
      params: { path: { appId: app!.id } },
      body: { type: 'order.created', version: '1.0', data: orderCreated },
    });
    expect(error).toBeUndefined();
    expect(calls).toBe(3);
    expect(event!.duplicate).toBe(true);
    const { data: events } = await rest.GET('/applications/{appId}/events', {
      params: { path: { appId: app!.id }, query: {} },
    });
    expect(events!.items).toHaveLength(1);
  });
});

describe('the README curl walkthrough', () => {
  it('runs as written and delivers a signed event', async () => {
    const script = await readFile(new URL('../examples/curl-walkthrough.sh', import.meta.url), 'utf8');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    // The README shows the script itself, so the two cannot drift apart.
    expect(readme).toContain(script.split('\n').slice(3).join('\n').trim());

    const { stdout } = await promisify(execFile)('bash', ['examples/curl-walkthrough.sh'], {
      env: {
        ...process.env,
        HOOKLINE_URL: hookline.url,
        HOOKLINE_API_KEY: testAdminKey,
        RECEIVER_URL: receiver.url('/walkthrough'),
      },
    });
    expect(stdout).toMatch(/^application: app_/m);
    expect(stdout).toMatch(/"code":"validation".*data\.customerId/);
    const secret = /secret: (whsec_\S+)/.exec(stdout)![1]!;
    await expect
      .poll(() => receiver.requests.filter((r) => r.path === '/walkthrough').length, { timeout: 10_000 })
      .toBe(1);
    const request = receiver.requests.find((r) => r.path === '/walkthrough')!;
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({
      event: 'order.created',
    });
  });
});
