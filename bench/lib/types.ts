import type { CpuMeter } from './cpu';
import type { ReceiverHandle } from './receiver-process';
import type { RssSampler } from './rss';

/** What every scenario gets from the harness. */
export interface BenchContext {
  /** This run's fresh, empty database (`hookline_bench_<timestamp>`); dropped when the run ends. */
  databaseUrl: string;
  /**
   * Makes one more fresh, empty database for this run (`hookline_bench_<timestamp>_<label>`) and
   * returns its URL; it is dropped when the run ends. For scenarios that must not share tables.
   */
  createDatabase(label: string): Promise<string>;
  /** The loopback HTTP receiver, a separate process shared by all scenarios (see bench/receiver.ts). */
  receiver: ReceiverHandle;
  /** BENCH_SCALE (default 1): multiply every count by it, e.g. through `scaled`. */
  scale: number;
  /** The `ceiling` scenario's deliveries/s in this run; null when it did not run (or failed). */
  ceilingPerSec: number | null;
  /** `n × scale`, rounded, at least `min` (default 1). */
  scaled(n: number, min?: number): number;
  /** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
  percentile(values: readonly number[], p: number): number;
  /** Starts sampling this process's RSS every 100 ms; `stop()` returns the peak in MB. */
  startRssSampler(): RssSampler;
  /**
   * Starts counting CPU time of this process, the receiver and the PostgreSQL backends serving this
   * run's databases (when the server is on this machine). Start it once connections are open.
   */
  startCpuMeter(): Promise<CpuMeter>;
  /** Aborted when the scenario overruns its time budget: stop work and clean up promptly. */
  signal: AbortSignal;
  /** Progress line on stderr, prefixed with the scenario's name. */
  log(message: string): void;
}

/**
 * What a scenario measured. The harness adds `scenario`, `ceilingPerSec` and `ratio`: this
 * scenario's deliveries/s (or events/s when it delivers nothing, as ingest) over the ceiling's.
 */
export interface ScenarioResult {
  /** Left out by scenarios that deliver nothing (ingest). */
  deliveriesPerSec?: number;
  eventsPerSec?: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  peakRssMb: number;
  /** CPU ms per delivery across harness, receiver and database backends (see `startCpuMeter`). */
  cpuMsPerDelivery?: number;
  /**
   * False when the rate is set by the scenario rather than measured (latency offers a fixed
   * 500 events/s), so a ratio to the ceiling would mean nothing: it is printed as null.
   */
  compareToCeiling?: boolean;
  /** The scenario's headline in a few words, printed as the table's last column and kept in the JSON. */
  note?: string;
  /** Anything else worth keeping in the JSON line (settings used, counts, durations). */
  details?: Record<string, number | string | boolean>;
}

/** A scenario module exports these (see bench/ceiling.ts); bench/run.ts lists the modules. */
export interface Scenario {
  name: string;
  /** Longest the scenario may take at scale 1 before it is aborted; the harness default is 120 s. */
  timeoutMs?: number;
  /** Runs only when `--only` names it, and is not held to the run's overall budget (the soak). */
  optIn?: boolean;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
