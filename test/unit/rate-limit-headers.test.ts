import fc from 'fast-check';
import {
  effectiveRateLimitOf,
  estimatedRateLimitHeaders,
  InstanceCallCounter,
  rateLimitHeaders,
  scopeIdOf,
  secondsToReset,
} from '../../functions/domain/rate-limit-headers';

const MINUTE_MS = Date.UTC(2026, 2, 1, 12, 0, 0);
const at = (msIntoMinute: number) => new Date(MINUTE_MS + msIntoMinute);

describe('secondsToReset', () => {
  it('counts whole seconds, rounded up, to the end of the clock-aligned minute', () => {
    expect(secondsToReset(at(0))).toBe(60);
    expect(secondsToReset(at(15_000))).toBe(45);
    expect(secondsToReset(at(15_001))).toBe(45);
    expect(secondsToReset(at(59_999))).toBe(1);
  });

  it('is always 1 to 60, and never ends before the minute does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const reset = secondsToReset(new Date(ms));
        const minuteEnd = (Math.floor(ms / 60_000) + 1) * 60_000;
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        expect(ms + reset * 1000).toBeGreaterThanOrEqual(minuteEnd);
        expect(ms + (reset - 1) * 1000).toBeLessThan(minuteEnd);
      }),
    );
  });
});

describe('rateLimitHeaders', () => {
  it('reports the limit, what remains (never below 0) and the seconds to reset', () => {
    expect(rateLimitHeaders(60, 1, at(20_000))).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '59',
      'X-RateLimit-Reset': '40',
    });
    expect(rateLimitHeaders(60, 75, at(20_000))['X-RateLimit-Remaining']).toBe('0');
  });
});

describe('effectiveRateLimitOf', () => {
  it('reads the limit and its scope from the authorizer context, strings or numbers', () => {
    expect(effectiveRateLimitOf({ rateLimit: '300', rateLimitScope: 'organization' })).toEqual({
      perMinute: 300,
      scope: 'organization',
    });
    expect(effectiveRateLimitOf({ rateLimit: 30, rateLimitScope: 'key' })).toEqual({ perMinute: 30, scope: 'key' });
  });

  it.each([
    ['no context', undefined],
    ['no limit', { rateLimitScope: 'key' }],
    ['a limit of 0', { rateLimit: '0', rateLimitScope: 'key' }],
    ['a malformed limit', { rateLimit: '12abc', rateLimitScope: 'key' }],
    ['an unknown scope', { rateLimit: '12', rateLimitScope: 'account' }],
  ])('gives none for %s', (_, context) => {
    expect(effectiveRateLimitOf(context)).toBeUndefined();
  });
});

describe('InstanceCallCounter', () => {
  it('counts per scope within a minute and starts over when the minute turns', () => {
    const counter = new InstanceCallCounter();

    expect(counter.count('organization:org_1', at(1_000))).toBe(1);
    expect(counter.count('organization:org_1', at(2_000))).toBe(2);
    expect(counter.count('organization:org_2', at(3_000))).toBe(1);
    expect(counter.count('organization:org_1', at(61_000))).toBe(1);
  });

  it('holds at most its bound of scopes, starting the minute over past it', () => {
    const counter = new InstanceCallCounter(2);
    counter.count('a', at(0));
    counter.count('b', at(0));

    expect(counter.count('c', at(0))).toBe(1);
    expect(counter.count('a', at(0))).toBe(1);
  });
});

describe('estimatedRateLimitHeaders', () => {
  it("shares the organization's count between its keys, and keeps a key's own limit to that key", () => {
    const counter = new InstanceCallCounter();
    const plan = { perMinute: 60, scope: 'organization' } as const;
    const own = { perMinute: 10, scope: 'key' } as const;

    estimatedRateLimitHeaders(counter, plan, { keyId: 'key_1', organizationId: 'org_1' }, at(0));
    const second = estimatedRateLimitHeaders(counter, plan, { keyId: 'key_2', organizationId: 'org_1' }, at(0));
    const limited = estimatedRateLimitHeaders(counter, own, { keyId: 'key_3', organizationId: 'org_1' }, at(0));

    expect(second['X-RateLimit-Remaining']).toBe('58');
    expect(limited['X-RateLimit-Remaining']).toBe('9');
    expect(scopeIdOf(own, { keyId: 'key_3', organizationId: 'org_1' })).toBe('key:key_3');
  });
});

/**
 * The bound docs/design.md states: several counters stand for the Lambda instances (or backend
 * processes) that answer one scope's calls; the calls arrive in any interleaving over a few
 * minutes. At each call, what an instance reports as remaining is at least what truly remains
 * (the calls of every instance counted), and at most that plus the calls the other instances
 * answered in the same minute.
 */
describe('the estimated X-RateLimit-Remaining', () => {
  const aCall = fc.record({
    instance: fc.integer({ min: 0, max: 3 }),
    scope: fc.constantFrom('organization:org_1', 'organization:org_2', 'key:key_1'),
    afterMs: fc.integer({ min: 0, max: 20_000 }),
  });

  function replay(
    calls: { instance: number; scope: string; afterMs: number }[],
    limit: number,
    counters: InstanceCallCounter[],
    check: (reported: number, truth: number, byOthers: number) => void,
  ) {
    const seen = new Map<string, number>();
    let ms = 0;
    for (const call of calls) {
      ms += call.afterMs;
      const now = at(ms);
      const minute = Math.floor(now.getTime() / 60_000);
      const bump = (key: string) => {
        const count = (seen.get(key) ?? 0) + 1;
        seen.set(key, count);
        return count;
      };
      const trueUsed = bump(`${minute}|${call.scope}`);
      const ownUsed = bump(`${minute}|${call.scope}|${call.instance}`);
      const counter = counters[call.instance] as InstanceCallCounter;
      const reported = Number(rateLimitHeaders(limit, counter.count(call.scope, now), now)['X-RateLimit-Remaining']);
      check(reported, Math.max(0, limit - trueUsed), trueUsed - ownUsed);
    }
  }

  it('never under-states what remains, and over-states it by at most the calls of other instances', () => {
    fc.assert(
      fc.property(fc.array(aCall, { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (calls, limit) => {
        const counters = [0, 1, 2, 3].map(() => new InstanceCallCounter());
        replay(calls, limit, counters, (reported, truth, byOthers) => {
          expect(reported).toBeGreaterThanOrEqual(truth);
          expect(reported - truth).toBeLessThanOrEqual(byOthers);
        });
      }),
    );
  });

  it('is exact on a single instance', () => {
    fc.assert(
      fc.property(fc.array(aCall, { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (calls, limit) => {
        const counters = [new InstanceCallCounter()];
        replay(
          calls.map((call) => ({ ...call, instance: 0 })),
          limit,
          counters,
          (reported, truth) => expect(reported).toBe(truth),
        );
      }),
    );
  });

  it('still never under-states what remains when an instance sees more scopes than it keeps', () => {
    fc.assert(
      fc.property(fc.array(aCall, { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (calls, limit) => {
        const counters = [0, 1, 2, 3].map(() => new InstanceCallCounter(2));
        replay(calls, limit, counters, (reported, truth) => expect(reported).toBeGreaterThanOrEqual(truth));
      }),
    );
  });
});
