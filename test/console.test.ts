import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// Debian's Chromium (.ci/run installs the `chromium` package). Without it the browser tests skip on a
// developer's machine and fail under CI, where a skipped suite would pass unseen.
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const screenshotDir = path.join(import.meta.dirname, '..', 'test-results', 'console');

let hookline: TestHookline;
let receiver: TestReceiver;
let browser: Browser;
let page: Page;
const policyViolations: string[] = [];

beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
});
afterAll(async () => {
  await browser?.close();
  await hookline?.stop();
  await receiver?.close();
});

/** A GET whose path goes on the wire exactly as given (fetch would resolve dots first). */
function rawGet(base: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      })
      .on('error', reject);
  });
}

describe('the console files', () => {
  it('are served under /console with a strict policy, GET and HEAD only', async () => {
    const index = await fetch(`${hookline.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const html = await index.text();
    // Everything it loads comes from the API itself: no CDN, works offline.
    expect(html).not.toMatch(/(src|href)="https?:/);
    const script = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)![1]!;
    const asset = await fetch(`${hookline.url}${script}`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const head = await fetch(`${hookline.url}/console/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${hookline.url}/console/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const bare = await fetch(`${hookline.url}/console`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/console/');
    // None may leave the console's folder.
    for (const escape of ['/console/../../package.json', '/console/..%2f..%2fpackage.json', '/console/%E0%A4%A']) {
      const response = await rawGet(hookline.url, escape);
      expect(response.status, escape).toBe(404);
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });
});

// A browser on a busy machine: each test gets a minute, not the 30 s default.
describe.skipIf(!hasChromium && !process.env.CI)('the console in Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await mkdir(screenshotDir, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
    // axe runs in a page of its own, which only a context made with newContext can open.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    page.on('pageerror', (error) => policyViolations.push(`page error: ${error.message}`));
  });

  const open = async (hash: string) => {
    await page.goto(`${hookline.url}/console/#${hash}`);
  };

  /** An accessibility check and a screenshot of the page as it is now. */
  const checkPage = async (name: string) => {
    // Legacy mode runs axe inside the page itself instead of opening a page per check: seconds faster.
    const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious, `axe on the ${name} page`).toEqual([]);
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  };

  const signIn = async (apiKey: string) => {
    await open('/');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  };

  it('signs in, creates an application and an endpoint, and shows a published event delivered', async () => {
    await open('/');
    await checkPage('sign-in');
    await page.getByLabel('API key').fill('hk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/API key/i);

    await signIn(testAdminKey);
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByLabel('Name').fill('Console shop');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('cell', { name: 'Console shop' }).waitFor();
    await checkPage('applications');

    await page
      .getByRole('row', { name: /Console shop/ })
      .getByRole('link', { name: 'Endpoints' })
      .click();
    await page.getByRole('heading', { name: 'Endpoints of Console shop' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url('/console-ok'));
    await page.getByLabel(/Event types/).fill('order.*');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await expect.poll(() => page.locator('code.secret').textContent()).toMatch(/^whsec_/);
    await page.getByRole('cell', { name: /console-ok/ }).waitFor();

    const app = (await hookline.client.applications.list.query({ limit: 250 })).items.find(
      (a) => a.name === 'Console shop',
    )!;
    const published = await fixtures(hookline).publishOrder(app.id, 'ord_console');
    await receiver.waitForRequests(1);
    await page.reload();
    await page.getByText('100 % of 1').waitFor();
    await checkPage('endpoints');

    await page.getByRole('link', { name: 'Events of Console shop' }).click();
    await page.getByRole('link', { name: published.id }).click();
    await page.getByRole('heading', { name: `Event ${published.id}` }).waitFor();
    await expect.poll(() => page.getByLabel('Payload').textContent()).toContain('"orderId": "ord_console"');
    await page.getByRole('cell', { name: 'delivered' }).waitFor();
    await checkPage('event');

    await page.getByRole('link', { name: published.deliveries[0]!.id }).click();
    await page.getByRole('heading', { name: 'Attempt 1: HTTP 204' }).waitFor();
    await checkPage('delivery');

    await open(`/applications/${app.id}/events`);
    await page.getByRole('link', { name: published.id }).waitFor();
    await checkPage('events');
    await page.getByLabel('Type').fill('order.cancelled');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No events match this filter.').waitFor();
  });

  it('sets a filter, a header, a rate limit and max in flight through the endpoint form, and shows them masked', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp('controls');
    const url = receiver.url('/console-controls');
    await open(`/applications/${app.id}/endpoints`);
    await page.getByRole('heading', { name: 'Endpoints of controls' }).waitFor();

    // A filter the API refuses: its 400 message appears beside the filter, word for word.
    const badFilter = { 'data.amount': { $gtx: 50 } };
    const apiMessage = await hookline.client.endpoints.create
      .mutate({ appId: app.id, url, eventTypes: ['order.*'], filter: badFilter })
      .then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    expect(apiMessage).toMatch(/^filter\.data\.amount\.\$gtx: /);
    await page.getByLabel('URL').fill(url);
    await page.getByLabel(/Event types/).fill('order.*');
    await page.getByLabel(/^Filter/).fill(JSON.stringify(badFilter));
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const filterError = page.locator('#new-endpoint-filter-error');
    await expect.poll(() => filterError.textContent()).toBe(apiMessage);
    expect(await page.getByLabel(/^Filter/).getAttribute('aria-describedby')).toBe('new-endpoint-filter-error');
    // Text that is not JSON is caught before it is sent.
    await page.getByLabel(/^Filter/).fill('{"data.amount": ');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await expect.poll(() => filterError.textContent()).toMatch(/^filter: not JSON/);

    await page.getByLabel(/^Filter/).fill('{"data.amount": {"$gte": 50}}');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByRole('textbox', { name: 'Header 1 name' }).fill('X-Tenant');
    await page.getByRole('textbox', { name: 'Header 1 value' }).fill('acme-secret-1');
    await page.getByLabel(/^Rate limit/).fill('5');
    await page.getByLabel(/^Max in flight/).fill('2');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await expect.poll(() => page.locator('code.secret').first().textContent()).toMatch(/^whsec_/);
    // The header's value is shown once, beside the secret...
    await page.getByText('acme-secret-1').waitFor();
    await checkPage('endpoint-created');
    await page.getByRole('button', { name: 'Done' }).last().click();
    await page.getByRole('button', { name: 'Done' }).click();

    // ...and from then on the endpoint shows its settings with the value masked.
    const row = page.getByRole('row', { name: /console-controls/ });
    const settings = row.locator('.settings');
    await expect.poll(() => settings.textContent()).toContain('x-tenant: ********');
    const shown = await settings.textContent();
    expect(shown).toContain('{"data.amount":{"$gte":50}}');
    expect(shown).toContain('5 requests/s');
    expect(shown).toContain('2 at once');
    expect(await page.locator('main').textContent()).not.toContain('acme-secret-1');
    const [stored] = (await hookline.client.endpoints.list.query({ appId: app.id })).items;
    expect(stored).toMatchObject({
      filter: { 'data.amount': { $gte: 50 } },
      headers: { 'x-tenant': '********' },
      rateLimit: 5,
      maxInFlight: 2,
    });
    await checkPage('endpoint-settings');

    // The event page shows an ordering key, and the header reaches the receiver.
    const ordered = await hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: { ...orderCreatedV1, orderId: 'ord_ordered' },
      orderingKey: 'cart-7',
    });
    await f.waitForDelivery(ordered.deliveries[0]!.id, 'delivered');
    expect(receiver.on('/console-controls').at(-1)!.headers['x-tenant']).toBe('acme-secret-1');
    await open(`/events/${ordered.id}`);
    await page.getByRole('heading', { name: `Event ${ordered.id}` }).waitFor();
    await expect.poll(() => page.locator('.facts').textContent()).toContain('Ordering keycart-7');

    // Editing other settings keeps the masked header's stored value.
    await open(`/applications/${app.id}/endpoints`);
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = `edit-${stored!.id}`;
    await page.locator(`#${edit}-rate-limit`).fill('');
    await page.locator(`#${edit}-max-in-flight`).fill('3');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await expect.poll(() => settings.textContent()).toContain('3 at once');
    expect(await settings.textContent()).toContain('x-tenant: ********');
    const edited = await hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: { ...orderCreatedV1, orderId: 'ord_after_edit' },
    });
    await f.waitForDelivery(edited.deliveries[0]!.id, 'delivered');
    expect(receiver.on('/console-controls').at(-1)!.headers['x-tenant']).toBe('acme-secret-1');
    expect(await hookline.client.endpoints.get.query({ endpointId: stored!.id })).toMatchObject({
      rateLimit: null,
      maxInFlight: 3,
    });

    // Adding a header replaces them all, so the kept one's value must be typed again; the form says so.
    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByRole('button', { name: 'Add header' }).click();
    await row.getByRole('textbox', { name: 'Header 2 name' }).fill('x-region');
    await row.getByRole('textbox', { name: 'Header 2 value' }).fill('eu');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await expect
      .poll(() => page.locator(`#${edit}-headers-error`).textContent())
      .toMatch(/^x-tenant: type its value again/);
    await row.getByRole('textbox', { name: 'Header 1 value' }).fill('acme-secret-2');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByText('acme-secret-2').waitFor();
    await expect.poll(() => settings.textContent()).toContain('x-region: ********');
  });

  it('shows failed attempts with status and body, and delivers after Retry now', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp('failing receiver');
    receiver.route('/console-fails', { status: 500, body: 'receiver says no' });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/console-fails') });
    const published = await f.publishOrder(app.id);
    const deliveryId = published.deliveries[0]!.id;
    await f.waitForDelivery(deliveryId, 'failed');

    await open(`/deliveries/${deliveryId}`);
    await page.getByRole('heading', { name: 'Attempt 1: HTTP 500' }).waitFor();
    await expect.poll(() => page.getByLabel('Response body of attempt 1').textContent()).toBe('receiver says no');
    await page.getByText('schedule_exhausted').first().waitFor();
    await checkPage('delivery-failed');

    receiver.route('/console-fails', { status: 204 });
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByRole('heading', { name: 'Attempt 5: HTTP 204 (manual)' }).waitFor();
    await expect.poll(() => page.locator('.facts .status').first().textContent()).toBe('delivered');
  });

  it('replays dead letters after showing the dry-run count, and they arrive', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp('dead letters');
    receiver.route('/console-dead', { status: 500 });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/console-dead') });
    const events = [await f.publishOrder(app.id, 'ord_a'), await f.publishOrder(app.id, 'ord_b')];
    await expect
      .poll(async () => (await hookline.client.deadLetters.list.query({ appId: app.id })).items.length, {
        timeout: 10_000,
      })
      .toBe(2);
    receiver.route('/console-dead', { status: 204 });

    await open(`/dead-letters?appId=${app.id}`);
    await page
      .getByRole('cell', { name: /console-dead/ })
      .first()
      .waitFor();
    await checkPage('dead-letters');
    await page.getByRole('button', { name: 'Replay…' }).click();
    await page.getByText('2 dead letters match this filter').waitFor();
    await page.getByRole('button', { name: 'Replay 2 dead letters' }).click();
    await page.getByText('Replay finished: 2 re-queued').waitFor();
    await page.getByText('No dead letters wait for this filter.').waitFor();
    for (const event of events) await f.waitForDelivery(event.deliveries[0]!.id, 'delivered');

    await open('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('Disabled endpoints').waitFor();
    await checkPage('overview');
  });

  it("shows an application key nothing of another application's, even by a typed URL", async () => {
    const f = fixtures(hookline);
    const mine = await f.makeApp('mine');
    const theirs = await f.makeApp('theirs');
    await f.makeEndpoint({ appId: theirs.id, url: receiver.url('/theirs') });
    const theirEvent = await f.publishOrder(theirs.id);
    const { key } = await hookline.client.apiKeys.create.mutate({ appId: mine.id, name: 'console' });

    await open('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    // A string, evaluated in the page: the tests' own types have no DOM.
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(key);

    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('cell', { name: 'mine', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'theirs', exact: true }).count()).toBe(0);

    await open(`/events/${theirEvent.id}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(`event ${theirEvent.id} was not found`);
    await checkPage('not-found');
    await open(`/applications/${theirs.id}/endpoints`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(`application ${theirs.id} was not found`);
    await open(`/deliveries/${theirEvent.deliveries[0]!.id}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/was not found/);
  });

  it('ran every page within its content security policy', () => {
    expect(policyViolations).toEqual([]);
  });
});
