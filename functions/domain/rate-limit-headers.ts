/**
 * X-RateLimit-Limit, -Remaining and -Reset for every product response, computed where the response
 * is made (API Gateway cannot add headers to a proxy integration's answer). The limit comes from
 * the authorizer's context: the key's own `rateLimitPerMinute`, else its organization's plan figure.
 *
 * `used` is exact where the platform counts anyway (a key's own limit, on the platform's routes and
 * the metered proxy). Everywhere else it is counted in the memory of the instance that answers
 * (`InstanceCallCounter`): no write on the request path. That estimate never under-states what
 * remains, and over-states it by at most the calls that other instances answered for the same
 * scope in the same minute (test/unit/rate-limit-headers.test.ts checks both).
 *
 * No AWS types and no zod: the key authorizer and `api-key-platform/backend` load it.
 */

/** Whose limit it is: the key's own, or its organization's plan (shared by all its keys). */
export type RateLimitScope = 'key' | 'organization';
const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = ['key', 'organization'];

/** The per-minute limit that holds for a caller, and whose it is. */
export interface EffectiveRateLimit {
  perMinute: number;
  scope: RateLimitScope;
}

const RATE_LIMIT_WINDOW_SECONDS = 60;

/** Whole seconds until the current clock-aligned minute ends, at least 1. */
export function secondsToReset(now: Date): number {
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
  const intoWindowMs = ((now.getTime() % windowMs) + windowMs) % windowMs;
  return Math.max(1, Math.ceil((windowMs - intoWindowMs) / 1000));
}

/** The three headers for a call that brought the minute's count to `used`. */
export function rateLimitHeaders(limit: number, used: number, now: Date): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - used)),
    'X-RateLimit-Reset': String(secondsToReset(now)),
  };
}

/**
 * The effective limit in an authorizer context (`rateLimit`, `rateLimitScope`: strings on AWS);
 * undefined when there is none (a limit of 0 means the authorizer could not tell) or it is malformed.
 */
export function effectiveRateLimitOf(
  context: { rateLimit?: unknown; rateLimitScope?: unknown } | null | undefined,
): EffectiveRateLimit | undefined {
  const raw = context?.rateLimit;
  const scope = context?.rateLimitScope;
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < 1) return undefined;
  if (!(RATE_LIMIT_SCOPES as readonly unknown[]).includes(scope)) return undefined;
  return { perMinute: Number(text), scope: scope as RateLimitScope };
}

/** The id whose calls share a limit: the key for its own limit, the organization for the plan's. */
export function scopeIdOf(limit: EffectiveRateLimit, caller: { keyId: string; organizationId: string }): string {
  return limit.scope === 'key' ? `key:${caller.keyId}` : `organization:${caller.organizationId}`;
}

/** Past this many scopes in one minute an instance starts the minute's counts over (memory bound). */
const MAX_COUNTED_SCOPES = 10_000;

/**
 * Calls this instance answered per scope in the current clock-aligned minute. A count can only be
 * at most the true count (other instances' calls are not seen), so `limit - count` is at least what
 * truly remains. Counts of past minutes are dropped as the minute turns; within a minute, past
 * MAX_COUNTED_SCOPES scopes the counts start over, which can only lower them (the bound on
 * over-statement then no longer holds for that minute; an instance serving one request at a time
 * would need over 160 distinct callers a second to reach it).
 */
export class InstanceCallCounter {
  private minute = Number.NaN;
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxScopes = MAX_COUNTED_SCOPES) {}

  /** Counts one call of `scopeId` at `now`; returns this instance's count for the minute, this call included. */
  count(scopeId: string, now: Date): number {
    const minute = Math.floor(now.getTime() / 1000 / RATE_LIMIT_WINDOW_SECONDS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.counts.clear();
    }
    const count = (this.counts.get(scopeId) ?? 0) + 1;
    if (count === 1 && this.counts.size >= this.maxScopes) this.counts.clear();
    this.counts.set(scopeId, count);
    return count;
  }
}

/**
 * The headers for one call, with `used` estimated on this instance. A call from an earlier minute
 * (a clock that went back) counts in its own minute, which starts the counts over.
 */
export function estimatedRateLimitHeaders(
  counter: InstanceCallCounter,
  limit: EffectiveRateLimit,
  caller: { keyId: string; organizationId: string },
  now: Date,
): Record<string, string> {
  return rateLimitHeaders(limit.perMinute, counter.count(scopeIdOf(limit, caller), now), now);
}

/**
 * The estimated headers for a call from its authorizer context (`rateLimit`, `rateLimitScope`,
 * `keyId`, `organizationId`); undefined when the context carries no limit.
 */
export function contextRateLimitHeaders(
  counter: InstanceCallCounter,
  context: Readonly<Record<string, unknown>> | null | undefined,
  now: Date,
): Record<string, string> | undefined {
  const limit = effectiveRateLimitOf(context);
  const keyId = context?.keyId;
  const organizationId = context?.organizationId;
  if (!limit || typeof keyId !== 'string' || typeof organizationId !== 'string') return undefined;
  return estimatedRateLimitHeaders(counter, limit, { keyId, organizationId }, now);
}
