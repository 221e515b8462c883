import { z } from 'zod';

/** HOOKLINE_METRICS: `on` (the default) records and serves /metrics; `off` does neither. */
export const MetricsSetting = z
  .enum(['on', 'off'], { message: 'must be on or off' })
  .default('on')
  .transform((value) => value === 'on');
