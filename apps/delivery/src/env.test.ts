import { describe, expect, it } from 'vitest';
import { deliveryOptionsFromEnv, loadDeliveryEnv } from './env';

describe('delivery worker configuration', () => {
  it('runs on defaults', () => {
    const options = deliveryOptionsFromEnv(loadDeliveryEnv({}));
    expect(options).toMatchObject({
      retrySchedule: undefined,
      minThrottleDelaySeconds: 60,
      endpointDisableAfterDays: 5,
      operatorAppId: null,
      queue: { expireInSeconds: 60, heartbeatSeconds: 10 },
    });
  });

  it('reads a retry schedule in seconds, fractions allowed, and an empty one as "no retries"', () => {
    expect(loadDeliveryEnv({ HOOKLINE_RETRY_SCHEDULE: '0.05, 5,300' }).HOOKLINE_RETRY_SCHEDULE).toEqual([0.05, 5, 300]);
    expect(loadDeliveryEnv({ HOOKLINE_RETRY_SCHEDULE: '' }).HOOKLINE_RETRY_SCHEDULE).toEqual([]);
  });

  it('keeps 30 days by default, reconciles every minute, and takes fractions for both', () => {
    expect(deliveryOptionsFromEnv(loadDeliveryEnv({}))).toMatchObject({ retentionDays: 30, reconcileSeconds: 60 });
    expect(
      deliveryOptionsFromEnv(loadDeliveryEnv({ HOOKLINE_RETENTION_DAYS: '0.001', HOOKLINE_RECONCILE_SECONDS: '0.5' })),
    ).toMatchObject({ retentionDays: 0.001, reconcileSeconds: 0.5 });
  });

  it('turns heartbeats off with 0', () => {
    expect(deliveryOptionsFromEnv(loadDeliveryEnv({ HOOKLINE_JOB_HEARTBEAT_SECONDS: '0' })).queue).toMatchObject({
      heartbeatSeconds: null,
    });
  });

  it.each([
    [{ HOOKLINE_RETRY_SCHEDULE: '5,soon' }, /HOOKLINE_RETRY_SCHEDULE: must be a comma-separated list/],
    [{ HOOKLINE_JOB_HEARTBEAT_SECONDS: '5' }, /HOOKLINE_JOB_HEARTBEAT_SECONDS: must be 0 \(off\) or at least 10/],
    [
      { HOOKLINE_JOB_EXPIRE_SECONDS: '10', HOOKLINE_REQUEST_TIMEOUT_MS: '15000' },
      /HOOKLINE_JOB_EXPIRE_SECONDS: must be longer than HOOKLINE_REQUEST_TIMEOUT_MS/,
    ],
    [{ HOOKLINE_OPERATOR_APP_ID: 'ops' }, /HOOKLINE_OPERATOR_APP_ID: must be an application id/],
    [{ HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS: '0' }, /HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS/],
    [{ HOOKLINE_RETENTION_DAYS: '0' }, /HOOKLINE_RETENTION_DAYS/],
    [{ HOOKLINE_RECONCILE_SECONDS: 'often' }, /HOOKLINE_RECONCILE_SECONDS/],
  ])('names the setting at fault: %o', (env, message) => {
    expect(() => loadDeliveryEnv(env)).toThrow(message);
  });
});
