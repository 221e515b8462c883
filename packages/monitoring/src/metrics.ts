import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cachedLoader } from './cached-loader';

/** How an attempt that was recorded came out: delivered, scheduled again, or given up (dead-lettered). */
export type AttemptOutcomeLabel = 'success' | 'retry' | 'dead';

/** What the reconciler fixed or recorded: a pending delivery enqueued again, a failed one without its dead letter. */
export type ReconciledKindLabel = 'requeued' | 'dead_letter_lost';

/** One of Hookline's or pg-boss's tables and its bytes on disk, indexes and TOAST included. */
export type TableSize = { table: string; bytes: number };

/** What the database-wide gauges show; read at scrape time (see `observeDatabase`). */
export type DatabaseCounts = {
  /** Delivery jobs by pg-boss state (`created` includes retries waiting for their time). */
  queueJobs: Record<'created' | 'retry' | 'active', number>;
  /** Dead letters waiting for an operator. */
  deadLetters: number;
  endpoints: Record<'enabled' | 'disabled', number>;
};

/**
 * Hookline's metrics, by what happened rather than by instrument, so the names and their label values
 * live here once and the code that records them cannot invent a new label value (an id, a URL).
 * With `enabled: false` every method does nothing and there is nothing to serve.
 */
export type Metrics = {
  enabled: boolean;
  eventsPublished(type: string, count: number): void;
  attemptRecorded(attempt: {
    outcome: AttemptOutcomeLabel;
    /** The HTTP request's duration; null when no request was sent (a disabled endpoint, a blocked address). */
    requestSeconds: number | null;
    /** Event stored → this successful attempt finished; null unless it succeeded. */
    lagSeconds: number | null;
  }): void;
  httpRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  deliveriesReconciled(kind: ReconciledKindLabel, count: number): void;
  /**
   * Serves the database-wide gauges from `load`, called at scrape time at most once per `maxAgeMs`
   * however many scrapes arrive. One process per deployment should: the API does.
   */
  observeDatabase(load: () => Promise<DatabaseCounts>, options?: { maxAgeMs?: number }): void;
  /**
   * Serves `hookline_table_bytes{table}` from `load` (the tables of two schemas, so a bounded set), at
   * most once per `maxAgeMs` (a minute by default: sizes move slowly, and the query stats every table).
   */
  observeTableSizes(load: () => Promise<TableSize[]>, options?: { maxAgeMs?: number }): void;
  /** The Prometheus text exposition; null when metrics are off. */
  render(): Promise<{ contentType: string; body: string } | null>;
};

// Seconds. A webhook request is bounded by the request timeout (15 s by default).
const requestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
// Seconds, event stored → delivered: milliseconds on a healthy path, hours when retries were needed.
const lagBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600];
const apiBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const disabledMetrics: Metrics = {
  enabled: false,
  eventsPublished: () => {},
  attemptRecorded: () => {},
  httpRequest: () => {},
  deliveriesReconciled: () => {},
  observeDatabase: () => {},
  observeTableSizes: () => {},
  render: async () => null,
};

