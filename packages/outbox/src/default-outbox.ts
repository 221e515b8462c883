import { defineOutbox } from './define-outbox';

/** The outbox at `public.hookline_outbox`, for services that need only one and no names of their own. */
export const defaultOutbox = defineOutbox();

/** `defaultOutbox.enqueue`: writes one event inside the caller's transaction. */
export const enqueue = defaultOutbox.enqueue;
/** `defaultOutbox.enqueueMany`: writes events inside the caller's transaction, in one statement. */
export const enqueueMany = defaultOutbox.enqueueMany;
