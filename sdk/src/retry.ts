/**
 * Retries of 429 and 503 answers, below openapi-fetch (a `fetch` wrapper), so every call gets them.
 * A 429 `rate_limited` is retried whatever the method: the gateway and the rate limiter refuse it
 * before any handler runs, so nothing happened. A 503 may come after a handler did its work, so
 * only requests that are safe to send twice get it retried: idempotent methods, and the ones a
 * caller marks `retryable` (it knows the server deduplicates them). A used-up quota is never
 * retried: it resets with its period, not in seconds.
 */

import { QUOTA_EXCEEDED } from './errors';
import { retryAfterMs } from './retry-after';

export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 3. */
  maxRetries?: number;
  /** The first backoff's ceiling, doubled on each retry (full jitter). Default 500. */
  baseDelayMs?: number;
  /**
   * No wait is longer: the backoff is capped here, and a Retry-After beyond it is not waited for
   * (the 429/503 is returned at once; RateLimitError says how long the server asked for). Default 20000.
   */
  maxDelayMs?: number;
  /** Injected for tests: waiting, the clock (for Retry-After dates) and the jitter's random in [0, 1). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Set on a Request (openapi-fetch copies unknown init options onto it) to allow retrying a POST or PATCH. */
export const RETRYABLE = 'retryable';
/** The code of the gateway's throttle and the platform's per-key limit: refused before any work. */
const RATE_LIMITED = 'rate_limited';

type Fetch = (request: Request) => Promise<Response>;

export function retryingFetch(fetch: Fetch, options: RetryOptions = {}): Fetch {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  return async (request) => {
    if (maxRetries === 0) return fetch(request);
    const safeToRepeat =
      IDEMPOTENT_METHODS.has(request.method) || (request as unknown as Record<string, unknown>)[RETRYABLE] === true;
    for (let attempt = 0; ; attempt++) {
      // A body can be read once: each attempt sends a copy, the original stays for the next one.
      const response = await fetch(request.clone());
      if (attempt >= maxRetries || !(await worthRetrying(response, safeToRepeat))) return response;
      const delay = delayBeforeRetry(response, attempt, { baseDelayMs, maxDelayMs, now: now(), random: random() });
      if (delay === undefined) return response;
      await response.body?.cancel();
      await sleep(delay);
    }
  };
}

async function worthRetrying(response: Response, safeToRepeat: boolean): Promise<boolean> {
  if (response.status === 503) return safeToRepeat;
  if (response.status !== 429) return false;
  const code = await errorCodeOf(response);
  if (code === QUOTA_EXCEEDED) return false;
  // The platform's `rate_limited` comes before any handler ran; another 429 of a non-idempotent call
  // may come from a team's backend after it did the work, so only a safe request is sent again.
  return safeToRepeat || code === RATE_LIMITED;
}

/** The platform's error code, read from a copy so the caller still gets the body. */
async function errorCodeOf(response: Response): Promise<unknown> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return undefined;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return (body as { error?: { code?: unknown } } | undefined)?.error?.code;
}

/** The server's Retry-After when it gives one (undefined past maxDelayMs: not worth waiting), else backoff. */
export function delayBeforeRetry(
  response: Response,
  attempt: number,
  { baseDelayMs, maxDelayMs, now, random }: { baseDelayMs: number; maxDelayMs: number; now: number; random: number },
): number | undefined {
  const asked = retryAfterMs(response.headers.get('retry-after'), now);
  if (asked !== undefined) return asked <= maxDelayMs ? asked : undefined;
  // Full jitter (a random wait up to the exponential ceiling) spreads clients that failed together.
  return Math.floor(random * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
}
