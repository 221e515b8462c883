/**
 * `npm run bench`: runs the scenarios one after another against a fresh database and a loopback
 * receiver, then prints a table and one JSON line per scenario. Progress goes to stderr, results
 * to stdout. Bounded in time and cleans up after itself (database, receiver, embedded server).
 */
import { availableParallelism, loadavg } from 'node:os';
import * as ceiling from './ceiling';
import * as e2e from './e2e';
import * as ingest from './ingest';
import * as isolation from './isolation';
import * as largePayloads from './large-payloads';
import * as latency from './latency';
import * as metricsCost from './metrics-cost';
import * as nodeFlags from './node-flags';
import * as ordered from './ordered';
import * as outbox from './outbox';
import * as requestCosts from './request-costs';
import * as scaleOut from './scale-out';
import * as soak from './soak';
import * as sweepCost from './sweep-cost';
import * as throttle from './throttle';
import { startCpuMeter } from './lib/cpu';
import { RunDatabases, startDatabaseServer, type DatabaseServer } from './lib/database';
import { parseRunOptions, usage, UsageError } from './lib/options';
import { startReceiver, type ReceiverProcess } from './lib/receiver-process';
import { formatTable, toReportLines, type Outcome } from './lib/report';
import { startRssSampler } from './lib/rss';
import { percentile } from './lib/stats';
import type { BenchContext, Scenario } from './lib/types';

function ceilingPerSec(outcomes: readonly Outcome[]): number | null {
  const ceiling = outcomes.find((o) => o.scenario === 'ceiling');
  return ceiling && 'result' in ceiling ? (ceiling.result.deliveriesPerSec ?? null) : null;
}

/** In report order. The ceiling comes first: every later scenario's ratio is relative to it. */
const scenarios: Scenario[] = [
  ceiling,
  ingest.single,
  ingest.batch,
  e2e,
  latency,
  isolation,
  throttle,
  scaleOut,
  nodeFlags,
  metricsCost,
  sweepCost,
  largePayloads,
  ordered,
  soak,
  outbox,
  requestCosts.scenario,
];

/** The whole run must stay under 5 minutes, setup and cleanup included. */
const runBudgetMs = 270_000;
const defaultScenarioTimeoutMs = 120_000;

const log = (message: string) => console.error(`[bench] ${message}`);

