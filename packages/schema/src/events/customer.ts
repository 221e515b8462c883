import { z } from 'zod';
import { defineEventVersion, type EventVersionMap } from '../define';
import { UtcTimestamp } from '../fields';

export const CustomerCreatedV1 = z.strictObject({
  customerId: z.string().min(1),
  email: z.email(),
  name: z.string().min(1),
  createdAt: UtcTimestamp,
});
export type CustomerCreatedV1 = z.infer<typeof CustomerCreatedV1>;

export const CustomerUpdatedV1 = z.strictObject({
  customerId: z.string().min(1),
  email: z.email(),
  name: z.string().min(1),
  changedFields: z
    .array(z.enum(['email', 'name']))
    .min(1)
    .max(2)
    .describe('The fields whose values changed; the rest of the object is the customer as it is now.'),
  updatedAt: UtcTimestamp,
});
export type CustomerUpdatedV1 = z.infer<typeof CustomerUpdatedV1>;

export const customerCreated = {
  '1.0': defineEventVersion({
    type: 'customer.created',
    version: '1.0',
    description: 'A customer account was created.',
    schema: CustomerCreatedV1,
    example: {
      customerId: 'cus_42',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      createdAt: '2025-01-10T09:00:00.000Z',
    },
  }),
} satisfies EventVersionMap;

export const customerUpdated = {
  '1.0': defineEventVersion({
    type: 'customer.updated',
    version: '1.0',
    description: "A customer's details changed; carries the customer as it is now and which fields changed.",
    schema: CustomerUpdatedV1,
    example: {
      customerId: 'cus_42',
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      changedFields: ['email'],
      updatedAt: '2025-01-20T14:45:00.000Z',
    },
  }),
} satisfies EventVersionMap;
