/**
 * Why an attempt failed, coarse enough for retry rules and dashboards. `blocked`: the destination is
 * not allowed (SSRF rules), so no request was sent.
 */
export type ErrorClass = 'http_status' | 'timeout' | 'connection' | 'dns' | 'tls' | 'aborted' | 'blocked' | 'other';

/** What one HTTP request to an endpoint came to, as a value (never an exception). */
export type AttemptOutcome =
  | { kind: 'success'; status: number; body: string; headers: Record<string, string>; durationMs: number }
  | {
      kind: 'failure';
      status: number | null;
      body: string | null;
      headers: Record<string, string>;
      errorClass: ErrorClass;
      error: string;
      durationMs: number;
    };
