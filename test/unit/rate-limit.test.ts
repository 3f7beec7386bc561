import fc from 'fast-check';
import {
  COUNTER_TTL_GRACE_SECONDS,
  decide,
  decisionHeaders,
  type RateLimitCounter,
  RateLimiter,
  rateLimitedMessage,
  windowAt,
} from '../../functions/domain/rate-limit';
import { aManualClock } from '../support/unit-factories';

/** 2026-03-01T12:00:00Z, the first instant of a minute, in epoch seconds. */
const MINUTE = Date.UTC(2026, 2, 1, 12, 0, 0) / 1000;
const at = (epochSeconds: number, ms = 0) => new Date(epochSeconds * 1000 + ms);

/** Counts like DynamoDB's ADD: per key and window, shared by every limiter built on it. */
function aSharedCounter() {
  const counts = new Map<string, number>();
  const calls: { keyId: string; windowStart: number; expiresAt: number }[] = [];
  const counter: RateLimitCounter = {
    increment: async (keyId, windowStart, expiresAt) => {
      calls.push({ keyId, windowStart, expiresAt });
      const next = (counts.get(`${keyId}#${windowStart}`) ?? 0) + 1;
      counts.set(`${keyId}#${windowStart}`, next);
      return next;
    },
  };
  return { counter, calls };
}

describe('windowAt', () => {
  it('starts the window at the start of the minute and ends it 60 s later', () => {
    expect(windowAt(at(MINUTE + 59, 999))).toEqual({ start: MINUTE, end: MINUTE + 60 });
  });

  it('puts the first instant of a minute in a new window', () => {
    expect(windowAt(at(MINUTE + 60))).toEqual({ start: MINUTE + 60, end: MINUTE + 120 });
  });

  it('always holds the instant, on a minute boundary (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (epochMs) => {
        const window = windowAt(new Date(epochMs));

        expect(window.start % 60).toBe(0);
        expect(window.end - window.start).toBe(60);
        expect(window.start * 1000).toBeLessThanOrEqual(epochMs);
        expect(window.end * 1000).toBeGreaterThan(epochMs);
      }),
    );
  });
});

describe('decide', () => {
  const window = { start: MINUTE, end: MINUTE + 60 };

  it('allows the call that reaches the limit, with nothing remaining', () => {
    expect(decide(10, 10, window, at(MINUTE))).toMatchObject({ allowed: true, limit: 10, remaining: 0 });
  });

  it('rejects the call after the limit, never with a negative remaining', () => {
    expect(decide(11, 10, window, at(MINUTE))).toMatchObject({ allowed: false, remaining: 0 });
    expect(decide(500, 10, window, at(MINUTE)).remaining).toBe(0);
  });

  it('counts down what remains', () => {
    expect(decide(3, 10, window, at(MINUTE)).remaining).toBe(7);
  });

  it('resets at the end of the window', () => {
    expect(decide(1, 10, window, at(MINUTE + 12)).resetAt).toBe(MINUTE + 60);
  });

  it('says to retry when the window ends, in whole seconds rounded up', () => {
    expect(decide(11, 10, window, at(MINUTE)).retryAfterSeconds).toBe(60);
    expect(decide(11, 10, window, at(MINUTE + 20, 1)).retryAfterSeconds).toBe(40);
  });

  it('never says to retry after less than 1 s, even in the window’s last millisecond', () => {
    expect(decide(11, 10, window, at(MINUTE + 59, 999)).retryAfterSeconds).toBe(1);
  });

  it('never says to retry after less than 1 s, even once the window has ended', () => {
    expect(decide(11, 10, window, at(MINUTE + 60, 500)).retryAfterSeconds).toBe(1);
  });

  it('gives a Retry-After from 1 to 60 s that reaches the window end (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59_999 }), (offsetMs) => {
        const now = new Date(MINUTE * 1000 + offsetMs);
        const { retryAfterSeconds } = decide(11, 10, window, now);

        expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(retryAfterSeconds).toBeLessThanOrEqual(60);
        expect(now.getTime() + retryAfterSeconds * 1000).toBeGreaterThanOrEqual(window.end * 1000);
      }),
    );
  });
});

describe('decisionHeaders', () => {
  it('sends the limit, what remains and the seconds until the window resets', () => {
    const decision = decide(4, 10, { start: MINUTE, end: MINUTE + 60 }, at(MINUTE + 5));

    expect(decisionHeaders(decision)).toEqual({
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '6',
      'X-RateLimit-Reset': '55',
    });
  });
});

