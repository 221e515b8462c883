/**
 * Request costs (opt-in): what one API request costs in CPU, taken apart by what it does. The API runs
 * alone (no worker) on a fresh database; the same callers send, in alternating rounds:
 *
 *   health           `GET /health`: Node's HTTP server, the access log and the metrics, nothing else
 *   rest-get         `GET /api/v1/applications/{appId}`: + authentication, the REST adapter, tRPC's
 *                    procedure chain and zod, one primary-key SELECT
 *   publish          a single publish to an application with no endpoint: + validation against the
 *                    catalog and a group commit that stores the event
 *   publish-fan-out  a single publish to an application with one endpoint: + a delivery row and its job
 *   publish-trpc     the same publish on the typed client's face (`POST /trpc/events.publish`): tRPC's own
 *                    HTTP adapter instead of the REST one (trpc-to-openapi), so the two rows compare them
 *
 * Each kind's API CPU per request (from /proc) and the database backends' is the figure; the differences
 * between the rows are what each layer adds. Where the single-publish target stands, and what would
 * close it, is read from here (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { orderCreated } from './lib/events';
import { startHookline } from './lib/hookline';
import { assertNoProcessErrors, round3, runCallers } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, Scenario, ScenarioResult } from './lib/types';

type Kind = 'health' | 'rest-get' | 'publish' | 'publish-fan-out' | 'publish-trpc';
const kinds: readonly Kind[] = ['health', 'rest-get', 'publish', 'publish-fan-out', 'publish-trpc'];

export const scenario: Scenario = {
  name: 'request-costs',
  optIn: true,
  timeoutMs: 240_000,
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const perRound = ctx.scaled(envInt('BENCH_REQUEST_COSTS_REQUESTS', 2_000), 100);
    const rounds = envInt('BENCH_REQUEST_COSTS_ROUNDS', 3);
    const callers = envInt('BENCH_REQUEST_COSTS_CALLERS', 8);
    const run = `request-costs-${randomBytes(4).toString('hex')}`;
    ctx.log(`${rounds} rounds of ${perRound} requests of each kind, ${callers} concurrent callers, API only`);
    const databaseUrl = await ctx.createDatabase('request-costs');
    const hookline = await startHookline({
      databaseUrl,
      label: 'request-costs',
      apiConnections: callers,
      log: ctx.log,
      signal: ctx.signal,
    });
    try {
      const quietApp = await hookline.rest.createApplication('bench request-costs, no endpoint');
      const fanOutApp = await hookline.rest.createApplication('bench request-costs, one endpoint');
      await hookline.rest.createEndpoint(fanOutApp, { url: `${ctx.receiver.url}/ok/request-costs` });
      let published = 0;
      const send: Record<Kind, () => Promise<unknown>> = {
        health: () => hookline.rest.requestAt('GET', '/health'),
        'rest-get': () => hookline.rest.request('GET', `/applications/${quietApp}`),
        publish: () => hookline.rest.publish(quietApp, orderCreated(published++, run)),
        'publish-fan-out': () => hookline.rest.publish(fanOutApp, orderCreated(published++, run)),
        'publish-trpc': () =>
          hookline.rest.requestAt('POST', '/trpc/events.publish', {
            appId: fanOutApp,
            ...orderCreated(published++, run),
          }),
      };
      // Warm-up: connections, the JIT, the API's prepared statements, the principal cache.
      for (const kind of kinds) await runCallers(200, callers, send[kind], ctx.signal);

      const totals = new Map(kinds.map((kind) => [kind, { apiMs: 0, databaseMs: 0, seconds: 0, requests: 0 }]));
      for (let round = 0; round < rounds; round++) {
        // Alternating order, so a kind is not always measured right after the same other kind.
        for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
          const meter = await ctx.startCpuMeter();
          const before = hookline.cpuMs().apiMs;
          const startedAt = performance.now();
          await runCallers(perRound, callers, send[kind], ctx.signal);
          const seconds = (performance.now() - startedAt) / 1000;
          const apiMs = hookline.cpuMs().apiMs - before;
          const used = await meter.stop();
          const total = totals.get(kind)!;
          total.apiMs += apiMs;
          total.databaseMs += used.databaseMs ?? Number.NaN;
          total.seconds += seconds;
          total.requests += perRound;
        }
      }
      assertNoProcessErrors(hookline);

      const details: Record<string, number> = { requestsPerKindAndRound: perRound, rounds, callers };
      const parts: string[] = [];
      for (const [kind, t] of totals) {
        const apiMs = round3(t.apiMs / t.requests);
        details[`${kind}ApiCpuMs`] = apiMs;
        details[`${kind}DatabaseCpuMs`] = round3(t.databaseMs / t.requests);
        details[`${kind}PerSec`] = Math.round(t.requests / t.seconds);
        parts.push(`${kind} ${apiMs}`);
      }
      for (const [kind, t] of totals) {
        ctx.log(
          `${kind.padEnd(16)} API ${(t.apiMs / t.requests).toFixed(3)} ms, database ${(t.databaseMs / t.requests).toFixed(3)} ms ` +
            `of CPU a request; ${Math.round(t.requests / t.seconds)} requests/s`,
        );
      }
      return {
        eventsPerSec: details['publishPerSec'],
        peakRssMb: hookline.api.peakRssMb() ?? Number.NaN,
        compareToCeiling: false,
        note: `API CPU ms a request: ${parts.join(', ')}; RSS = API`,
        details,
      };
    } finally {
      await hookline.stop();
    }
  },
};
