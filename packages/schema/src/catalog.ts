import type { z } from 'zod';
import { assertCatalogIsConsistent } from './consistency';
import { lookupVersion, type EventCatalogShape, type EventVersionDefinition } from './define';
import { customerCreated, customerUpdated } from './events/customer';
import { deliveryExhausted, deliveryRecovered } from './events/delivery';
import { endpointDisabled } from './events/endpoint';
import { orderCancelled, orderCreated, orderUpdated } from './events/order';
import { paymentFailed, paymentSucceeded } from './events/payment';

/**
 * Every event type Hookline accepts, and every version of it. Listed here by name (not spread from the
 * resource files) so that the whole catalog reads at a glance and a type registered twice is a compile error.
 */
export const eventCatalog = {
  'order.created': orderCreated,
  'order.updated': orderUpdated,
  'order.cancelled': orderCancelled,
  'payment.succeeded': paymentSucceeded,
  'payment.failed': paymentFailed,
  'customer.created': customerCreated,
  'customer.updated': customerUpdated,
  'endpoint.disabled': endpointDisabled,
  'delivery.exhausted': deliveryExhausted,
  'delivery.recovered': deliveryRecovered,
} satisfies EventCatalogShape;

// A broken registration (bad example, missing conversion) fails every importer at startup.
assertCatalogIsConsistent(eventCatalog);

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog & string;
export type EventVersion<T extends EventType> = keyof EventCatalog[T] & string;
export type EventData<T extends EventType, V extends EventVersion<T>> =
  EventCatalog[T][V] extends EventVersionDefinition<string, string, infer TSchema> ? z.output<TSchema> : never;

/**
 * Every (type, version) with its data, as a union discriminated by type and version. A typed publisher
 * that accepts this cannot send 2.0's data under "1.0".
 */
export type PublishableEvent = {
  [T in EventType]: { [V in EventVersion<T>]: { type: T; version: V; data: EventData<T, V> } }[EventVersion<T>];
}[EventType];

/**
 * An endpoint's version pins: for each type it names, the version it wants to receive, whatever version
 * the producer published. Typed so that a pin to a version the type does not have is a compile error.
 */
export type VersionPins = { [T in EventType]?: EventVersion<T> };

export function findEventVersion(type: string, version: string): EventVersionDefinition | undefined {
  return lookupVersion(eventCatalog, type, version);
}
