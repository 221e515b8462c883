import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ReceiverSummary } from './receiver-protocol';

export type { ReceiverSummary } from './receiver-protocol';

/** The receiver as a scenario sees it. */
export interface ReceiverHandle {
  /** `http://127.0.0.1:<port>`; append `/ok`, `/fail`, `/hang` or `/slow?ms=…` (any suffix after the mode is allowed). */
  url: string;
  /**
   * Zeroes the counts and drops recorded timings. `recordWebhookIds: true` makes the receiver keep
   * every `webhook-id` header with its receive time until the next reset (see `summary`).
   */
  reset(options?: { recordWebhookIds?: boolean }): Promise<void>;
  /**
   * Counts since the last reset; `timings: true` adds the `x-bench-sent-at` pairs and, when the
   * last reset asked for them, the `webhook-id` receive times.
   */
  summary(options?: { timings?: boolean }): Promise<ReceiverSummary>;
  /**
   * Opens one more port with the same behaviour and shared counts, and returns its
   * `http://127.0.0.1:<port>`: a different origin, so a sender gives it a connection pool of its
   * own, as it would a different customer's server. It stays open until the receiver stops.
   */
  openOrigin(): Promise<string>;
  /** Resolves once `count` requests have been received since the last reset. */
  waitForCount(count: number, signal?: AbortSignal): Promise<void>;
}

export interface ReceiverProcess extends ReceiverHandle {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const receiverPath = fileURLToPath(new URL('../receiver.ts', import.meta.url));

/** Forks bench/receiver.ts under tsx and resolves once it listens. */
export async function startReceiver(): Promise<ReceiverProcess> {
  const child = fork(receiverPath, [], {
    // Our own tsx loader, not whatever flags this process was started with.
    execArgv: ['--import', import.meta.resolve('tsx')],
    // Structured clone rather than JSON: summaries can carry tens of thousands of timings.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('receiver did not start within 15 s')), 15_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`receiver exited before listening (code ${code}, signal ${signal})`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  return new ReceiverClient(child, `http://127.0.0.1:${port}`);
}

type Pending = { resolve: (message: ChildMessage) => void; reject: (error: Error) => void };

class ReceiverClient implements ReceiverProcess {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #exited = false;
  readonly pid: number | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.pid = child.pid;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      pending.resolve(message);
    });
    child.on('exit', (code, signal) => {
      this.#exited = true;
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`receiver exited (code ${code}, signal ${signal})`));
      }
      this.#pending.clear();
    });
  }

  async reset(options: { recordWebhookIds?: boolean } = {}): Promise<void> {
    await this.#request((id) => ({ type: 'reset', id, recordWebhookIds: options.recordWebhookIds ?? false }));
  }

  async openOrigin(): Promise<string> {
    const reply = await this.#request((id) => ({ type: 'open-origin', id }));
    if (reply.type !== 'origin') throw new Error(`receiver answered ${reply.type} to open-origin`);
    return `http://127.0.0.1:${reply.port}`;
  }

  async summary(options: { timings?: boolean } = {}): Promise<ReceiverSummary> {
    const reply = await this.#request((id) => ({ type: 'summary', id, timings: options.timings ?? false }));
    if (reply.type !== 'summary') throw new Error(`receiver answered ${reply.type} to summary`);
    return reply.summary;
  }

  async waitForCount(count: number, signal?: AbortSignal): Promise<void> {
    await this.#request((id) => ({ type: 'wait-for-count', id, count }), signal);
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'shutdown' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }

  #request(build: (id: number) => ParentMessage, signal?: AbortSignal): Promise<ChildMessage> {
    if (this.#exited) return Promise.reject(new Error('receiver is not running'));
    const id = this.#nextId++;
    return new Promise<ChildMessage>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (message) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(message);
        },
        reject,
      });
      this.child.send(build(id));
    });
  }
}
