import type { Transaction } from '@hookline/db';
import type { QueueClient } from './boss';
import {
  validateEventData,
  type DeliveryExhaustedV1,
  type DeliveryRecoveredV1,
  type EndpointDisabledV1,
} from '@hookline/schema';
import { storeEvents } from './store-events';

/** Something Hookline noticed about an application's endpoints or deliveries that an operator wants to hear of. */
export type OperationalFact =
  | { type: 'endpoint.disabled'; data: EndpointDisabledV1 }
  | { type: 'delivery.exhausted'; data: DeliveryExhaustedV1 }
  | { type: 'delivery.recovered'; data: DeliveryRecoveredV1 };

/**
 * Publishes operational events through Hookline's own pipeline, to the endpoints of the operator
 * application, inside `tx`: the event exists exactly when the change it reports commits.
 *
 * Facts about the operator application itself are dropped: otherwise an operator endpoint that is
 * down would exhaust the delivery of a `delivery.exhausted` event, which would report itself, forever.
 */
export async function publishOperationalEvents(
  tx: Transaction,
  boss: QueueClient,
  operatorAppId: string | null,
  facts: OperationalFact[],
): Promise<void> {
  if (!operatorAppId) return;
  const items = facts
    .filter((fact) => fact.data.appId !== operatorAppId)
    .map((fact) => {
      // Checked like any published event, so a bug here fails loudly instead of sending an operator
      // something off-schema.
      const checked = validateEventData(fact.type, '1.0', fact.data);
      if (!checked.ok)
        throw new Error(
          `operational event ${fact.type} is off-schema: ${checked.issues.map((i) => i.message).join('; ')}`,
        );
      return { type: fact.type, version: '1.0', data: checked.data };
    });
  if (items.length === 0) return;
  await storeEvents(tx, boss, { appId: operatorAppId, items });
}
