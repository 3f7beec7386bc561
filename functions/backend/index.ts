/**
 * `api-key-platform/backend`: what a team's backend uses at run time to learn who called (the
 * platform has checked the key and the route's permission already), to check the `account_id` of
 * a sub-account scoped route, to put X-RateLimit-* headers on its responses, and to publish its
 * webhook events. Its code carries what it runs on; its types use @types/aws-lambda and, for `eventPublisher`'s `sqs`, @aws-sdk/client-sqs (optional
 * peer dependencies: a backend on middy, Lambda and SQS has them already).
 */

import type { KeyEnvironment } from '../domain/keys/key-environment';
import type { AccountScope } from '../domain/keys/key-model';
import type { EffectiveRateLimit } from '../domain/rate-limit-headers';

export { CALLER_HEADERS, type CallerHeader } from '../definition/caller-headers';
export { AccountAccessError, type AccountScopeOptions, requireAccount } from '../domain/account-scope';
export { CallerSignatureError, type HeaderSource, MissingCallerError } from '../domain/caller-context';
export type { EffectiveRateLimit, RateLimitScope } from '../domain/rate-limit-headers';
export { type AccountScopedContext, type AccountScopeMiddleware, accountScope } from './account-scope-middleware';
export {
  type CallerHeaderOptions,
  callerFromHeaders,
  callerOf,
  DEFAULT_CALLER_MAX_AGE_SECONDS,
  type ProxyEventWithCaller,
  type SignedCallerHeaderOptions,
  signedCallerHeaders,
  type UnsignedCallerHeaderOptions,
} from './caller';
export { type EventPublisher, type EventPublisherOptions, eventPublisher, type PublishInput } from './events';
export {
  callerRateLimitHeaders,
  type RateLimitHeadersMiddleware,
  rateLimitHeaders,
  rateLimitHeadersMiddleware,
} from './rate-limit-headers';

/** Who called: the organization and API key the platform verified for this request. */
export interface Caller {
  organizationId: string;
  /** The calling key's id (`key_…`), never the key itself. */
  keyId: string;
  /** `live` for live keys, `test` for sandbox keys; keep their data apart. */
  environment: KeyEnvironment;
  /** The key's presets and scopes (`read`, `contacts:write`, `admin`). */
  permissions: string[];
  /**
   * The sub-accounts the key may act on, as ids. A key with accounts `*` comes with its
   * organization's ids (as of at most about six minutes ago); `*` only when they are too many for
   * a header (over 4 KB), and then `requireAccount` needs `accountsOf` to hold the key to them.
   */
  accounts: AccountScope;
  /**
   * The requests per minute that hold for the caller: the key's own `rateLimitPerMinute`
   * (`scope: 'key'`), else its organization's plan figure (`scope: 'organization'`, shared by the
   * organization's keys). What `rateLimitHeaders` and `callerRateLimitHeaders` report. Absent when
   * the authorizer could not tell.
   */
  rateLimit?: EffectiveRateLimit;
}
