/** The anomaly rule of USAGE_ANOMALY: today's requests against the average of the days before. */
import { USAGE_ANOMALY } from '../../definition/usage';

export interface Anomaly {
  keyId: string;
  day: string;
  requests: number;
  sevenDayAverage: number;
  /** How many times the average today's requests are; null when the average is 0. */
  factor: number | null;
}

export interface AnomalyRule {
  factor: number;
  baselineDays: number;
  minimumRequests: number;
}

/**
 * `previousDays` holds the key's requests on each of the `baselineDays` days before today; missing
 * days count as 0. Flags when today reaches the minimum volume and exceeds factor × average.
 */
export function anomalyOf(
  keyId: string,
  day: string,
  requestsToday: number,
  previousDays: readonly number[],
  rule: AnomalyRule = USAGE_ANOMALY,
): Anomaly | undefined {
  const total = previousDays.slice(0, rule.baselineDays).reduce((sum, requests) => sum + requests, 0);
  return anomalyAgainst(keyId, day, requestsToday, total / rule.baselineDays, rule);
}

/** The same rule against a daily average worked out before (the ingest stores it once per key and day). */
export function anomalyAgainst(
  keyId: string,
  day: string,
  requestsToday: number,
  average: number,
  rule: AnomalyRule = USAGE_ANOMALY,
): Anomaly | undefined {
  if (requestsToday < rule.minimumRequests || requestsToday <= rule.factor * average) return undefined;
  return {
    keyId,
    day,
    requests: requestsToday,
    sevenDayAverage: round(average),
    factor: average > 0 ? round(requestsToday / average) : null,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
