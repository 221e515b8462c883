export { createHooklineClient, type HooklineClient, type HooklineClientOptions } from './trpc-client';
export { createHooklineRestClient, type HooklineRestClient, type HooklineRestClientOptions } from './rest-client';
export type { paths as RestPaths, components as RestComponents, operations as RestOperations } from './openapi';
export type { AppRouter } from '@hookline/api';
export type { PublishableEvent, EventType, EventData } from '@hookline/schema';