async function main(): Promise<number> {
  const runStartedAt = performance.now();
  let options;
  try {
    options = parseRunOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    throw error;
  }
  const unknown = (options.only ?? []).filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
    return 2;
  }
  // An opt-in scenario (the soak) runs only when named, and is not held to the run's budget.
  const selected = scenarios.filter((s) => (options.only ? options.only.includes(s.name) : !s.optIn));

  // Ctrl-C aborts the scenario under way and still cleans up; a second one leaves at once. One
  // Ctrl-C arrives several times (the terminal signals the process group, npm and tsx forward it),
  // so only a signal a second or more after the first counts as a second one.
  const interrupt = new AbortController();
  let interruptedAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      if (performance.now() - interruptedAt > 1_000) process.exit(130);
      return;
    }
    interruptedAt = performance.now();
    log(`${signal}: stopping and cleaning up (again to leave at once)`);
    interrupt.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const outcomes: Outcome[] = [];
  let server: DatabaseServer | undefined;
  let databases: RunDatabases | undefined;
  let receiver: ReceiverProcess | undefined;
  let cleanFailures = 0;
  try {
    server = await startDatabaseServer(log);
    databases = new RunDatabases(server.adminUrl, `hookline_bench_${Date.now()}`);
    const databaseUrl = await databases.create();
    receiver = await startReceiver();
    log(`${server.description}, database ${databases.runName}; receiver ${receiver.url}; scale ${options.scale}`);
    const [load] = loadavg();
    if (load! > availableParallelism() / 2) {
      log(
        `load average ${load!.toFixed(1)} on ${availableParallelism()} cores: other work competes, expect low and noisy figures`,
      );
    }

    for (const scenario of selected) {
      if (interrupt.signal.aborted) break;
      const remainingMs = runBudgetMs - (performance.now() - runStartedAt);
      const ownTimeoutMs = scenario.timeoutMs ?? defaultScenarioTimeoutMs;
      const timeoutMs = scenario.optIn ? ownTimeoutMs : Math.min(ownTimeoutMs, remainingMs);
      await receiver.reset();
      const outcome = await runScenario(scenario, timeoutMs, interrupt.signal, {
        databaseUrl,
        createDatabase: (label) => databases!.create(`${scenario.name}_${label}`),
        receiver,
        scale: options.scale,
        ceilingPerSec: ceilingPerSec(outcomes),
        scaled: (n, min = 1) => Math.max(min, Math.round(n * options.scale)),
        percentile,
        startRssSampler: () => startRssSampler(100),
        startCpuMeter: () =>
          startCpuMeter({
            receiverPid: receiver!.pid,
            sql: databases!.adminSql,
            databaseNames: () => databases!.names,
            serverIsLocal: databases!.serverIsLocal,
          }),
      });
      outcomes.push(outcome);
    }
  } catch (error) {
    log(`setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanFailures += 1;
  } finally {
    await receiver?.stop().catch((error: unknown) => {
      log(`receiver did not stop: ${String(error)}`);
      cleanFailures += 1;
    });
    const dropFailures = (await databases?.dropAll().catch((error: unknown) => [String(error)])) ?? [];
    for (const failure of dropFailures) log(`could not drop ${failure}`);
    cleanFailures += dropFailures.length;
    await server?.stop().catch((error: unknown) => {
      log(`database server did not stop: ${String(error)}`);
      cleanFailures += 1;
    });
  }

  if (outcomes.length > 0) {
    const lines = toReportLines(outcomes);
    console.log(formatTable(outcomes, lines));
    for (const line of lines) console.log(JSON.stringify(line));
  }
  log(`done in ${((performance.now() - runStartedAt) / 1000).toFixed(1)} s`);
  if (interrupt.signal.aborted) return 130;
  const failed = outcomes.some((o) => 'error' in o) || outcomes.length < selected.length;
  return failed || cleanFailures > 0 ? 1 : 0;
}

/** Runs one scenario under its own abort signal: aborted on timeout or interrupt. */
async function runScenario(
  scenario: Scenario,
  timeoutMs: number,
  interrupted: AbortSignal,
  shared: Omit<BenchContext, 'signal' | 'log'>,
): Promise<Outcome> {
  const controller = new AbortController();
  const abort = (reason: unknown) => controller.abort(reason);
  const timer = setTimeout(() => abort(new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s`)), timeoutMs);
  const onInterrupt = () => abort(interrupted.reason);
  interrupted.addEventListener('abort', onInterrupt, { once: true });
  const scenarioLog = (message: string) => console.error(`[${scenario.name}] ${message}`);
  const startedAt = performance.now();
  scenarioLog('starting');
  try {
    // A scenario that ignores its signal must still not hold the run hostage: give it 10 s more.
    const stuck = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => {
        setTimeout(() => reject(controller.signal.reason), 10_000).unref();
      });
    });
    const result = await Promise.race([
      scenario.run({ ...shared, signal: controller.signal, log: scenarioLog }),
      stuck,
    ]);
    scenarioLog(`finished in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    return { scenario: scenario.name, result, loadAvg1m: loadavg()[0]! };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    scenarioLog(`FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return { scenario: scenario.name, error: message.split('\n')[0]! };
  } finally {
    clearTimeout(timer);
    interrupted.removeEventListener('abort', onInterrupt);
  }
}

const exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
process.exitCode = exitCode;
// Everything was closed above; if some handle still keeps the event loop alive, do not hang.
setTimeout(() => {
  log('a handle was left open; exiting anyway');
  process.exit(exitCode);
}, 5_000).unref();
