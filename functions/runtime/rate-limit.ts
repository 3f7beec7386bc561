/**
 * Rate limits in the platform's route handlers (and so in the metered proxy) as a middy
 * middleware. It runs first, before the handler and before credits are charged, so a rejected
 * call does no work and costs nothing, and every response, errors included, carries
 * X-RateLimit-Limit, -Remaining and -Reset (domain/rate-limit-headers.ts).
 *
 * - A key with its own `rateLimitPerMinute` is held to it exactly: one atomic ADD per call (none
 *   once this instance has seen the window used up), 429 with Retry-After when over, and the
 *   headers from that exact count.
 * - Any other key gets its organization's plan figure in the headers, with what remains estimated
 *   from this instance's own count: no DynamoDB request. API Gateway's usage plan enforces it.
 * - Fail open: when the counter cannot be reached the call goes through, with an error logged and
 *   the estimate in the headers. A per-key limit is a cap the customer chose, not billing or
 *   security, and the organization's usage plan still throttles at the gateway; failing closed
 *   would turn a DynamoDB throttle or outage into an outage of every limited key. (Credits, which
 *   are money, fail closed.)
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type Clock, systemClock } from '../domain/clock';
import { RateLimitedError } from '../domain/errors';
import { decisionHeaders, type RateLimitDecision, type RateLimiter, rateLimitedMessage } from '../domain/rate-limit';
import {
  contextRateLimitHeaders,
  type EffectiveRateLimit,
  estimatedRateLimitHeaders,
  InstanceCallCounter,
} from '../domain/rate-limit-headers';
import { withHeaders } from '../domain/response-headers';
import { platformCallerOf } from './http-request';
import type { HttpResponse } from './http-response';

type HttpRequest = Request<APIGatewayProxyEvent, HttpResponse>;

export interface RateLimitLog {
  error(message: string, details: Record<string, unknown>): void;
}

export interface RateLimitOptions {
  /** This instance's calls per scope and minute, for the estimated headers. */
  counter?: InstanceCallCounter;
  clock?: Clock;
}

export function rateLimit(
  limiter: Pick<RateLimiter, 'check'>,
  log: RateLimitLog,
  options: RateLimitOptions = {},
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  const counter = options.counter ?? new InstanceCallCounter();
  const clock = options.clock ?? systemClock;
  const headersOf = new WeakMap<HttpRequest, Record<string, string>>();
  const addHeaders = async (request: HttpRequest) => {
    const headers = headersOf.get(request);
    if (headers && request.response) request.response = withHeaders(request.response, headers);
  };
  return {
    before: async (request: HttpRequest) => {
      const context = request.event.requestContext?.authorizer;
      const own = context?.rateLimitPerMinute;
      if (own !== undefined && own !== null) {
        const { keyId, organizationId, rateLimitPerMinute } = platformCallerOf(request.event);
        if (rateLimitPerMinute !== undefined && keyId !== undefined) {
          let decision: RateLimitDecision;
          try {
            decision = await limiter.check(keyId, rateLimitPerMinute);
          } catch (error) {
            log.error('Rate limit counter failed; the call goes through (fail open)', { keyId, error });
            const limit: EffectiveRateLimit = { perMinute: rateLimitPerMinute, scope: 'key' };
            headersOf.set(request, estimatedRateLimitHeaders(counter, limit, { keyId, organizationId }, clock()));
            return;
          }
          headersOf.set(request, decisionHeaders(decision));
          if (!decision.allowed) throw new RateLimitedError(rateLimitedMessage(decision), decision.retryAfterSeconds);
          return;
        }
      }
      const headers = contextRateLimitHeaders(counter, context, clock());
      if (headers) headersOf.set(request, headers);
    },
    after: addHeaders,
    onError: addHeaders,
  };
}
