/** Messages between the harness and bench/receiver.ts over the fork IPC channel. */

/** What the receiver has seen since it started or was last reset. */
export interface ReceiverSummary {
  /** Requests whose body was read to the end, whatever the path. */
  count: number;
  /** The same count per URL path (query string left off), e.g. `{ "/ok": 20000 }`. */
  byPath: Record<string, number>;
  /** Body bytes read. */
  bytes: number;
  /** Receive time (epoch ms, `performance.timeOrigin + performance.now()`) of the first and last request. */
  firstAt: number | null;
  lastAt: number | null;
  /**
   * Only when asked for: one entry per request that carried `x-bench-sent-at` (epoch ms, same clock),
   * the header's value and the receive time, so latency is `receivedAt[i] - sentAt[i]`.
   */
  timings?: { sentAt: number[]; receivedAt: number[] };
}

export type ParentMessage =
  | { type: 'summary'; id: number; timings: boolean }
  | { type: 'reset'; id: number }
  | { type: 'wait-for-count'; id: number; count: number }
  | { type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'summary'; id: number; summary: ReceiverSummary }
  | { type: 'done'; id: number };
