/**
 * Usage plan quota periods as API Gateway counts them: per API key, summed over every stage of the
 * usage plan, in calendar periods of UTC that start at 00:00 (a day), on Sunday (a week, offset 0)
 * or on the 1st (a month).
 */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

const DAY_MS = 86_400_000;

/** The start (epoch ms) of the period that holds `epochMs`. */
export function quotaPeriodStart(epochMs: number, period: QuotaPeriod): number {
  const at = new Date(epochMs);
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (period) {
    case 'DAY':
      return day;
    case 'WEEK':
      return day - at.getUTCDay() * DAY_MS;
    case 'MONTH':
      return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  }
}
