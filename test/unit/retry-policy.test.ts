import fc from 'fast-check';
import {
  MAX_WAIT_SECONDS,
  parseSchedule,
  RETRY_SCHEDULE_SECONDS,
  verdictOf,
  waitBeforeAttempt,
} from '../../functions/domain/webhooks/retry-policy';
import type { SendOutcome } from '../../functions/domain/webhooks/webhook-model';

const outcome = (statusCode: number | null, retryAfterSeconds?: number): SendOutcome => ({
  statusCode,
  durationMs: 10,
  error: statusCode === null ? 'ECONNRESET' : null,
  response: null,
  ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
});
/** A random source standing at the middle of the jitter range: waits are exactly the schedule's. */
const middle = () => 0.5;
const TWELVE_HOURS = 12 * 3600;

describe('the retry schedule', () => {
  it('is 8 attempts: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
  });

  it('waits what the schedule says before each attempt', () => {
    const waits = RETRY_SCHEDULE_SECONDS.map((_, index) =>
      waitBeforeAttempt(index + 1, RETRY_SCHEDULE_SECONDS, outcome(500), middle),
    );

    expect(waits).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
  });

  it('waits the last step for attempts beyond the schedule (manual redeliveries)', () => {
    expect(waitBeforeAttempt(9, RETRY_SCHEDULE_SECONDS, outcome(500), middle)).toBe(36000);
    expect(waitBeforeAttempt(1, [], outcome(500), middle)).toBe(0);
  });

  it('comes from WEBHOOK_RETRY_SCHEDULE when set', () => {
    expect(parseSchedule(undefined)).toBe(RETRY_SCHEDULE_SECONDS);
    expect(parseSchedule('')).toBe(RETRY_SCHEDULE_SECONDS);
    expect(parseSchedule('0,1,1')).toEqual([0, 1, 1]);
  });
});

describe('waitBeforeAttempt', () => {
  it('varies each wait by at most ±20%, and never past the 12-hour bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (nextAttempt, random) => {
          const scheduled = RETRY_SCHEDULE_SECONDS[Math.min(nextAttempt, 8) - 1] ?? 0;

          const wait = waitBeforeAttempt(nextAttempt, RETRY_SCHEDULE_SECONDS, outcome(500), () => random);

          expect(wait).toBeGreaterThanOrEqual(scheduled * 0.8);
          expect(wait).toBeLessThanOrEqual(scheduled * 1.2);
          expect(wait).toBeLessThanOrEqual(MAX_WAIT_SECONDS);
        },
      ),
    );
  });

  it('reaches both ends of the jitter range', () => {
    expect(waitBeforeAttempt(3, RETRY_SCHEDULE_SECONDS, outcome(500), () => 0)).toBe(240);
    expect(waitBeforeAttempt(3, RETRY_SCHEDULE_SECONDS, outcome(500), () => 0.999_999)).toBeCloseTo(360, 3);
    // 10 h + 20% would be exactly 12 h; the wait stays under SQS's visibility limit.
    expect(waitBeforeAttempt(8, RETRY_SCHEDULE_SECONDS, outcome(500), () => 0.999_999)).toBe(MAX_WAIT_SECONDS);
  });

  it.each([429, 502, 503])('waits as long as a %i asks with Retry-After, when longer than the schedule', (status) => {
    expect(waitBeforeAttempt(2, RETRY_SCHEDULE_SECONDS, outcome(status, 120), middle)).toBe(120);
    // Never less than the schedule.
    expect(waitBeforeAttempt(3, RETRY_SCHEDULE_SECONDS, outcome(status, 10), middle)).toBe(300);
  });

  it.each([500, 504, 404, null])('ignores Retry-After with status %p', (status) => {
    expect(waitBeforeAttempt(2, RETRY_SCHEDULE_SECONDS, outcome(status, 120), middle)).toBe(5);
  });

  it('bounds what Retry-After asks by 12 hours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(429, 502, 503),
        fc.integer({ min: 0, max: 10 * 365 * 24 * 3600 }),
        fc.integer({ min: 1, max: 8 }),
        (status, retryAfter, nextAttempt) => {
          const wait = waitBeforeAttempt(nextAttempt, RETRY_SCHEDULE_SECONDS, outcome(status, retryAfter), middle);

          expect(wait).toBeLessThanOrEqual(TWELVE_HOURS);
          expect(wait).toBeGreaterThanOrEqual(Math.min(retryAfter, MAX_WAIT_SECONDS));
        },
      ),
    );
  });
});

describe('verdictOf', () => {
  it.each([
    [200, 'succeeded'],
    [201, 'succeeded'],
    [204, 'succeeded'],
    [299, 'succeeded'],
    [300, 'failed'],
    [301, 'failed'],
    [302, 'failed'],
    [304, 'failed'],
    [400, 'failed'],
    [404, 'failed'],
    [410, 'gone'],
    [429, 'failed'],
    [500, 'failed'],
    [503, 'failed'],
    [null, 'failed'],
  ])('judges %s as %s', (status, verdict) => {
    expect(verdictOf(outcome(status))).toBe(verdict);
  });
});
