/**
 * When a failed delivery is tried again, and what a receiver's answer means. The schedule is the
 * one Svix documents (about a day in all); each wait varies by ±20% so that a receiver coming back
 * after an outage is not hit by every retry at once.
 */
import type { SendOutcome } from './webhook-model';

/** Seconds to wait before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

/**
 * SQS keeps a received message hidden for at most 12 hours; a wait never goes beyond it (10 h +
 * 20% jitter would just touch it).
 */
export const MAX_WAIT_SECONDS = 12 * 3600 - 60;

/** An endpoint failing every attempt for this long is disabled. */
export const AUTO_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

const SLOW_DOWN_STATUSES = new Set([429, 502, 503]);

export type Verdict = 'succeeded' | 'gone' | 'failed';

/** 2xx succeeds; 410 means the receiver is gone for good; anything else (3xx too) is a failure. */
export function verdictOf(outcome: SendOutcome): Verdict {
  if (outcome.statusCode === null) return 'failed';
  if (outcome.statusCode >= 200 && outcome.statusCode < 300) return 'succeeded';
  if (outcome.statusCode === 410) return 'gone';
  return 'failed';
}

/**
 * Seconds to wait before attempt `nextAttempt` (1-based). A receiver that asked to slow down
 * (429, 502, 503 with Retry-After) gets at least what it asked for, up to the 12-hour bound;
 * never less than the schedule.
 */
export function waitBeforeAttempt(
  nextAttempt: number,
  schedule: readonly number[],
  outcome: SendOutcome,
  random: () => number = Math.random,
): number {
  const scheduled = schedule[nextAttempt - 1] ?? schedule[schedule.length - 1] ?? 0;
  const jittered = scheduled * (0.8 + 0.4 * random());
  const asked =
    outcome.statusCode !== null && SLOW_DOWN_STATUSES.has(outcome.statusCode) && outcome.retryAfterSeconds !== undefined
      ? outcome.retryAfterSeconds
      : 0;
  return Math.min(Math.max(jittered, asked), MAX_WAIT_SECONDS);
}

/** Parses WEBHOOK_RETRY_SCHEDULE ("0,1,1"); the standard schedule when unset. */
export function parseSchedule(value: string | undefined): readonly number[] {
  if (!value) return RETRY_SCHEDULE_SECONDS;
  return value.split(',').map(Number);
}
