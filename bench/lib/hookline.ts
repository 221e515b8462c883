/**
 * Hookline itself, as a deployment runs it: the API and the delivery worker as two separate Node
 * processes from the compiled build (`apps/api/dist/main.js`, `apps/delivery/dist/main.js`, built
 * first when missing or stale) on one database, with the Node flags docs/operations.md recommends, so each one's CPU time and peak memory, read from /proc, are a production process's. Plus a small
 * REST client for the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hookline/db/free-port';
import postgres from 'postgres';
import { Pool } from 'undici';
import { ensureCompiledBuild } from './compiled-build';
import { processCpuMs } from './cpu';
import { processMemoryMb } from './proc';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const apiEntry = 'apps/api/dist/main.js';
const workerEntry = 'apps/delivery/dist/main.js';
/**
 * The Node flags docs/operations.md recommends ("Memory"): a 128 MB old generation and 8 MB semi-spaces,
 * which keep each process's peak resident memory about 40 % lower for a few per cent of CPU (measured by
 * the node-flags scenario against none). `BENCH_NODE_FLAGS="--flag …"` runs every process with other
 * flags (`none`: none).
 */
export const recommendedNodeFlags: readonly string[] = ['--max-old-space-size=128', '--max-semi-space-size=8'];

/** Node flags from an environment variable (`--flag …`, or `none` for none); `fallback` when unset. */
export function nodeFlagsFrom(variable: string, fallback: readonly string[]): readonly string[] {
  const setting = process.env[variable]?.trim();
  if (setting === undefined || setting === '') return fallback;
  return setting === 'none' ? [] : setting.split(/\s+/);
}

/** The Node flags of this run: BENCH_NODE_FLAGS when set, otherwise the recommended ones. */
export const benchNodeFlags = (): readonly string[] => nodeFlagsFrom('BENCH_NODE_FLAGS', recommendedNodeFlags);

/** HOOKLINE_MAX_PAYLOAD_BYTES given to the API: room for a batch of 1,000 events of ~1 KB. */
export const apiMaxPayloadBytes = 2 * 1024 * 1024;

export interface WorkerSettings {
  /** HOOKLINE_WORKER_BATCH_SIZE */
  batchSize: number;
  /** HOOKLINE_WORKER_CONCURRENCY */
  concurrency: number;
  /** HOOKLINE_REQUEST_TIMEOUT_MS; Hookline's default (15 s) when left out. */
  requestTimeoutMs?: number;
  /** Further HOOKLINE_* settings of the worker (the soak's retention and reconcile interval). */
  env?: Record<string, string>;
  /** How many worker processes, each with these settings (default 1): the scale-out scenario's knob. */
  processes?: number;
}

export interface StartHooklineOptions {
  databaseUrl: string;
  /** Names the run in logs and profile files, e.g. `e2e` or `isolation-baseline`. */
  label: string;
  /** Start a delivery worker with these settings; left out, only the API runs. */
  worker?: WorkerSettings;
  /** Keep-alive connections from the harness to the API. */
  apiConnections?: number;
  /** Node flags of both processes; `benchNodeFlags()` when left out. */
  nodeFlags?: readonly string[];
  /** HOOKLINE_METRICS of both processes; BENCH_METRICS (on unless `off`) when left out. */
  metrics?: boolean;
  log(message: string): void;
  signal: AbortSignal;
}

/** Every Hookline child process still running, killed outright if the harness exits first. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One Hookline process: its pid, what it printed last, and its footprint from /proc. */
export class HooklineChild {
  readonly pid: number;
  readonly #tail: string[] = [];
  /** Log lines that say something went wrong (`queue error`, `unexpected error`). */
  errorLines = 0;
  #firstError: string | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #hasExited = false;
  /** The last VmHWM read while the process lived; /proc forgets it at exit. */
  #peakRssMb: number | null = null;
  /** VmHWM when it became ready, before any benchmark work: what start-up alone costs. */
  readyPeakRssMb: number | null = null;

