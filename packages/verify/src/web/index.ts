// `@hookline/verify/web`: verification on Web Crypto alone, for runtimes without node:crypto.
export { verifyWebhook, type RequestVerifyOptions, type VerifyWebhookOptions } from './verify-webhook';
export { verifyFetchRequest } from './verify-fetch-request';
export { WebhookVerificationError, type WebhookVerificationErrorCode } from '../errors';
export type { HeadersInput } from '../header-value';
