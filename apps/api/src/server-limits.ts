/**
 * How long a client may take and how many may connect at once (HOOKLINE_HTTP_*_TIMEOUT_MS,
 * HOOKLINE_MAX_CONNECTIONS; defaults and reasons in docs/configuration.md). A client that trickles its
 * headers or its body, or opens thousands of idle sockets, is cut off instead of holding the server.
 */
export type ServerLimits = {
  /** The request line and headers must arrive within this; Node's default is a minute. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are refused (closed at once). */
  maxConnections: number;
};

export const defaultServerLimits: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
};
