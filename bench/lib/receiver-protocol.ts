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
  /**
   * Only when asked for, and only after a `reset` with `recordWebhookIds`: the `webhook-id` header
   * (Hookline sends the event id) and receive time of every request that carried one, in arrival
   * order. A sender that sets its own headers cannot carry `x-bench-sent-at`; the harness matches
   * these ids against the publish times it recorded instead.
   */
  webhookIds?: { ids: string[]; receivedAt: number[] };
}

export type ParentMessage =
  | { type: 'summary'; id: number; timings: boolean }
  | { type: 'reset'; id: number; recordWebhookIds: boolean }
  | { type: 'open-origin'; id: number }
  | { type: 'wait-for-count'; id: number; count: number }
  | { type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'summary'; id: number; summary: ReceiverSummary }
  | { type: 'done'; id: number }
  | { type: 'origin'; id: number; port: number };
