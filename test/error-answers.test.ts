import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';

/**
 * Invalid input can cost a caller little and the server much: an error answer that lists every one of
 * 40,000 broken array items, or every known type for each of 5,000 unknown ones. Whatever the input (up
 * to the body limit), a refusal must be a 4xx, at most 16 KB, and cost at most 150 ms of CPU. The API runs
 * in this process, so process.cpuUsage() around a call counts the server's work (and the client's, a
 * little), the least of three identical calls after a first. The largest body and the most CPU seen are printed.
 */
const maxErrorBodyBytes = 16 * 1024;
// An amplifier costs seconds; 150 ms leaves room for a busy CI machine (120 ms was seen there).
const maxCpuMs = 150;
const payloadLimit = 256 * 1024;

let hookline: TestHookline;
let appId: string;
const worst = { bodyBytes: 0, bodyCase: '', cpuMs: 0, cpuCase: '' };

beforeAll(async () => {
  hookline = await startHookline({ worker: false, api: { maxPayloadBytes: payloadLimit } });
  appId = (await hookline.client.applications.create.mutate({ name: 'error answers' })).id;
});
afterAll(async () => {
  console.log(
    `error answers: largest body ${worst.bodyBytes} bytes (${worst.bodyCase}), most CPU ${worst.cpuMs.toFixed(1)} ms (${worst.cpuCase})`,
  );
  await hookline?.stop();
});

type Face = 'trpc' | 'rest';
type Call = { name: string; procedure: string; restPath: (appId: string) => string; input: unknown };

/** Sends one mutation on one face and measures the answer. */
async function send(face: Face, call: Call) {
  const body = face === 'trpc' ? JSON.stringify(call.input) : JSON.stringify(withoutAppId(call.input));
  const url = face === 'trpc' ? `${hookline.url}/trpc/${call.procedure}` : `${hookline.url}${call.restPath(appId)}`;
  const post = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body,
    });
    return { response, text: await response.text() };
  };
  // The first call of a new shape pays for JIT compilation; the least of the next three is what a client
  // repeating it costs. One call alone also carries whatever collection of earlier garbage falls into it
  // (185 ms was seen for a 2 ms refusal on a busy machine), while an amplifier costs seconds every time.
  await post();
  let cpuMs = Infinity;
  let last: Awaited<ReturnType<typeof post>> | undefined;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    last = await post();
    const used = process.cpuUsage(before);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  const { response, text } = last!;
  const label = `${face} ${call.name}, ${body.length} bytes sent`;
  if (text.length > worst.bodyBytes) Object.assign(worst, { bodyBytes: Buffer.byteLength(text), bodyCase: label });
  if (cpuMs > worst.cpuMs) Object.assign(worst, { cpuMs, cpuCase: label });
  return { status: response.status, bytes: Buffer.byteLength(text), cpuMs, text, sentBytes: body.length, label };
}

function withoutAppId(input: unknown) {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const { appId: _appId, ...rest } = input as Record<string, unknown>;
    return rest;
  }
  return input;
}

