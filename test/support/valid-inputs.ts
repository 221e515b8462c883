import { orderCreatedV1 } from './fixtures';
import type { TestHookline } from './hookline';

/** Rows a test file creates first, so valid inputs can name things that exist. */
export type RealIds = Record<'appId' | 'endpointId' | 'spareEndpointId' | 'eventId' | 'deliveryId' | 'keyId', string>;

/**
 * Creates the rows `RealIds` names in a fresh application: an endpoint, a spare one (for the procedures
 * that delete), a published event with its delivery, and an application key (to revoke).
 */
export async function createRealIds(hookline: TestHookline, appName: string): Promise<RealIds> {
  const app = await hookline.client.applications.create.mutate({ name: appName });
  const endpoint = await hookline.client.endpoints.create.mutate({ appId: app.id, url: 'http://127.0.0.1:9/real' });
  const spare = await hookline.client.endpoints.create.mutate({ appId: app.id, url: 'http://127.0.0.1:9/spare' });
  const event = await hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'order.created',
    version: '1.0',
    data: orderCreatedV1,
  });
  const key = await hookline.client.apiKeys.create.mutate({ appId: app.id, name: 'to revoke' });
  return {
    appId: app.id,
    endpointId: endpoint.id,
    spareEndpointId: spare.id,
    eventId: event.id,
    deliveryId: event.deliveries[0]!.id,
    keyId: key.id,
  };
}

/**
 * A valid input per procedure, for the "valid but for one or two fields" shots that get past the
 * shape checks into the services. A procedure without one here still gets every other kind of shot.
 */
export function validInputsFor(ids: () => RealIds): Record<string, () => Record<string, unknown>> {
  const real = new Proxy({} as RealIds, { get: (_, key) => ids()[key as keyof RealIds] });
  return {
    'applications.create': () => ({ name: 'fuzzed' }),
    'applications.get': () => ({ appId: real.appId }),
    'endpoints.create': () => ({ appId: real.appId, url: 'http://127.0.0.1:9/x' }),
    'endpoints.list': () => ({ appId: real.appId }),
    'endpoints.get': () => ({ endpointId: real.endpointId }),
    'endpoints.update': () => ({ endpointId: real.endpointId, description: 'fuzzed' }),
    'endpoints.delete': () => ({ endpointId: real.spareEndpointId }),
    'endpoints.getSecret': () => ({ endpointId: real.endpointId }),
    'endpoints.rotateSecret': () => ({ endpointId: real.endpointId, graceSeconds: 60 }),
    'events.publish': () => ({ appId: real.appId, type: 'order.created', version: '1.0', data: orderCreatedV1 }),
    'events.publishBatch': () => ({
      appId: real.appId,
      events: [{ type: 'order.created', version: '1.0', data: orderCreatedV1 }],
    }),
    'events.get': () => ({ eventId: real.eventId }),
    'events.list': () => ({ appId: real.appId }),
    'eventTypes.get': () => ({ type: 'order.created' }),
    'deliveries.list': () => ({ endpointId: real.endpointId }),
    'deliveries.get': () => ({ deliveryId: real.deliveryId }),
    'apiKeys.create': () => ({ appId: real.appId, name: 'fuzzed' }),
    'apiKeys.list': () => ({ appId: real.appId }),
    'apiKeys.revoke': () => ({ keyId: real.keyId }),
    'deliveries.retry': () => ({ deliveryId: real.deliveryId }),
    'events.resend': () => ({ eventId: real.eventId, endpointId: real.endpointId }),
    'deadLetters.list': () => ({ appId: real.appId }),
    'deadLetters.replay': () => ({ filter: { appId: real.appId }, dryRun: true }),
  };
}
