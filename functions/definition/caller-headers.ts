/**
 * How a backend other than Lambda learns who called: request headers the gateway sets from the
 * authorizer's answer, replacing whatever the client sent under those names. On AWS they are
 * integration request parameters (`context.authorizer.<key>`), so each header's value must already
 * sit in the authorizer context as one string; locally the gateway and the metered proxy set the
 * same headers from the same context.
 */
import type { AccountScope } from '../domain/keys/key-model';
import type { EffectiveRateLimit } from '../domain/rate-limit-headers';
import type { ApiKeyHeaderMode } from './api';

/** Header name → the authorizer context key that holds its value. */
export const CALLER_HEADERS = {
  'X-Caller-Organization': 'organizationId',
  'X-Caller-Key-Id': 'keyId',
  /** Comma-separated presets and scopes. */
  'X-Caller-Permissions': 'callerPermissions',
  /**
   * Comma-separated sub-account ids (a `*` key's organization's, spelled out), `*` past 4 KB of
   * them, or NO_ACCOUNTS when there are none.
   */
  'X-Caller-Accounts': 'callerAccounts',
  /** `live` or `test`. */
  'X-Caller-Environment': 'environment',
  /**
   * The caller's requests per minute: the key's own `rateLimitPerMinute`, else its organization's
   * plan figure. For the X-RateLimit-* response headers. Not sent when the authorizer could not tell
   * (its organization unreadable); a backend treats an empty one the same. Then it sends no such
   * headers.
   */
  'X-Caller-Rate-Limit': 'rateLimit',
  /** Whose that limit is: `key` or `organization` (shared by the organization's keys). */
  'X-Caller-Rate-Limit-Scope': 'rateLimitScope',
  /** `<rest api id>/<stage>`: where the authorizer signed (domain/caller-assertion.ts). */
  'X-Caller-Audience': 'callerAudience',
  /** When the authorizer signed, epoch seconds. */
  'X-Caller-Issued-At': 'callerIssuedAt',
  /** HMAC-SHA256 over the headers above with the caller signing secret: proves the gateway sent them. */
  'X-Caller-Signature': 'callerSignature',
} as const;
/** The name of one caller header, such as `X-Caller-Organization`. */
export type CallerHeader = keyof typeof CALLER_HEADERS;

/**
 * X-Caller-Accounts of a caller without sub-accounts. An empty value would read as a missing
 * header (and API Gateway may drop a header mapped to an empty value), so "none" has a marker that
 * no account id can be (ids match /^[A-Za-z0-9_-]{1,64}$/).
 */
export const NO_ACCOUNTS = '~';

/**
 * The authorizer context entries that only the caller headers read: the context already holds
 * `organizationId`, `keyId` and `environment`, but permissions and accounts as JSON.
 */
export function callerHeaderContext(key: {
  permissions: readonly string[];
  accounts: AccountScope;
  rateLimit?: EffectiveRateLimit;
}) {
  return {
    callerPermissions: key.permissions.join(','),
    callerAccounts: key.accounts === '*' ? '*' : key.accounts.length === 0 ? NO_ACCOUNTS : key.accounts.join(','),
    ...(key.rateLimit && { rateLimit: String(key.rateLimit.perMinute), rateLimitScope: key.rateLimit.scope }),
  };
}

/**
 * What a backend gets in place of the client's API key: the key never leaves the gateway, so no
 * backend's access log can hold it. On AWS the HTTP integration maps each key header to this
 * static value, which replaces the client's; the local gateway and the metered proxy send the same.
 */
export const REDACTED_KEY = 'redacted';

/**
 * The headers that may carry the client's key in a mode (definition/api.ts), as sent to a backend.
 * In `x-api-key` mode Authorization is not a key (a user's token, say) and passes on; x-api-key is
 * redacted in every mode, since clients that send the key both ways are common and the header
 * means nothing else.
 */
export function keyHeadersOf(mode: ApiKeyHeaderMode): readonly string[] {
  return mode === 'x-api-key' ? ['x-api-key'] : ['x-api-key', 'Authorization'];
}

/**
 * The caller headers of a request, from an authorizer context (the local gateway, the metered
 * proxy), as API Gateway's HTTP_PROXY maps them: a header whose context value is missing or empty
 * is not sent at all (the mapping is skipped, not sent empty). So a caller whose authorizer could
 * not tell its rate limit gets no X-Caller-Rate-Limit, and its caller-v1 signature verifies.
 */
export function callerHeadersOf(context: Readonly<Record<string, unknown>>): Partial<Record<CallerHeader, string>> {
  return Object.fromEntries(
    Object.entries(CALLER_HEADERS).flatMap(([header, key]) => {
      const value = context[key];
      return value === undefined || value === null || value === '' ? [] : [[header, String(value)]];
    }),
  );
}
