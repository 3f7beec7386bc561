/**
 * Anomalies are flagged as the access log is ingested, from each key's own day item, so nothing
 * holds a count per key of the whole organization: an organization-day item stays the same size
 * whatever the number of keys. A key's 7-day average is worked out once per day, when the key
 * first reaches the minimum volume (one Query of its 7 previous day items), and kept on its day
 * item; every later batch compares the key's running total against it at no read cost. A flagged
 * key gets an anomaly item for the day, updated as its total grows; `GET /v1/usage` reads those.
 */
import { USAGE_ANOMALY } from '../../definition/usage';
import type { KeyEnvironment } from '../keys/key-token';
import { type AnomalyRule, anomalyAgainst } from './anomaly';
import { summarize } from './counters';
import { addDays } from './days';
import type { KeyDayTotal, UsageStore } from './usage-model';

export async function watchAnomalies(
  usage: Pick<UsageStore, 'days' | 'setAnomalyBaseline' | 'putAnomaly'>,
  totals: readonly KeyDayTotal[],
  environments: ReadonlyMap<string, KeyEnvironment>,
  rule: AnomalyRule = USAGE_ANOMALY,
): Promise<number> {
  let flagged = 0;
  for (const total of totals) {
    const environment = environments.get(total.keyId);
    if (total.requests < rule.minimumRequests || !environment) continue;
    let average = total.baseline;
    if (average === undefined) {
      const days = await usage.days({
        organizationId: total.organizationId,
        environment,
        keyId: total.keyId,
        from: addDays(total.day, -rule.baselineDays),
        to: addDays(total.day, -1),
      });
      const requests = days.reduce((sum, day) => sum + summarize(day.counters).requests, 0);
      average = requests / rule.baselineDays;
      await usage.setAnomalyBaseline(total, average);
    }
    const anomaly = anomalyAgainst(total.keyId, total.day, total.requests, average, rule);
    if (!anomaly) continue;
    await usage.putAnomaly(total.organizationId, environment, anomaly);
    flagged++;
  }
  return flagged;
}