function expectBounded(answer: Awaited<ReturnType<typeof send>>) {
  expect(answer.status, `${answer.label}: ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${answer.label}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.bytes, answer.label).toBeLessThanOrEqual(maxErrorBodyBytes);
  expect(answer.cpuMs, answer.label).toBeLessThanOrEqual(maxCpuMs);
}

/** As many copies of `item` as fit in `bytes` of JSON. */
const fill = (item: unknown, bytes: number) =>
  Array.from({ length: Math.floor(bytes / (JSON.stringify(item).length + 1)) }, () => item);

const publish = (data: unknown, extra: Record<string, unknown> = {}): Call => ({
  name: 'events.publish',
  procedure: 'events.publish',
  restPath: (id) => `/api/v1/applications/${id}/events`,
  input: { appId, type: 'order.created', version: '1.0', data, ...extra },
});
const publishBatch = (events: unknown[]): Call => ({
  name: 'events.publishBatch',
  procedure: 'events.publishBatch',
  restPath: (id) => `/api/v1/applications/${id}/events/batch`,
  input: { appId, events },
});
const createEndpoint = (fields: Record<string, unknown>): Call => ({
  name: 'endpoints.create',
  procedure: 'endpoints.create',
  restPath: (id) => `/api/v1/applications/${id}/endpoints`,
  input: { appId, url: 'http://127.0.0.1:9/x', ...fields },
});

// The shapes that amplified before: each fills most of the body limit.
const knownAmplifiers = (): [string, Call][] => [
  ['40,000 empty order items', publish({ ...orderCreatedV1, items: fill({}, 120_000) })],
  ['as many empty items as the body limit allows', publish({ ...orderCreatedV1, items: fill({}, payloadLimit - 500) })],
  ['data as a huge array of junk', publish(fill({ a: 1 }, payloadLimit - 500))],
  [
    '5,000 unknown version pins',
    createEndpoint({ versionPins: Object.fromEntries(fill(0, 5_000 * 4).map((_, i) => [`t${i}`, '1.0'])) }),
  ],
  ['1,000 invalid events', publishBatch(fill({ type: 'order.created', version: '1.0', data: {} }, 100_000))],
  [
    '1,001 events of junk',
    publishBatch(Array.from({ length: 1_001 }, () => ({ type: 'x', version: 'y', data: { a: [1, 2, 3] } }))),
  ],
  ['an array of 60,000 event-type patterns', createEndpoint({ eventTypes: fill('a.b', payloadLimit - 500) })],
  ['a retry schedule of 60,000 numbers', createEndpoint({ retrySchedule: fill(-1, payloadLimit - 500) })],
];

describe('error answers stay small and cheap', () => {
  for (const face of ['trpc', 'rest'] as const) {
    describe(face, () => {
      for (const [name, call] of knownAmplifiers()) {
        it(name, async () => {
          call.input = { ...(call.input as object), appId };
          expectBounded(await send(face, call));
        });
      }

      it('random invalid input up to the body limit', async () => {
        const junkItem = fc.oneof(
          fc.constant({}),
          fc.jsonValue({ maxDepth: 2 }),
          fc.record({ productId: fc.integer(), quantity: fc.string(), price: fc.boolean() }),
        );
        // The arbitrary yields a small recipe, not the input itself, so a counterexample prints short.
        const recipe = fc.oneof(
          fc.record({
            kind: fc.constant('items' as const),
            item: junkItem,
            bytes: fc.integer({ min: 1, max: payloadLimit - 2_000 }),
          }),
          fc.record({
            kind: fc.constant('keys' as const),
            item: junkItem,
            bytes: fc.integer({ min: 1, max: payloadLimit - 2_000 }),
          }),
          fc.record({
            kind: fc.constant('batch' as const),
            item: fc.jsonValue({ maxDepth: 2 }),
            bytes: fc.integer({ min: 1, max: 1_200 }),
          }),
          fc.record({
            kind: fc.constant('pins' as const),
            item: fc.constant(null),
            bytes: fc.integer({ min: 1, max: 20_000 }),
          }),
        );
        const build = ({ kind, item, bytes }: { kind: string; item: unknown; bytes: number }): Call => {
          if (kind === 'items') return publish({ ...orderCreatedV1, items: fill(item, bytes) });
          if (kind === 'keys') return publish(Object.fromEntries(fill(item, bytes).map((v, i) => [`k${i}`, v])));
          if (kind === 'batch')
            return publishBatch(Array.from({ length: bytes }, (_, i) => ({ type: `t${i}`, version: '9', data: item })));
          return createEndpoint({
            versionPins: Object.fromEntries(Array.from({ length: bytes }, (_, i) => [`t${i}`, 'x'])),
          });
        };
        await fc.assert(
          fc.asyncProperty(recipe, async (r) => {
            const c = build(r);
            const answer = await send(face, { ...c, input: { ...(c.input as object), appId } });
            // Anything past the body limit is a 413, still small and cheap.
            expectBounded(answer);
          }),
          { numRuns: 15, endOnFailure: true },
        );
      });
    });
  }
});
