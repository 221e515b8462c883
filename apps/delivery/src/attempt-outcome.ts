/**
 * Why an attempt failed, coarse enough for retry rules and dashboards. `blocked`: the destination is
 * not allowed (SSRF rules), so no request was sent; it counts against the endpoint's health like any
 * failure, since an endpoint that keeps pointing there is broken. The not-sent classes say nothing
 * about the receiver: `endpoint_disabled`, the endpoint was switched off after the attempt was queued;
 * `unconvertible`, the event cannot be converted to the version the endpoint pins; `unsigned`, the
 * endpoint's signing keys cannot be decrypted (a wrong HOOKLINE_ENCRYPTION_KEY), so nothing unsigned leaves.
 */
export type ErrorClass =
  'http_status' | 'timeout' | 'connection' | 'dns' | 'tls' | 'aborted' | 'blocked' | 'other' | NotSentClass;
export type NotSentClass = 'endpoint_disabled' | 'unconvertible' | 'unsigned';

export const isNotSent = (errorClass: ErrorClass): errorClass is NotSentClass =>
  errorClass === 'endpoint_disabled' || errorClass === 'unconvertible' || errorClass === 'unsigned';

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

/** The outcome recorded for an attempt that was not made, and why. */
export function notSentOutcome(errorClass: NotSentClass, error: string): AttemptOutcome {
  return { kind: 'failure', status: null, body: null, headers: {}, errorClass, error, durationMs: 0 };
}

export const endpointDisabledOutcome = notSentOutcome('endpoint_disabled', 'endpoint is disabled');
