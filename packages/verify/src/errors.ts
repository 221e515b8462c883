/** Why a webhook was rejected. Stable snake_case codes so receivers can log and alert on them. */
export type WebhookVerificationErrorCode =
  'missing_header' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'bad_signature' | 'invalid_body';

/**
 * The request is not an authentic, fresh webhook: answer 400/401 and do not process it.
 * Misconfiguration on the receiver's side (a parsed body, no secret) throws a plain Error instead,
 * so it surfaces as a 500 rather than silently rejecting every delivery.
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
