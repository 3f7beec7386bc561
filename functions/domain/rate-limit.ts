/**
 * Per-key rate limits in fixed one-minute windows. A key's calls in a window are counted by one
 * atomic increment in shared storage, so the count is exact across Lambda instances; the decision
 * is made here, with no AWS types.
 *
 * Fixed windows aligned to the epoch minute: one counter item per key and minute, one atomic ADD
 * per call, the same reset time for every instance. The price is the known fixed-window edge: a
 * client may fit up to 2N calls into the seconds around a window boundary (N at the end of one
 * window, N at the start of the next), never more than N inside one window.
 */
import type { Clock } from './clock';

export const WINDOW_SECONDS = 60;
/** Counter items outlive their window by this much; DynamoDB TTL then deletes them. */
export const COUNTER_TTL_GRACE_SECONDS = 120;

export interface RateLimitCounter {
  /**
   * Adds one call to the key's counter for the window starting at `windowStart` (epoch seconds)
   * and returns the count including this call. `expiresAt` (epoch seconds) is when storage may drop it.
   */
  increment(keyId: string, windowStart: number, expiresAt: number): Promise<number>;
}

export interface RateWindow {
  /** Epoch seconds, inclusive. */
  start: number;
  /** Epoch seconds, exclusive: the first second of the next window. */
  end: number;
}

export function windowAt(now: Date, windowSeconds = WINDOW_SECONDS): RateWindow {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const start = nowSeconds - (((nowSeconds % windowSeconds) + windowSeconds) % windowSeconds);
  return { start, end: start + windowSeconds };
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Calls left in this window after this one. */
  remaining: number;
  /** Epoch seconds at which the window ends and the count starts again. */
  resetAt: number;
  /** Whole seconds until the window ends, at least 1. */
  retryAfterSeconds: number;
}

/** The decision for a call that brought the window's count to `count`. */
export function decide(count: number, limit: number, window: RateWindow, now: Date): RateLimitDecision {
  const untilEnd = Math.ceil((window.end * 1000 - now.getTime()) / 1000);
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetAt: window.end,
    retryAfterSeconds: Math.max(1, untilEnd),
  };
}

/**
 * The headers of a call the exact counter decided: Reset in seconds (domain/rate-limit-headers.ts),
 * the same figure as Retry-After.
 */
export function decisionHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.retryAfterSeconds),
  };
}

export function rateLimitedMessage(decision: RateLimitDecision): string {
  return `This API key is limited to ${decision.limit} requests per minute, and this minute's are used up. Retry after ${decision.retryAfterSeconds} s (Retry-After), when the window resets at ${new Date(decision.resetAt * 1000).toISOString()}.`;
}

/**
 * Checks and counts calls against per-key limits. Once a window's count has reached the limit, the
 * count can only grow until the window ends, so this instance answers the key's further calls in
 * that window itself, without another write: a client hammering past its limit costs nothing.
 */
export class RateLimiter {
  /** keyId → the window (and limit) known to be used up on this instance. */
  private readonly exhausted = new Map<string, { windowStart: number; limit: number }>();

  constructor(
    private readonly counter: RateLimitCounter,
    private readonly clock: Clock,
    private readonly maxRemembered = 10_000,
  ) {}

  async check(keyId: string, limit: number): Promise<RateLimitDecision> {
    const now = this.clock();
    const window = windowAt(now);
    const known = this.exhausted.get(keyId);
    if (known && known.windowStart === window.start && known.limit === limit) {
      return decide(limit + 1, limit, window, now);
    }
    const count = await this.counter.increment(keyId, window.start, window.end + COUNTER_TTL_GRACE_SECONDS);
    if (count >= limit) this.remember(keyId, window.start, limit);
    return decide(count, limit, window, now);
  }

  private remember(keyId: string, windowStart: number, limit: number) {
    if (this.exhausted.size >= this.maxRemembered) {
      for (const [id, entry] of this.exhausted) if (entry.windowStart < windowStart) this.exhausted.delete(id);
      if (this.exhausted.size >= this.maxRemembered) this.exhausted.clear();
    }
    this.exhausted.set(keyId, { windowStart, limit });
  }
}
