import { TRPCClientError } from '@trpc/client';

/** 0 success; 1 the API refused (or could not be reached); 2 the command line itself is wrong. */
export const exitCodes = { ok: 0, refused: 1, usage: 2 } as const;

/** A mistake on the command line (a missing option, unreadable --data, no API key configured): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

// A batch of a thousand bad events names a thousand fields; the first ones say what is wrong.
const maxIssuesShown = 20;

type WireErrorData = { code?: string; httpStatus?: number; issues?: { path: (string | number)[]; message: string }[] };

/**
 * What the user reads on stderr when a call fails, and the exit code. The API's message already names
 * every field at fault (`data.amount: expected number, received string`); its stable `code` follows.
 */
export function describeFailure(error: unknown, apiUrl: string | undefined): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: `hookline: ${error.message}`, exitCode: exitCodes.usage };
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<never>).data as WireErrorData | undefined;
    if (data?.code) {
      // Several fields at fault read better one a line than joined into one long message.
      const message =
        data.issues && data.issues.length > 1
          ? [
              `hookline: the API refused the request (code: ${data.code}):`,
              ...data.issues.slice(0, maxIssuesShown).map(formatIssue),
              ...(data.issues.length > maxIssuesShown ? [`  … and ${data.issues.length - maxIssuesShown} more`] : []),
            ].join('\n')
          : `hookline: ${error.message} (code: ${data.code})`;
      return { message, exitCode: exitCodes.refused };
    }
    // No wire error at all: the request never reached a Hookline API (refused connection, DNS, a proxy's page).
    return {
      message: `hookline: could not reach Hookline at ${apiUrl ?? 'the configured URL'}: ${causeChain(error)} (code: unreachable). Check HOOKLINE_URL or run \`hookline login\`.`,
      exitCode: exitCodes.refused,
    };
  }
  return {
    message: `hookline: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: exitCodes.refused,
  };
}

const formatIssue = (issue: { path: (string | number)[]; message: string }) =>
  `  - ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:1": each distinct message down an error's causes. */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error && messages.length < 5; e = e.cause) {
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  }
  return messages.join(': ');
}
