import { execFile } from 'node:child_process';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliBin, cliEnv, runCli, startCli } from './support/cli';
import { orderCreatedV1 } from './support/fixtures';
import { testAdminKey, useHooklineAndReceiver } from './support/hookline';

const env = useHooklineAndReceiver();

/** The CLI's environment: this test's Hookline, and a config directory of its own. */
async function settings(extra: Record<string, string | undefined> = {}) {
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-cli-'));
  return cliEnv({
    HOOKLINE_URL: env.hookline.url,
    HOOKLINE_API_KEY: testAdminKey,
    HOOKLINE_CONFIG_DIR: configDir,
    ...extra,
  });
}

async function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runCli(args, { env: options.env ?? (await settings()), input: options.input });
}

/** Runs a command that must succeed with --json, and parses its one document. */
async function cliJson<T = Record<string, unknown>>(args: string[], options: { input?: string } = {}): Promise<T> {
  const result = await cli([...args, '--json'], options);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

/** A port nothing listens on: one the system just handed out and took back. */
async function freePort() {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('hookline CLI', () => {
  it('creates an app and an endpoint, publishes from a file and from stdin, and lists and gets them', async () => {
    const app = await cliJson<{ id: string }>(['apps', 'create', 'cli shop']);
    expect(app.id).toMatch(/^app_/);
    const endpoint = await cliJson<{ id: string; secret: string }>([
      'endpoints',
      'create',
      '--app',
      app.id,
      '--url',
      env.receiver.url('/cli-core'),
      '--event-types',
      'order.*',
    ]);
    expect(endpoint.secret).toMatch(/^whsec_/);

    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'hookline-cli-data-')), 'order.json');
    await writeFile(file, JSON.stringify({ ...orderCreatedV1, orderId: 'ord_file' }));
    const fromFile = await cli(['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', `@${file}`]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(/^id:\s+evt_/m);
    const fromStdin = await cliJson<{ id: string; deliveries: { id: string }[] }>(
      ['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '-', '--idempotency-key', 'cli-1'],
      { input: JSON.stringify({ ...orderCreatedV1, orderId: 'ord_stdin' }) },
    );
    expect(fromStdin.deliveries).toHaveLength(1);
    await env.receiver.waitForRequests(2);

    const [appsTable, appJson, endpointsTable, events, event, types, schema, delivered] = await Promise.all([
      cli(['apps', 'list']),
      cliJson(['apps', 'get', app.id]),
      cli(['endpoints', 'list', '--app', app.id]),
      cliJson<{ items: { id: string }[] }>(['events', 'list', '--app', app.id]),
      cli(['events', 'get', fromStdin.id]),
      cli(['event-types', 'list']),
      cli(['event-types', 'show', 'order.created']),
      cliJson<{ items: { status: string }[] }>([
        'deliveries',
        'list',
        '--endpoint',
        endpoint.id,
        '--status',
        'delivered',
      ]),
    ]);
    expect(appsTable.stdout).toMatch(/^ID\s+NAME\s+CREATED$/m);
    expect(appsTable.stdout).toContain(app.id);
    expect(appJson).toMatchObject({ id: app.id, name: 'cli shop' });
    expect(endpointsTable.stdout).toMatch(new RegExp(`^${endpoint.id}\\s+yes\\s+hmac\\s+0\\s+order\\.\\*`, 'm'));
    expect(events.items.map((e) => e.id)).toContain(fromStdin.id);
    expect(event.stdout).toContain('"orderId": "ord_stdin"');
    expect(types.stdout).toMatch(/^order\.created\s+1\.0/m);
    expect(schema.stdout).toMatch(/JSON Schema:\n\{/);
    expect(delivered.items).toHaveLength(2);

    const deliveryId = fromStdin.deliveries[0]!.id;
    const [shown, retried, updated, rotated] = await Promise.all([
      cli(['deliveries', 'get', deliveryId]),
      cli(['deliveries', 'retry', deliveryId]),
      cliJson(['endpoints', 'update', endpoint.id, '--description', 'orders', '--retry-schedule', '1,5']),
      cliJson<{ secret: string; keys: unknown[] }>(['endpoints', 'rotate-secret', endpoint.id, '--grace-seconds', '0']),
    ]);
    expect(shown.stdout).toMatch(/^#\s+STARTED\s+MS\s+OUTCOME/m);
    expect(shown.stdout).toMatch(/^1\s+\S+\s+\d+\s+204\s+delivered\s+scheduled/m);
    expect(retried).toMatchObject({ code: 0, stdout: `${deliveryId} queued for attempt 2\n` });
    expect(updated).toMatchObject({ description: 'orders', retrySchedule: [1, 5] });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.keys).toHaveLength(1);
    await env.receiver.waitForRequests(3);

    expect(await cliJson(['endpoints', 'disable', endpoint.id])).toMatchObject({ enabled: false });
    expect(await cliJson(['endpoints', 'enable', endpoint.id])).toMatchObject({ enabled: true });
  }, 60_000);

  it('exits 1 with the field and the error code when the API refuses, and 2 for usage errors', async () => {
    const app = await env.hookline.client.applications.create.mutate({ name: 'refusals' });
    const refused = await cli(['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '-'], {
      input: JSON.stringify({ ...orderCreatedV1, amount: 'lots' }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/data\.amount: .*\(code: validation\)/);
    const missing = await cli(['deliveries', 'get', 'dlv_01JH3C5Q2X7YB8N4K6W9M0T1VZ']);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('(code: not_found)') });
    const closedPort = await freePort();
    const unreachable = await cli(['apps', 'list'], {
      env: await settings({ HOOKLINE_URL: `http://127.0.0.1:${closedPort}` }),
    });
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringContaining('ECONNREFUSED') });

    const usage = await Promise.all([
      cli(['publish', 'order.created', '--app', app.id, '--data', '{}']), // no --version
      cli(['apps', 'frobnicate']),
      cli(['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '@/nonexistent/order.json']),
      cli(['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '{not json']),
      cli(['dead-letters', 'list', '--since', 'yesterday-ish']),
      cli(['dead-letters', 'replay']),
      cli(['apps', 'list'], { env: cliEnv({ HOOKLINE_CONFIG_DIR: path.join(os.tmpdir(), 'hookline-cli-none') }) }),
      cli(['listen', '--port', '0', '--secret', 'whsec_@@@']),
    ]);
    expect(usage.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(usage[0]!.stderr).toContain("required option '--version <version>' not specified");
    expect(usage[3]!.stderr).toContain('--data: the value is not JSON');
    expect(usage[5]!.stderr).toContain('needs a filter');
    expect(usage[6]!.stderr).toContain('HOOKLINE_URL and HOOKLINE_API_KEY not set');
    expect(usage[7]!.stderr).toContain('not valid base64');
  }, 60_000);

  it('sets and changes an endpoint filter, headers and limits, publishes with an ordering key, and refuses bad values naming the option', async () => {
    const app = await env.hookline.client.applications.create.mutate({ name: 'cli controls' });
    const created = await cliJson<{ id: string; headers: Record<string, string> }>([
      'endpoints',
      'create',
      '--app',
      app.id,
      '--url',
      env.receiver.url('/cli-controls'),
      '--event-types',
      'order.*',
      '--filter',
      '{"data.amount":{"$gte":50}}',
      '--header',
      'X-Tenant=acme-1',
      '--header',
      'authorization=Bearer rk=1',
      '--rate-limit',
      '5',
      '--max-in-flight',
      '2',
    ]);
    // The one answer that shows the values; names are lower case, and a value may hold "=".
    expect(created).toMatchObject({
      headers: { 'x-tenant': 'acme-1', authorization: 'Bearer rk=1' },
      filter: { 'data.amount': { $gte: 50 } },
      rateLimit: 5,
      maxInFlight: 2,
    });

    const [listed, shown] = await Promise.all([
      cli(['endpoints', 'list', '--app', app.id]),
      cli(['endpoints', 'get', created.id]),
    ]);
    expect(listed.stdout).toMatch(
      /^ID\s+ENABLED\s+SIGNING\s+FAILURES\s+EVENT TYPES\s+RATE\s+IN FLIGHT\s+HEADERS\s+FILTER\s+URL$/m,
    );
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${created.id}\\s.*\\s5/s\\s+2\\s+x-tenant=\\*{8}, authorization=\\*{8}\\s+\\{"data\\.amount":\\{"\\$gte":50\\}\\}\\s`,
        'm',
      ),
    );
    expect(shown.stdout).toMatch(/^headers:\s+x-tenant=\*{8}, authorization=\*{8}$/m);
    expect(shown.stdout).toMatch(/^filter:\s+\{"data\.amount":\{"\$gte":50\}\}$/m);
    expect(shown.stdout).toMatch(/^rateLimit:\s+5$/m);
    expect(shown.stdout).toMatch(/^maxInFlight:\s+2$/m);
    for (const output of [listed.stdout, shown.stdout]) expect(output).not.toContain('acme-1');

    const published = await cliJson<{ id: string; deliveries: { id: string }[] }>(
      ['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '-', '--ordering-key', 'cart-7'],
      { input: JSON.stringify({ ...orderCreatedV1, orderId: 'ord_ordered' }) },
    );
    expect(published.deliveries).toHaveLength(1);
    const event = await cli(['events', 'get', published.id]);
    expect(event.stdout).toMatch(/^orderingKey:\s+cart-7$/m);
    expect(
      await env.hookline.sql`select ordering_key from deliveries where id = ${published.deliveries[0]!.id}`,
    ).toEqual([{ ordering_key: 'cart-7' }]);
    await expect.poll(() => env.receiver.on('/cli-controls').map((r) => r.headers['x-tenant'])).toEqual(['acme-1']);

    // Without --header the stored headers are kept (and stay masked); with it they are replaced.
    const limitsChanged = await cliJson([
      'endpoints',
      'update',
      created.id,
      '--rate-limit',
      'none',
      '--max-in-flight',
      '4',
      '--filter',
      'none',
    ]);
    expect(limitsChanged).toMatchObject({
      rateLimit: null,
      maxInFlight: 4,
      filter: null,
      headers: { 'x-tenant': '********', authorization: '********' },
    });
    expect(await cliJson(['endpoints', 'update', created.id, '--header', 'x-region=eu'])).toMatchObject({
      headers: { 'x-region': 'eu' },
    });
    expect(await cliJson(['endpoints', 'update', created.id, '--remove-headers'])).toMatchObject({ headers: {} });

    const update = (...args: string[]) => cli(['endpoints', 'update', created.id, ...args]);
    const usage = await Promise.all([
      update('--rate-limit', 'fast'),
      update('--filter', '{"data.amount":'),
      update('--filter', '[1]'),
      update('--header', 'x-tenant'),
      update('--header', 'x-a=1', '--header', 'X-A=2'),
      update('--max-in-flight', '2.5'),
      update('--header', 'x-a=1', '--remove-headers'),
    ]);
    expect(usage.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(usage[0]!.stderr).toContain(
      "option '--rate-limit <n|none>' argument 'fast' is invalid. expected requests per second",
    );
    expect(usage[1]!.stderr).toMatch(/option '--filter <json\|none>' argument .* is invalid\. not JSON/);
    expect(usage[2]!.stderr).toContain('expected a JSON object');
    expect(usage[3]!.stderr).toContain(
      "option '--header <name=value>' argument 'x-tenant' is invalid. expected name=value",
    );
    expect(usage[4]!.stderr).toContain('header X-A is given twice');
    expect(usage[5]!.stderr).toContain(
      "option '--max-in-flight <n>' argument '2.5' is invalid. expected a whole number",
    );
    expect(usage[6]!.stderr).toContain("option '--header <name=value>' cannot be used with option '--remove-headers'");

    const refused = await Promise.all([
      update('--rate-limit', '0.01'),
      update('--max-in-flight', '0'),
      update('--filter', '{"data.amount":{"$gtx":1}}'),
      update('--header', 'webhook-id=forged'),
      cli(['publish', 'order.created', '--app', app.id, '--version', '1.0', '--data', '-', '--ordering-key', ''], {
        input: JSON.stringify(orderCreatedV1),
      }),
    ]);
    expect(refused.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(refused[0]!.stderr).toContain('rateLimit: must be at least 0.1 requests per second (code: validation)');
    expect(refused[1]!.stderr).toContain('maxInFlight: must be at least 1 request (code: validation)');
    expect(refused[2]!.stderr).toMatch(/filter\.data\.amount\.\$gtx: .*\(code: validation\)/);
    expect(refused[3]!.stderr).toMatch(/headers\.webhook-id: webhook-\* headers .*\(code: validation\)/);
    expect(refused[4]!.stderr).toMatch(/orderingKey: .*\(code: validation\)/);
    // Nothing the refusals sent was stored.
    expect(await env.hookline.client.endpoints.get.query({ endpointId: created.id })).toMatchObject({
      rateLimit: null,
      maxInFlight: 4,
      filter: null,
      headers: {},
    });
  }, 60_000);

  it('login checks the key and stores it for later commands in a file only its owner can read', async () => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-cli-login-'));
    const bare = cliEnv({ HOOKLINE_CONFIG_DIR: configDir });
    const wrongKey = await cli(['login', '--url', env.hookline.url, '--api-key', 'hk_wrong'], { env: bare });
    expect(wrongKey).toMatchObject({ code: 1, stderr: expect.stringContaining('(code: unauthorized)') });

    const login = await cli(['login', '--url', env.hookline.url, '--api-key', testAdminKey], { env: bare });
    expect(login.code, login.stderr).toBe(0);
    expect((await stat(path.join(configDir, 'config.json'))).mode & 0o777).toBe(0o600);
    const listed = await cli(['apps', 'list', '--json'], { env: bare });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveProperty('items');
  });

  it('tail prints a delivery published after it started, and its attempt, until Ctrl-C', async () => {
    const app = await env.hookline.client.applications.create.mutate({ name: 'tailed' });
    await env.hookline.client.endpoints.create.mutate({ appId: app.id, url: env.receiver.url('/cli-tail') });
    const tail = startCli(['deliveries', 'tail', '--app', app.id, '--interval', '200', '--json'], {
      env: await settings(),
    });
    await tail.waitFor('stderr', /following new deliveries/);

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreatedV1,
    });
    const deliveryId = published.deliveries[0]!.id;
    await tail.waitFor('stdout', /"kind":"attempt"/);
    const exit = await tail.stop();
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stdout)).toEqual([
      expect.objectContaining({ kind: 'delivery', id: deliveryId, appId: app.id }),
      expect.objectContaining({ kind: 'attempt', deliveryId, number: 1, responseStatus: 204 }),
    ]);
  });

  it('dead-letters replay counts with --dry-run, shows a progress bar on a terminal, and is safe to run twice', async () => {
    const count = 300;
    const app = await env.hookline.client.applications.create.mutate({ name: 'replayed' });
    env.receiver.route('/cli-dead', { status: 500 });
    const endpoint = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/cli-dead'),
      retrySchedule: [],
    });
    await env.hookline.client.events.publishBatch.mutate({
      appId: app.id,
      events: Array.from({ length: count }, (_, i) => ({
        type: 'order.created' as const,
        version: '1.0' as const,
        data: { ...orderCreatedV1, orderId: `ord_${i}` },
      })),
    });
    const waiting = async () => {
      const result = await env.hookline.client.deadLetters.replay.mutate({
        filter: { endpointId: endpoint.id },
        dryRun: true,
      });
      return result.dryRun ? result.count : -1;
    };
    await expect.poll(waiting, { timeout: 20_000, interval: 100 }).toBe(count);

    const dryRun = await cli(['dead-letters', 'replay', '--endpoint', endpoint.id, '--since', '1h', '--dry-run']);
    expect(dryRun.stdout).toContain(`${count} dead letters would be replayed; dry run, nothing changed`);

    env.receiver.route('/cli-dead', { status: 204 });
    // A pseudo-terminal, so the CLI draws its progress bar.
    const command = [
      process.execPath,
      cliBin,
      'dead-letters',
      'replay',
      '--endpoint',
      endpoint.id,
      '--batch-size',
      '50',
    ]
      .map((part) => `'${part}'`)
      .join(' ');
    const tty = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: await settings() });
    expect(tty.stdout).toMatch(new RegExp(`replaying \\[.*\\] ${count}/${count} \\| \\d+/s`));
    expect(tty.stdout).toMatch(new RegExp(`replayed ${count} of ${count} dead letters in [\\d.]+ s \\(\\d+/s\\)`));
    await expect.poll(() => env.receiver.on('/cli-dead').length, { timeout: 20_000, interval: 50 }).toBe(2 * count);

    const again = await cliJson(['dead-letters', 'replay', '--endpoint', endpoint.id]);
    expect(again).toMatchObject({ matched: 0, replayed: 0 });
    expect(await waiting()).toBe(0);
  });

  it('listen verifies a real delivery with the endpoint secret and rejects a forged one', async () => {
    const app = await env.hookline.client.applications.create.mutate({ name: 'listened' });
    const endpoint = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/later'),
    });
    const listen = startCli(['listen', '--port', '0', '--endpoint', endpoint.id, '--json'], { env: await settings() });
    const [, url] = await listen.waitFor('stderr', /listening on (\S+),/);
    await env.hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, url: `${url}/hooks` });

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: { ...orderCreatedV1, orderId: 'ord_listen' },
    });
    await listen.waitFor('stdout', /"verified":true/);
    const forged = await fetch(`${url}/hooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,' + Buffer.from('not the signature').toString('base64'),
      },
      body: '{"event":"order.created"}',
    });
    expect(forged.status).toBe(401);
    const exit = await listen.stop();
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stdout)).toEqual([
      expect.objectContaining({
        verified: true,
        path: '/hooks',
        webhookId: published.id,
        event: expect.objectContaining({ id: published.id, data: expect.objectContaining({ orderId: 'ord_listen' }) }),
      }),
      expect.objectContaining({ verified: false, webhookId: 'evt_forged', reason: 'bad_signature' }),
    ]);
  });

  it('runs as `npx hookline` inside the repository', async () => {
    const { stdout } = await promisify(execFile)('npx', [
      '--no-install',
      'hookline',
      'dead-letters',
      'replay',
      '--help',
    ]);
    expect(stdout).toContain('--dry-run');
  });
});
