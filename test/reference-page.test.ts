import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, type TestHookline } from './support/hookline';

/**
 * The reference page at /docs, loaded in a real browser as a reader would: it must render every
 * operation of the OpenAPI document with its renderer served by the API itself, and reach for nothing
 * on another host (an air-gapped install has none). Chromium is Debian's package; without it the test
 * is skipped on a developer's machine and fails under CI.
 */
const chromiumPath = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium && process.env.CI) {
  throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium package for the /docs browser test`);
}

let hookline: TestHookline;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  hookline = await startHookline({ worker: false });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await hookline?.stop();
});

type Operation = { summary: string; operationId: string; tags: string[] };

describe.skipIf(!hasChromium)('the reference page at /docs, in Chromium', () => {
  it('renders every operation from the document, with nothing loaded from another host', async () => {
    const served = (await (await fetch(`${hookline.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(served.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, o]) => ({ ...o, section: `tag/${o.tags[0]}/${method.toUpperCase()}${path}` })),
    );

    const page = await browser.newPage();
    const ownHost = new URL(hookline.url).host;
    const elsewhere: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.host === ownHost) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));

    await page.goto(`${hookline.url}/docs`);
    await page.getByText(operations[0]!.summary).first().waitFor({ timeout: 20_000 });
    // Every operation is listed by its summary, and has its own section (Scalar's id: …tag/<tag>/<METHOD><path>).
    const text = await page.locator('body').innerText();
    expect(
      operations.filter((o) => !text.includes(o.summary)).map((o) => o.operationId),
      'operations not listed',
    ).toEqual([]);
    const ids = await page.locator('[id]').evaluateAll((elements) => elements.map((e) => e.id));
    expect(
      operations.filter((o) => !ids.some((id) => id.endsWith(o.section))).map((o) => o.operationId),
      'operations without a section',
    ).toEqual([]);
    // A section shows its parameters (the Idempotency-Key header) and response examples once in view.
    const publish = operations.find((o) => o.operationId === 'events-publish')!;
    await page.locator(`[id$="${publish.section}"]`).first().scrollIntoViewIfNeeded();
    await page.getByText('Idempotency-Key').first().waitFor({ timeout: 10_000 });
    await page.getByText('ord_123-created').first().waitFor({ timeout: 10_000 });
    expect(elsewhere, 'requests to other hosts').toEqual([]);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it('serves the renderer from the API itself', async () => {
    const html = await (await fetch(`${hookline.url}/docs`)).text();
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/docs/assets/api-reference.js']);
    const renderer = await fetch(`${hookline.url}${scripts[0]}`);
    expect(renderer.status).toBe(200);
    expect(renderer.headers.get('content-type')).toMatch(/javascript/);
  });
});
