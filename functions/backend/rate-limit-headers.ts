/**
 * X-RateLimit-Limit, -Remaining and -Reset on a team backend's responses. API Gateway cannot add
 * headers to a proxy integration's answer, so the backend does, from the limit the authorizer put
 * in the caller. What remains is estimated from this instance's (or process's) own count of the
 * minute's calls: it never under-states it, and over-states it by at most the calls other
 * instances answered in that minute (docs/design.md, "Rate-limit headers").
 */
import {
  contextRateLimitHeaders,
  type EffectiveRateLimit,
  estimatedRateLimitHeaders,
  InstanceCallCounter,
} from '../domain/rate-limit-headers';
import { type ResultHeaders, withHeaders } from '../domain/response-headers';
import type { ProxyEventWithCaller } from './caller';
import type { Caller } from './index';

/** One per instance: the calls it answered, per caller scope, in the current minute. */
const counter = new InstanceCallCounter();
/** Each event is counted once, however many times its headers are asked for. */
const headersOfEvent = new WeakMap<object, Record<string, string>>();

/**
 * The X-RateLimit-* headers for a Lambda backend's response to `event`, from the limit in its
 * authorizer context (the key's own `rateLimitPerMinute`, else its organization's plan). The first
 * call for an event counts it; later calls for the same event return the same headers. Empty when
 * the event carries no limit (not behind the platform's authorizer). Spread them into the
 * response's `headers`, errors included:
 *
 * ```ts
 * return { statusCode: 200, headers: { ...rateLimitHeaders(event) }, body };
 * ```
 */
export function rateLimitHeaders(event: ProxyEventWithCaller, now: Date = new Date()): Record<string, string> {
  const known = headersOfEvent.get(event);
  if (known) return known;
  const context = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const headers = contextRateLimitHeaders(counter, context, now) ?? {};
  headersOfEvent.set(event, headers);
  return headers;
}

/**
 * The X-RateLimit-* headers for an HTTP backend's response to a caller read with
 * `callerFromHeaders` (whose signature covers the limit). Counts one call; call it once per
 * request, after reading the caller, and set the headers on every answer, errors included:
 *
 * ```ts
 * const caller = callerFromHeaders(request.headers, { signingSecret });
 * response.writeHead(200, { ...callerRateLimitHeaders(caller), 'content-type': 'application/json' });
 * ```
 *
 * Empty when the caller carries no limit (an authorizer before it, or one that could not read the
 * organization's plan).
 */
export function callerRateLimitHeaders(
  caller: Pick<Caller, 'keyId' | 'organizationId'> & { rateLimit?: EffectiveRateLimit },
  now: Date = new Date(),
): Record<string, string> {
  return caller.rateLimit ? estimatedRateLimitHeaders(counter, caller.rateLimit, caller, now) : {};
}

/**
 * A middy middleware, as `use` of @middy/core takes it (spelled out, so the package's declarations
 * need no middy): see `rateLimitHeadersMiddleware`.
 */
export interface RateLimitHeadersMiddleware {
  after: (request: { event: ProxyEventWithCaller; response: unknown }) => Promise<void>;
  onError: (request: { event: ProxyEventWithCaller; response: unknown }) => Promise<void>;
}

/**
 * Middy middleware that puts `rateLimitHeaders(event)` on every response the stack returns, the
 * error handler's included. `use` it first, before your error handler, so that it runs after it,
 * and let the error handler set `request.response` rather than return it (middy ends the onError
 * chain at a middleware that returns a value). `accountScope()` puts the same headers on the
 * 400/403 it answers by itself.
 */
export function rateLimitHeadersMiddleware(): RateLimitHeadersMiddleware {
  const addHeaders = async (request: { event: ProxyEventWithCaller; response: unknown }) => {
    const response = request.response as ResultHeaders | undefined;
    if (!response || typeof response !== 'object') return;
    const headers = rateLimitHeaders(request.event);
    if (Object.keys(headers).length === 0) return;
    // Replaces the backend's own X-RateLimit-* in any letter case, multiValueHeaders included.
    request.response = withHeaders(response, headers);
  };
  return { after: addHeaders, onError: addHeaders };
}
