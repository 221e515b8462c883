import { createLogger } from '@hookline/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, testAdminKey, testEncryptionKeyText, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * What the API and the worker write, captured line by line: request ids and access lines, the
 * worker's attempt lines, and no secret anywhere, at the most talkative level.
 */
type Line = Record<string, unknown> & { level: string; message: string };
const apiOutput: string[] = [];
const workerOutput: string[] = [];
const parse = (output: string[]) => output.map((line) => JSON.parse(line) as Line);

let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  hookline = await startHookline({
    api: { log: createLogger('api', { level: 'trace', write: (line) => apiOutput.push(line) }) },
    delivery: { log: createLogger('delivery', { level: 'trace', write: (line) => workerOutput.push(line) }) },
  });
  receiver = await startReceiver();
  f = fixtures(hookline);
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

describe('API request logs', () => {
  it('take the caller’s x-request-id, echo it, and write one access line with the route template', async () => {
    const app = await f.makeApp();
    const response = await fetch(`${hookline.url}/api/v1/applications/${app.id}`, {
      headers: { authorization: `Bearer ${testAdminKey}`, 'x-request-id': 'trace-abc-123' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    await expect
      .poll(() => parse(apiOutput).filter((l) => l.requestId === 'trace-abc-123'))
      .toEqual([
        expect.objectContaining({
          level: 'info',
          message: 'request',
          method: 'GET',
          route: '/api/v1/applications/{appId}',
          status: 200,
          ms: expect.any(Number),
        }),
      ]);
  });

  it('make up an id when none is sent or the one sent is not sane, and name tRPC routes by procedure', async () => {
    const unnamed = await fetch(`${hookline.url}/api/v1/applications/app_missing`, {
      headers: { authorization: `Bearer ${testAdminKey}`, 'x-request-id': 'x'.repeat(500) },
    });
    expect(unnamed.status).toBe(404);
    const id = unnamed.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect
      .poll(() => parse(apiOutput).find((l) => l.requestId === id))
      .toMatchObject({ route: '/api/v1/applications/{appId}', status: 404 });

    const trpc = await fetch(`${hookline.url}/trpc/applications.list`, { headers: { 'x-request-id': 'trpc-1' } });
    expect(trpc.headers.get('x-request-id')).toBe('trpc-1');
    await expect
      .poll(() => parse(apiOutput).find((l) => l.requestId === 'trpc-1'))
      .toMatchObject({ route: '/trpc/applications.list', status: 401 });
    await fetch(`${hookline.url}/api/v1/no/such/thing/42`, { headers: { 'x-request-id': 'unmatched-1' } });
    await expect
      .poll(() => parse(apiOutput).find((l) => l.requestId === 'unmatched-1'))
      .toMatchObject({ route: 'unmatched', status: 404 });
  });
});

describe('worker logs', () => {
  it('name the delivery, endpoint and attempt of each failure, at warn', async () => {
    receiver.route('/failing', { status: 500 });
    const app = await f.makeApp();
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/failing'), retrySchedule: [0.05] });
    await f.publishOrder(app.id);
    await expect
      .poll(() =>
        parse(workerOutput)
          .filter((l) => l.endpointId === endpoint.id)
          .map((l) => [l.level, l.message, l.attempt]),
      )
      .toEqual([
        ['warn', 'attempt failed; retrying', 1],
        ['warn', 'delivery dead-lettered', 2],
      ]);
    expect(parse(workerOutput).find((l) => l.endpointId === endpoint.id)).toMatchObject({
      deliveryId: expect.stringMatching(/^dlv_/),
      status: 500,
      errorClass: 'http_status',
    });
  });
});

describe('secrets', () => {
  it('never reach a log line: API keys, signing keys, Authorization headers, the encryption key', async () => {
    const app = await f.makeApp();
    const { key } = await hookline.client.apiKeys.create.mutate({ appId: app.id, name: 'logged?' });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/secret') });
    await f.publishOrder(app.id);
    await receiver.waitForRequests(1);
    await fetch(`${hookline.url}/api/v1/applications`, { headers: { authorization: `Bearer ${key}` } });
    await fetch(`${hookline.url}/api/v1/applications`, { headers: { authorization: 'Bearer hk_not_a_real_key_1234' } });

    const output = apiOutput.join('') + workerOutput.join('');
    expect(apiOutput.length).toBeGreaterThan(5);
    for (const secret of [testAdminKey, key, endpoint.secret!, testEncryptionKeyText, 'hk_not_a_real_key_1234']) {
      expect(output).not.toContain(secret);
    }
    expect(output.toLowerCase()).not.toContain('bearer');
  });
});
