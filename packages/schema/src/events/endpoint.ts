import { z } from 'zod';
import { defineEventVersion, type EventVersionMap } from '../define';
import { prefixedId, UtcTimestamp } from '../fields';

// Hookline's own operational events: emitted by Hookline about an application's endpoints, not published
// by a sibling service.

export const EndpointDisabledV1 = z.strictObject({
  endpointId: prefixedId('ep'),
  appId: prefixedId('app'),
  reason: z
    .enum(['consecutive_failures', 'gone', 'manual'])
    .describe(
      '`consecutive_failures`: deliveries kept failing until the failure limit; ' +
        '`gone`: the receiver answered 410 Gone; `manual`: an operator disabled it.',
    ),
  disabledAt: UtcTimestamp,
});
export type EndpointDisabledV1 = z.infer<typeof EndpointDisabledV1>;

export const endpointDisabled = {
  '1.0': defineEventVersion({
    type: 'endpoint.disabled',
    version: '1.0',
    description: 'Hookline stopped delivering to an endpoint; nothing more is sent to it until it is enabled again.',
    schema: EndpointDisabledV1,
    example: {
      endpointId: 'ep_2b7Qz9',
      appId: 'app_8Hn3kd',
      reason: 'consecutive_failures',
      disabledAt: '2025-01-20T03:14:00.000Z',
    },
  }),
} satisfies EventVersionMap;
