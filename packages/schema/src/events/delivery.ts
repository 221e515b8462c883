import { z } from 'zod';
import { defineEventVersion, type EventVersionMap } from '../define';
import { prefixedId } from '../fields';

// Hookline's own operational events about single deliveries (one event to one endpoint).

export const DeliveryExhaustedV1 = z.strictObject({
  deliveryId: prefixedId('dlv'),
  eventId: prefixedId('evt'),
  endpointId: prefixedId('ep'),
  appId: prefixedId('app'),
  attempts: z.number().int().min(1).describe('How many attempts were made, the last one included.'),
  lastError: z
    .string()
    .optional()
    .describe("The last attempt's error or response summary; absent when it left nothing worth reporting."),
});
export type DeliveryExhaustedV1 = z.infer<typeof DeliveryExhaustedV1>;

export const DeliveryRecoveredV1 = z.strictObject({
  endpointId: prefixedId('ep'),
  appId: prefixedId('app'),
  deliveryId: prefixedId('dlv').describe('The delivery whose success ended the run of failures.'),
  failuresBefore: z.number().int().min(1).describe('How many failed attempts in a row came before this success.'),
});
export type DeliveryRecoveredV1 = z.infer<typeof DeliveryRecoveredV1>;

export const deliveryExhausted = {
  '1.0': defineEventVersion({
    type: 'delivery.exhausted',
    version: '1.0',
    description: 'A delivery used up its retries and moved to the dead-letter queue; it can be replayed.',
    schema: DeliveryExhaustedV1,
    example: {
      deliveryId: 'dlv_7Kp2mX',
      eventId: 'evt_4Fq8nR',
      endpointId: 'ep_2b7Qz9',
      appId: 'app_8Hn3kd',
      attempts: 8,
      lastError: 'HTTP 503 Service Unavailable',
    },
  }),
} satisfies EventVersionMap;

export const deliveryRecovered = {
  '1.0': defineEventVersion({
    type: 'delivery.recovered',
    version: '1.0',
    description: 'An endpoint that had been failing accepted a delivery again.',
    schema: DeliveryRecoveredV1,
    example: {
      endpointId: 'ep_2b7Qz9',
      appId: 'app_8Hn3kd',
      deliveryId: 'dlv_9Tr4wB',
      failuresBefore: 5,
    },
  }),
} satisfies EventVersionMap;