  constructor(
    readonly role: 'api' | 'worker',
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${role}: no pid (spawn failed)`);
    this.pid = child.pid;
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#hasExited = true;
        live.delete(child);
        resolve({ code, signal });
      });
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        if (line.includes('"queue error"') || line.includes('"unexpected error"')) {
          this.errorLines += 1;
          this.#firstError ??= line;
        }
        this.#tail.push(line);
        if (this.#tail.length > 40) this.#tail.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  /** Peak resident set since the process started (VmHWM), in MB. */
  peakRssMb(): number | null {
    const now = processMemoryMb(this.pid, 'VmHWM');
    if (now !== null) this.#peakRssMb = now;
    return this.#peakRssMb;
  }

  /** CPU time (user + system) used so far, in ms. */
  cpuMs(): number | null {
    return processCpuMs(this.pid);
  }

  get firstError(): string | null {
    return this.#firstError;
  }

  /** The last lines it printed, for an error message. */
  tail(lines = 15): string {
    return this.#tail.slice(-lines).join('\n');
  }

  /** Waits until `predicate` matches a line it prints, or it exits, or `ms` pass. */
  waitForLine(predicate: (line: string) => boolean, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        signal.removeEventListener('abort', onAbort);
      };
      const onData = (chunk: Buffer) => {
        if (chunk.toString('utf8').split('\n').some(predicate)) {
          cleanup();
          resolve();
        }
      };
      const onAbort = () => {
        cleanup();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.role} did not get ready within ${ms / 1000} s:\n${this.tail()}`));
      }, ms);
      this.child.stdout?.on('data', onData);
      signal.addEventListener('abort', onAbort, { once: true });
      void this.exited.then(({ code, signal: sig }) => {
        cleanup();
        reject(new Error(`${this.role} exited (code ${code}, signal ${sig}) before it was ready:\n${this.tail()}`));
      });
    });
  }

  /** SIGKILL: no draining and no goodbye, as in a crash (the crash drills). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /**
   * SIGTERM, which lets Hookline finish what it has in flight; SIGKILL after `graceMs`. Resolves
   * with how it ended; `killed` means it had to be killed.
   */
  async stop(graceMs: number): Promise<{ code: number | null; killed: boolean }> {
    this.peakRssMb();
    if (this.#hasExited) return { code: (await this.exited).code, killed: false };
    this.child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.child.kill('SIGKILL');
    }, graceMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return { code, killed };
  }
}

/**
 * Profiling flags for one child: `BENCH_CPU_PROF_DIR` writes V8 CPU profiles of it on exit, into
 * `<dir>/<label>-<role>-<time>/`. One file per thread: from the build that is one; a child run
 * from source under tsx has two (its module loader runs in a thread of its own), the main thread's
 * the larger (see bench/profile-summary.ts).
 */
