/**
 * The per-key rate limit as a middy middleware. It runs before the handler (and before credits are
 * charged), so a rejected call does no work and costs nothing.
 *
 * - Keys without `rateLimitPerMinute` in the authorizer context are skipped before any parsing:
 *   no DynamoDB request, no header. The organization's plan limit is API Gateway's usage plan.
 * - Limited keys cost one atomic ADD per call (none once this instance has seen the window used
 *   up), get 429 with Retry-After when over, and every response of theirs carries X-RateLimit-*.
 * - Fail open: when the counter cannot be reached the call goes through, with an error logged.
 *   A per-key limit is a cap the customer chose, not billing or security, and the organization's
 *   usage plan still throttles at the gateway; failing closed would turn a DynamoDB throttle or
 *   outage into an outage of every limited key. (Credits, which are money, fail closed.)
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RateLimitedError } from '../domain/errors';
import { type RateLimitDecision, type RateLimiter, rateLimitedMessage, rateLimitHeaders } from '../domain/rate-limit';
import { platformCallerOf } from './http-request';
import type { HttpResponse } from './http-response';

type HttpRequest = Request<APIGatewayProxyEvent, HttpResponse>;

export interface RateLimitLog {
  error(message: string, details: Record<string, unknown>): void;
}

export function rateLimit(
  limiter: Pick<RateLimiter, 'check'>,
  log: RateLimitLog,
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  const decisions = new WeakMap<HttpRequest, RateLimitDecision>();
  const addHeaders = async (request: HttpRequest) => {
    const decision = decisions.get(request);
    if (decision && request.response) {
      request.response.headers = { ...request.response.headers, ...rateLimitHeaders(decision) };
    }
  };
  return {
    before: async (request: HttpRequest) => {
      const limited = request.event.requestContext?.authorizer?.rateLimitPerMinute;
      if (limited === undefined || limited === null) return;
      const { keyId, rateLimitPerMinute } = platformCallerOf(request.event);
      if (rateLimitPerMinute === undefined) return;
      let decision: RateLimitDecision;
      try {
        decision = await limiter.check(keyId, rateLimitPerMinute);
      } catch (error) {
        log.error('Rate limit counter failed; the call goes through (fail open)', { keyId, error });
        return;
      }
      decisions.set(request, decision);
      if (!decision.allowed) throw new RateLimitedError(rateLimitedMessage(decision), decision.retryAfterSeconds);
    },
    after: addHeaders,
    onError: addHeaders,
  };
}
