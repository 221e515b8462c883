export { createHooklineClient, type HooklineClient, type HooklineClientOptions } from './trpc-client';
export type { AppRouter } from '@hookline/api';
export type { PublishableEvent, EventType, EventData } from '@hookline/schema';
