/**
 * Why an attempt failed, coarse enough for retry rules and dashboards. `endpoint_disabled` means
 * nothing was sent: the endpoint was switched off after the attempt was queued.
 */
export type ErrorClass = 'http_status' | 'timeout' | 'connection' | 'dns' | 'tls' | 'aborted' | 'endpoint_disabled' | 'other';

/** What one HTTP request to an endpoint came to, as a value (never an exception). */
export type AttemptOutcome =
  | { kind: 'success'; status: number; body: string; headers: Record<string, string>; durationMs: number }
  | {
      kind: 'failure';
      status: number | null;
      body: string | null;
      /** Response headers with lower-case names, as undici gives them. */
      headers: Record<string, string>;
      errorClass: ErrorClass;
      error: string;
      durationMs: number;
    };

/** The outcome recorded for an attempt that was not made because its endpoint is disabled. */
export const endpointDisabledOutcome: AttemptOutcome = {
  kind: 'failure',
  status: null,
  body: null,
  headers: {},
  errorClass: 'endpoint_disabled',
  error: 'endpoint is disabled',
  durationMs: 0,
};