describe('rateLimitedMessage', () => {
  it('names the limit, the wait and the reset time', () => {
    const decision = decide(11, 10, { start: MINUTE, end: MINUTE + 60 }, at(MINUTE + 15));

    const message = rateLimitedMessage(decision);

    expect(message).toContain('10 requests per minute');
    expect(message).toContain('Retry after 45 s');
    expect(message).toContain('2026-03-01T12:01:00.000Z');
  });
});

describe('RateLimiter', () => {
  it('allows exactly the limit in a window and rejects the next call', async () => {
    const { counter } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE + 1)).clock);

    const decisions = [];
    for (let call = 0; call < 4; call++) decisions.push(await limiter.check('key_a', 3));

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0]);
  });

  it('counts in the current window with a TTL a little after its end', async () => {
    const { counter, calls } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE + 30)).clock);

    await limiter.check('key_a', 3);

    expect(calls).toEqual([
      { keyId: 'key_a', windowStart: MINUTE, expiresAt: MINUTE + 60 + COUNTER_TTL_GRACE_SECONDS },
    ]);
    expect(COUNTER_TTL_GRACE_SECONDS).toBeGreaterThanOrEqual(60);
  });

  it('starts again in the next window', async () => {
    const { counter } = aSharedCounter();
    const time = aManualClock(at(MINUTE + 59));
    const limiter = new RateLimiter(counter, time.clock);
    await limiter.check('key_a', 1);
    expect((await limiter.check('key_a', 1)).allowed).toBe(false);

    time.set(at(MINUTE + 60));

    expect((await limiter.check('key_a', 1)).allowed).toBe(true);
  });

  it('keeps keys apart', async () => {
    const { counter } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE)).clock);
    await limiter.check('key_a', 1);

    expect((await limiter.check('key_b', 1)).allowed).toBe(true);
  });

  it('answers calls past a used-up window itself, without counting them', async () => {
    const { counter, calls } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE)).clock);
    await limiter.check('key_a', 2);
    await limiter.check('key_a', 2);

    const later = [await limiter.check('key_a', 2), await limiter.check('key_a', 2)];

    expect(later.map((decision) => decision.allowed)).toEqual([false, false]);
    expect(calls).toHaveLength(2);
  });

  it('asks the counter again when the key’s limit changed within the window', async () => {
    const { counter } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE)).clock);
    await limiter.check('key_a', 1);

    expect((await limiter.check('key_a', 5)).allowed).toBe(true);
  });

  it('lets exactly the limit through across instances sharing one counter (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        async (limit, onFirstInstance) => {
          const { counter } = aSharedCounter();
          const clock = aManualClock(at(MINUTE + 7)).clock;
          const instances = [new RateLimiter(counter, clock), new RateLimiter(counter, clock)];

          const decisions = await Promise.all(
            onFirstInstance.map((first) => (instances[first ? 0 : 1] as RateLimiter).check('key_a', limit)),
          );

          expect(decisions.filter((decision) => decision.allowed)).toHaveLength(
            Math.min(limit, onFirstInstance.length),
          );
        },
      ),
    );
  });

  it('forgets windows of the past once it remembers its maximum, and keeps those of the current one', async () => {
    const { counter, calls } = aSharedCounter();
    const time = aManualClock(at(MINUTE));
    const limiter = new RateLimiter(counter, time.clock, 2);
    await limiter.check('key_a', 1);
    time.set(at(MINUTE + 60));
    await limiter.check('key_b', 1);
    await limiter.check('key_c', 1);
    calls.length = 0;

    await limiter.check('key_b', 1);
    await limiter.check('key_c', 1);
    time.set(at(MINUTE));
    await limiter.check('key_a', 1);

    expect(calls.map((call) => call.keyId)).toEqual(['key_a']);
  });

  it('never remembers more than its maximum, even when every window is current', async () => {
    const { counter, calls } = aSharedCounter();
    const limiter = new RateLimiter(counter, aManualClock(at(MINUTE)).clock, 2);
    for (const keyId of ['key_a', 'key_b', 'key_c']) await limiter.check(keyId, 1);
    calls.length = 0;

    await limiter.check('key_c', 1);
    await limiter.check('key_a', 1);

    expect(calls.map((call) => call.keyId)).toEqual(['key_a']);
  });

  it('passes a counter failure on to the caller, which decides', async () => {
    const failing: RateLimitCounter = { increment: async () => Promise.reject(new Error('throttled')) };
    const limiter = new RateLimiter(failing, aManualClock(at(MINUTE)).clock);

    await expect(limiter.check('key_a', 1)).rejects.toThrow('throttled');
  });
});
