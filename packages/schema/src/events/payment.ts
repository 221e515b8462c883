import { z } from 'zod';
import { defineEventVersion, type EventVersionMap } from '../define';
import { CurrencyCode, UtcTimestamp } from '../fields';

const PaymentMethodV1 = z.enum(['card', 'bank_transfer', 'wallet']);

export const PaymentSucceededV1 = z.strictObject({
  paymentId: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().positive(),
  currency: CurrencyCode,
  method: PaymentMethodV1,
  succeededAt: UtcTimestamp,
});
export type PaymentSucceededV1 = z.infer<typeof PaymentSucceededV1>;

/** 1.1 adds the processor's fee, in the payment's currency, which reconciliation needs. */
export const PaymentSucceededV1_1 = z.strictObject({
  paymentId: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().positive(),
  currency: CurrencyCode,
  fee: z.number().min(0).describe("What the payment processor kept, in the payment's currency."),
  method: PaymentMethodV1,
  succeededAt: UtcTimestamp,
});
export type PaymentSucceededV1_1 = z.infer<typeof PaymentSucceededV1_1>;

export const PaymentFailedV1 = z.strictObject({
  paymentId: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().positive(),
  currency: CurrencyCode,
  method: PaymentMethodV1,
  failureCode: z
    .enum(['card_declined', 'insufficient_funds', 'expired_card', 'authentication_required', 'processing_error'])
    .describe('Stable code to branch on.'),
  failureMessage: z.string().min(1).describe('For people; its wording may change.'),
  failedAt: UtcTimestamp,
});
export type PaymentFailedV1 = z.infer<typeof PaymentFailedV1>;

export const paymentSucceeded = {
  '1.0': defineEventVersion({
    type: 'payment.succeeded',
    version: '1.0',
    description: 'A payment for an order was captured. Deprecated: it lacks the processor fee; publish 1.1.',
    schema: PaymentSucceededV1,
    deprecated: true,
    example: {
      paymentId: 'pay_5521',
      orderId: 'ord_1001',
      amount: 49.48,
      currency: 'USD',
      method: 'card',
      succeededAt: '2025-01-15T10:31:05.000Z',
    },
  }),
  '1.1': defineEventVersion({
    type: 'payment.succeeded',
    version: '1.1',
    description: 'A payment for an order was captured; `fee` is what the payment processor kept.',
    schema: PaymentSucceededV1_1,
    example: {
      paymentId: 'pay_5521',
      orderId: 'ord_1001',
      amount: 49.48,
      currency: 'USD',
      fee: 1.73,
      method: 'card',
      succeededAt: '2025-01-15T10:31:05.000Z',
    },
    // Down drops the fee. There is no fromPrevious: 1.0 data has no fee, and inventing 0 would be a lie.
    toPrevious: ({ fee: _fee, ...rest }): PaymentSucceededV1 => rest,
  }),
} satisfies EventVersionMap;

export const paymentFailed = {
  '1.0': defineEventVersion({
    type: 'payment.failed',
    version: '1.0',
    description: 'A payment attempt for an order failed; `failureCode` says why.',
    schema: PaymentFailedV1,
    example: {
      paymentId: 'pay_5522',
      orderId: 'ord_1002',
      amount: 120,
      currency: 'EUR',
      method: 'card',
      failureCode: 'insufficient_funds',
      failureMessage: 'The card has insufficient funds.',
      failedAt: '2025-01-15T12:00:41.000Z',
    },
  }),
} satisfies EventVersionMap;
