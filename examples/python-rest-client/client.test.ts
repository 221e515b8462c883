// Runs the Python REST client against a real Hookline through a contract-testing proxy: every call it
// makes, and every answer, must match the served OpenAPI document.
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from '../../test/support/hookline';
import { createContractValidator, startContractProxy, type OpenApiDocument } from '../../test/support/openapi-contract';
import { startReceiver, type TestReceiver } from '../../test/support/receiver';

const CLIENT = fileURLToPath(new URL('./client.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython && process.env.CI) throw new Error('python3 is missing: CI must have it for the Python client example');

let hookline: TestHookline;
let receiver: TestReceiver;
beforeAll(async () => {
  if (!hasPython) return;
  hookline = await startHookline();
  receiver = await startReceiver();
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

describe.skipIf(!hasPython)('the Python REST client example', () => {
  it('creates, publishes, reads deliveries and replays a dead letter, all as the document says', async () => {
    const document = (await (await fetch(`${hookline.url}/api/openapi.json`)).json()) as OpenApiDocument;
    const proxy = await startContractProxy(hookline.url, createContractValidator(document));
    // The receiver refuses every delivery, so the event ends in the dead-letter queue to replay.
    receiver.route('/python', { status: 500, body: 'not today' });
    try {
      const { stdout } = await promisify(execFile)('python3', [CLIENT], {
        env: {
          ...process.env,
          HOOKLINE_URL: proxy.url,
          HOOKLINE_API_KEY: testAdminKey,
          RECEIVER_URL: receiver.url('/python'),
        },
        timeout: 30_000,
      });
      expect(stdout).toMatch(/^application: app_/m);
      expect(stdout).toMatch(/^endpoint: ep_\S+ secret: whsec_/m);
      expect(stdout).toMatch(/^event: evt_\S+ duplicate: true same: true$/m);
      expect(stdout).toMatch(/^refused: 400 validation data\.amount$/m);
      expect(stdout).toMatch(/^delivery: dlv_\S+ status: failed attempts: 1$/m);
      expect(stdout).toMatch(/^replayed: 1$/m);
      expect(stdout).toMatch(/^retried: dlv_/m);
      expect(stdout).toMatch(/^rotated: 2 keys$/m);

      expect(proxy.problems).toEqual([]);
      const operations = new Set(proxy.exchanges.map((e) => `${e.method} ${e.url.split('?')[0]} ${e.response.status}`));
      expect(operations.size).toBeGreaterThan(8);
      // The bodiless calls went out as Python sends them: no body, no content type.
      const retry = proxy.exchanges.find((e) => e.url.endsWith('/retry'))!;
      expect(retry.body).toBeUndefined();
      expect(retry.headers['content-type']).toBeUndefined();
      // The replay reached the receiver after the first attempt. The retry, sent right after it, asks for the
      // same next attempt: while the replay's is still queued the two are one attempt, so two or three in all.
      await expect
        .poll(() => receiver.requests.filter((r) => r.path === '/python').length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });
});
