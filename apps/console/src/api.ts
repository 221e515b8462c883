import { createHooklineClient, type AppRouter, type HooklineClient } from '@hookline/client';
import type { inferRouterOutputs } from '@trpc/server';
import { createContext, useContext } from 'react';

/**
 * The typed tRPC client on the API that served this page: every call is checked against the
 * router's types at build time. Authorization is the API's: the console only shows what it answers.
 */
export function createConsoleClient(apiKey: string): HooklineClient {
  return createHooklineClient({ url: window.location.origin, apiKey });
}

export const ClientContext = createContext<HooklineClient | null>(null);

export function useClient(): HooklineClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside a signed-in console');
  return client;
}

/** What an API error says to a person: its `message` (the API writes them for people). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong, and the API said nothing more.';
}

/**
 * The input field an API refusal names first (`filter` for `filter.$or.0.data.amount.$gtx: …`), read from
 * the issues of its 400, so a form can show the message beside that field; null when it names none.
 */
export function refusedField(error: unknown): string | null {
  const data = (error as { data?: { issues?: { path?: unknown[] }[] } } | null)?.data;
  const first = data?.issues?.[0]?.path?.[0];
  return typeof first === 'string' ? first : null;
}

/** What each procedure answers, by path: `Outputs['endpoints']['get']`. */
export type Outputs = inferRouterOutputs<AppRouter>;