/** One registry per process: in the all-in-one process the API and the worker share it. */
export function createMetrics({ enabled = true }: { enabled?: boolean } = {}): Metrics {
  if (!enabled) return disabledMetrics;
  const registry = new Registry();
  const registers = [registry];
  // process_resident_memory_bytes, nodejs_eventloop_lag_*, heap and GC figures.
  collectDefaultMetrics({ register: registry });
  // Gauges the library names like counters, which `promtool check metrics` rejects; the
  // nodejs_active_*s without the suffix say the same.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }

  const eventsPublished = new Counter({
    name: 'hookline_events_published_total',
    help: 'Events stored by the API, by event type (an idempotent repeat is not counted again).',
    labelNames: ['type'],
    registers,
  });
  const attempts = new Counter({
    name: 'hookline_delivery_attempts_total',
    help: 'Delivery attempts recorded, by what came next: success, retry or dead (given up, dead-lettered).',
    labelNames: ['outcome'],
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'hookline_delivery_attempt_duration_seconds',
    help: 'Duration of the HTTP request of each delivery attempt that sent one.',
    buckets: requestBuckets,
    registers,
  });
  const lag = new Histogram({
    name: 'hookline_delivery_lag_seconds',
    help: 'Time from an event being stored to a successful attempt finishing, retries included.',
    buckets: lagBuckets,
    registers,
  });
  const httpRequests = new Counter({
    name: 'hookline_http_requests_total',
    help: 'API requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: 'hookline_http_request_duration_seconds',
    help: 'API request duration, by method and route template.',
    labelNames: ['method', 'route'],
    buckets: apiBuckets,
    registers,
  });
  const reconciled = new Counter({
    name: 'hookline_reconciled_deliveries_total',
    help: 'Deliveries the reconciler found: requeued (pending without a live job) or dead_letter_lost (failed, dead letter gone).',
    labelNames: ['kind'],
    registers,
  });
  // Present from the start, so a rate() has a zero to start from.
  for (const outcome of ['success', 'retry', 'dead'] satisfies AttemptOutcomeLabel[]) attempts.inc({ outcome }, 0);
  for (const kind of ['requeued', 'dead_letter_lost'] satisfies ReconciledKindLabel[]) reconciled.inc({ kind }, 0);

  return {
    enabled: true,
    eventsPublished: (type, count) => eventsPublished.inc({ type }, count),
    attemptRecorded: ({ outcome, requestSeconds, lagSeconds }) => {
      attempts.inc({ outcome });
      if (requestSeconds !== null) attemptDuration.observe(requestSeconds);
      if (lagSeconds !== null) lag.observe(Math.max(0, lagSeconds));
    },
    httpRequest: ({ method, route, status, seconds }) => {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    deliveriesReconciled: (kind, count) => reconciled.inc({ kind }, count),
    observeDatabase: (load, { maxAgeMs = 5_000 } = {}) =>
      registerDatabaseGauges(registry, cachedLoader(load, maxAgeMs)),
    observeTableSizes: (load, { maxAgeMs = 60_000 } = {}) =>
      registerTableSizeGauge(registry, cachedLoader(load, maxAgeMs)),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

function registerDatabaseGauges(registry: Registry, load: () => Promise<DatabaseCounts | null>) {
  const registers = [registry];
  // A failed read (the database is down) shows no samples rather than stale or made-up ones.
  new Gauge({
    name: 'hookline_queue_jobs',
    help: 'Delivery jobs in the queue by pg-boss state; created includes retries waiting for their time.',
    labelNames: ['state'],
    registers,
    async collect() {
      const counts = await load();
      this.reset();
      if (counts) for (const [state, n] of Object.entries(counts.queueJobs)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'hookline_dead_letters',
    help: 'Dead letters waiting for an operator (retry or replay them through the API).',
    registers,
    async collect() {
      const counts = await load();
      // Unlabelled, it cannot show no sample: NaN says "unknown" where 0 would say "none".
      this.set(counts ? counts.deadLetters : NaN);
    },
  });
  new Gauge({
    name: 'hookline_endpoints',
    help: 'Endpoints by state: enabled, or disabled (by an operator or after failing for days).',
    labelNames: ['state'],
    registers,
    async collect() {
      const counts = await load();
      this.reset();
      if (counts) for (const [state, n] of Object.entries(counts.endpoints)) this.set({ state }, n);
    },
  });
}

function registerTableSizeGauge(registry: Registry, load: () => Promise<TableSize[] | null>) {
  new Gauge({
    name: 'hookline_table_bytes',
    help: "Bytes on disk of each of Hookline's and pg-boss's tables (schema.table), indexes and TOAST included.",
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      const sizes = await load();
      this.reset();
      if (sizes) for (const { table, bytes } of sizes) this.set({ table }, bytes);
    },
  });
}
