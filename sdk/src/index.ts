/** The TypeScript SDK of the API key platform: a typed client, typed errors, pagination, webhooks. */
export { type ApiClient, type ApiMethod, type ClientOptions, createClient } from './client';
export {
  ApiError,
  BadRequestError,
  ConflictError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  PaymentRequiredError,
  QuotaExceededError,
  RateLimitError,
  UnauthorizedError,
} from './errors';
export { type Page, paginate } from './paginate';
export type { RetryOptions } from './retry';
export type { components, paths, webhooks } from './schema';
export {
  type ApiWebhookEvent,
  verifyWebhook,
  type WebhookEvent,
  type WebhookHeaders,
  WebhookVerificationError,
} from './webhooks';
