import type { HooklineClient } from '@hookline/client';
import type { Column } from './output';

export type Delivery = Awaited<ReturnType<HooklineClient['deliveries']['list']['query']>>['items'][number];
export type DeliveryWithAttempts = Awaited<ReturnType<HooklineClient['deliveries']['get']['query']>>;
export type Attempt = DeliveryWithAttempts['attempts'][number];

export const deliveryColumns: Column<Delivery>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'status', value: (d) => d.status },
  { header: 'attempts', value: (d) => d.attemptCount },
  { header: 'event', value: (d) => d.eventId },
  { header: 'endpoint', value: (d) => d.endpointId },
  { header: 'next attempt', value: (d) => d.nextAttemptAt },
  { header: 'created', value: (d) => d.createdAt },
];

/** How an attempt ended, in a few words: `204`, `500: receiver is broken`, `timeout: …`. */
export function attemptOutcome(a: Attempt): string {
  if (a.responseStatus !== null && a.errorClass === null) return String(a.responseStatus);
  const what = a.responseStatus !== null ? String(a.responseStatus) : (a.errorClass ?? 'error');
  return a.error ? `${what}: ${a.error}` : what;
}

export const attemptColumns: Column<Attempt>[] = [
  { header: '#', value: (a) => a.number },
  { header: 'started', value: (a) => a.startedAt },
  { header: 'ms', value: (a) => a.durationMs },
  { header: 'outcome', value: attemptOutcome },
  { header: 'rule', value: (a) => a.rule },
  { header: 'trigger', value: (a) => a.trigger },
  { header: 'next attempt', value: (a) => a.nextAttemptAt },
];