function profilingArgs(role: string, label: string): string[] {
  const root = process.env.BENCH_CPU_PROF_DIR;
  if (!root) return [];
  const dir = resolve(root, `${label}-${role}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * The environment of a child: the harness's own, minus anything that would configure Hookline
 * behind the benchmark's back (HOOKLINE_*, DATABASE_URL, PORT, HOST, NODE_ENV, NODE_OPTIONS),
 * plus the settings given.
 */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('HOOKLINE_') || ['DATABASE_URL', 'PORT', 'HOST', 'NODE_ENV', 'NODE_OPTIONS'].includes(key))
      continue;
    env[key] = value;
  }
  return { ...env, ...settings };
}

/**
 * Starts one Hookline process: `entry` is a path from the repository root, a built `.js` run by node
 * as it is, or a `.ts` source run under tsx (the crash drills); `nodeFlags` go before it.
 */
export function spawnChild(
  role: 'api' | 'worker',
  entry: string,
  label: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): HooklineChild {
  const loader = entry.endsWith('.ts') ? ['--import', tsxLoader] : [];
  const args = [...loader, ...nodeFlags, ...profilingArgs(role, label), resolve(repoRoot, entry)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new HooklineChild(role, child);
}

export interface Hookline {
  /** `http://127.0.0.1:<port>` of the API. */
  url: string;
  api: HooklineChild;
  /** The first worker process; null when only the API runs. */
  worker: HooklineChild | null;
  /** Every worker process (`worker` first). */
  workers: HooklineChild[];
  rest: RestClient;
  /** A small pool on the scenario's database, for counting and checking. */
  sql: postgres.Sql;
  /** The processes' CPU time so far, in ms (api, every worker together). */
  cpuMs(): { apiMs: number; workerMs: number };
  /**
   * Stops the worker, then the API, with SIGTERM (both drain first), closes the harness's pools,
   * and throws when a process had to be killed or exited non-zero. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Starts the API (and the worker when asked) on `databaseUrl` and waits until both are ready. */
export async function startHookline(options: StartHooklineOptions): Promise<Hookline> {
  ensureCompiledBuild(repoRoot, [apiEntry, workerEntry], options.log);
  const nodeFlags = options.nodeFlags ?? benchNodeFlags();
  const adminKey = `bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const common = {
    DATABASE_URL: options.databaseUrl,
    // The SSRF guard refuses private and loopback receivers unless allowed; the bench receiver is on loopback.
    HOOKLINE_ALLOWED_CIDRS: '127.0.0.0/8',
    NODE_ENV: 'production',
    // Production refuses to start without one; the API and the worker must share it.
    HOOKLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Off measures what recording metrics costs (the metrics-cost scenario, BENCH_METRICS=off).
    HOOKLINE_METRICS: (options.metrics ?? process.env.BENCH_METRICS !== 'off') ? 'on' : 'off',
  };
  const started = performance.now();
  // The API migrates the database; the worker migrates too, so start the API first and the worker
  // once the schema exists, rather than racing two migrations.
  const api = spawnChild(
    'api',
    apiEntry,
    options.label,
    {
      ...common,
      PORT: String(port),
      HOST: '127.0.0.1',
      HOOKLINE_ADMIN_KEY: adminKey,
      // The default limit (256 KiB) admits only ≈240 of the benchmark's 1 KB events in one batch;
      // publishBatch takes up to 1,000, so allow a full batch.
      HOOKLINE_MAX_PAYLOAD_BYTES: String(apiMaxPayloadBytes),
    },
    nodeFlags,
  );
  const workers: HooklineChild[] = [];
  const url = `http://127.0.0.1:${port}`;
  const rest = new RestClient(url, adminKey, options.apiConnections ?? 32);
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const problems: string[] = [];
    await rest.close();
    const graceMs = (options.worker?.requestTimeoutMs ?? 15_000) + 15_000;
    for (const child of [...workers, api]) {
      const { code, killed } = await child.stop(graceMs);
      if (killed) problems.push(`${child.role} did not stop within ${graceMs / 1000} s of SIGTERM and was killed`);
      else if (code !== 0) problems.push(`${child.role} exited with code ${code}:\n${child.tail()}`);
    }
    await sql.end({ timeout: 5 });
    if (problems.length > 0) throw new Error(problems.join('; '));
  };

  try {
    await waitForHealth(api, url, options.signal);
    api.readyPeakRssMb = api.peakRssMb();
    const workerSettings = options.worker;
    if (workerSettings) {
      // One after another: each migrates on start, and the first creates the queues.
      for (let i = 0; i < (workerSettings.processes ?? 1); i++) {
        const worker = spawnChild(
          'worker',
          workerEntry,
          options.label,
          {
            ...common,
            // Nothing scrapes it here, and 3001 may be taken.
            HOOKLINE_WORKER_PORT: '0',
            HOOKLINE_WORKER_BATCH_SIZE: String(workerSettings.batchSize),
            HOOKLINE_WORKER_CONCURRENCY: String(workerSettings.concurrency),
            ...(workerSettings.requestTimeoutMs === undefined
              ? {}
              : { HOOKLINE_REQUEST_TIMEOUT_MS: String(workerSettings.requestTimeoutMs) }),
            ...workerSettings.env,
          },
          nodeFlags,
        );
        workers.push(worker);
        await worker.waitForLine((line) => line.includes('"delivery worker started"'), 60_000, options.signal);
        worker.readyPeakRssMb = worker.peakRssMb();
      }
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  options.log(
    `Hookline up in ${((performance.now() - started) / 1000).toFixed(1)} s: API pid ${api.pid} on ${url}` +
      (workers.length > 0 ? `, worker pid ${workers.map((w) => w.pid).join(', ')}` : ''),
  );
  return {
    url,
    api,
    worker: workers[0] ?? null,
    workers,
    rest,
    sql,
    cpuMs: () => ({ apiMs: api.cpuMs() ?? 0, workerMs: workers.reduce((sum, w) => sum + (w.cpuMs() ?? 0), 0) }),
    stop,
  };
}

async function waitForHealth(api: HooklineChild, url: string, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    signal.throwIfAborted();
    if (api.hasExited) throw new Error(`the API exited before it was healthy:\n${api.tail()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API was not healthy within 60 s:\n${api.tail()}`);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
  }
}

/** The REST API (`/api/v1`) over an undici keep-alive pool, with the admin key. */
export class RestClient {
  readonly #pool: Pool;
  readonly #authorization: string;

  constructor(url: string, adminKey: string, connections: number) {
    this.#pool = new Pool(url, { connections, keepAliveTimeout: 60_000, pipelining: 1 });
    this.#authorization = `Bearer ${adminKey}`;
  }

  /** A REST call: `path` is under /api/v1. */
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    return this.requestAt<T>(method, `/api/v1${path}`, body);
  }

  /** A call to any path of the API's server (`/health`, tRPC's `/trpc/…`), with the same key. */
  async requestAt<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const response = await this.#pool.request({
      method,
      path,
      headers: {
        authorization: this.#authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new HttpError(response.statusCode, text, `${method} ${path}`);
    return JSON.parse(text) as T;
  }

  async createApplication(name: string): Promise<string> {
    const app = await this.request<{ id: string }>('POST', '/applications', { name });
    return app.id;
  }

  async createEndpoint(
    appId: string,
    endpoint: {
      url: string;
      eventTypes?: string[];
      retrySchedule?: number[];
      description?: string;
      filter?: Record<string, unknown>;
      rateLimit?: number;
      maxInFlight?: number;
    },
  ): Promise<string> {
    const created = await this.request<{ id: string }>('POST', `/applications/${appId}/endpoints`, endpoint);
    return created.id;
  }

  async publish(appId: string, event: PublishBody): Promise<PublishResult> {
    return this.request<PublishResult>('POST', `/applications/${appId}/events`, event);
  }

  async publishBatch(appId: string, events: PublishBody[]): Promise<PublishResult[]> {
    const result = await this.request<{ events: PublishResult[] }>('POST', `/applications/${appId}/events/batch`, {
      events,
    });
    return result.events;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

export interface PublishBody {
  type: string;
  version: string;
  data: unknown;
  idempotencyKey?: string;
  orderingKey?: string;
}

export interface PublishResult {
  id: string;
  duplicate: boolean;
  deliveries: { id: string; endpointId: string }[];
  warnings: string[];
}
