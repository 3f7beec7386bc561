/**
 * `GET /v1/usage`: an organization's usage in the caller's environment (a sandbox key sees sandbox
 * traffic only, a live key live traffic only), or one key's, over a range of days: totals, a series
 * per day, week or month, a breakdown by endpoint, and the keys whose traffic today is anomalous.
 * Reads one counter item per day of the range (the hours the rollup has folded in), the recent
 * windows of the caller's organization and environment (the hours after: one GetItem and one Query,
 * whatever the range), plus today's anomaly items (or, for one key, the days its anomaly check
 * needs). Anomalies come from the day items alone, as the rollup flags them: up to an hour and
 * five minutes late.
 */
import type { UsageQuery } from '../../definition/schemas/usage';
import {
  USAGE_ANOMALY,
  USAGE_DEFAULT_RANGE_DAYS,
  USAGE_MAX_RANGE_DAYS,
  type UsageGranularity,
} from '../../definition/usage';
import type { Caller } from '../caller';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import type { KeyStore } from '../keys/key-model';
import { getKey } from '../keys/key-service';
import { type Anomaly, anomalyOf } from './anomaly';
import { type EndpointUsage, emptyOutcome, type Outcome, summarize } from './counters';
import { addDays, dayCount, dayOf, eachDay, periodOf } from './days';
import { withRecentUsage } from './recent';
import type { RecentUsageStore, UsageStore } from './usage-model';

export interface UsageTotals extends Outcome {
  byStatus: Record<string, number>;
}

export interface UsageReport {
  from: string;
  to: string;
  granularity: UsageGranularity;
  keyId: string | null;
  totals: UsageTotals;
  series: (Outcome & { period: string })[];
  byEndpoint: EndpointUsage[];
  /** True when some key (or the requested key) is anomalous today. */
  anomaly: boolean;
  anomalies: Anomaly[];
}

export interface UsageReportDeps {
  keys: KeyStore;
  usage: UsageStore;
  recent: Pick<RecentUsageStore, 'organizationWindows'>;
  clock: Clock;
}

export async function usageReport(deps: UsageReportDeps, caller: Caller, query: UsageQuery): Promise<UsageReport> {
  const today = dayOf(deps.clock().getTime());
  const to = query.to ?? (query.from ? minDay(addDays(query.from, USAGE_DEFAULT_RANGE_DAYS - 1), today) : today);
  const from = query.from ?? addDays(to, -(USAGE_DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw new ValidationError([{ field: 'from', message: `must not be after to (${to})` }]);
  if (dayCount(from, to) > USAGE_MAX_RANGE_DAYS) {
    throw new ValidationError([
      { field: 'from', message: `must be at most ${USAGE_MAX_RANGE_DAYS} days before to (${to}); ask for less` },
    ]);
  }
  // Another organization's key, or a key of the other environment, is not found (404).
  if (query.keyId) await getKey(deps, caller, query.keyId);

  const scope = {
    organizationId: caller.organizationId,
    environment: caller.environment,
    ...(query.keyId && { keyId: query.keyId }),
  };
  const range = { ...scope, from, to };
  // The windows before the day items: a rollup between the two reads then counts its hour twice
  // for a moment, never not at all (recent.ts).
  const windows = await deps.recent.organizationWindows(caller.organizationId, caller.environment);
  const [rolledUp, anomalies] = await Promise.all([
    deps.usage.days(range),
    query.keyId
      ? keyAnomalies(deps.usage, { ...scope, keyId: query.keyId }, today)
      : deps.usage.anomalies({ ...scope, day: today }),
  ]);
  const days = withRecentUsage(rolledUp, windows, range);

  const totals: UsageTotals = { ...emptyOutcome(), byStatus: {} };
  const periods = new Map<string, Outcome & { period: string }>();
  for (const each of eachDay(from, to)) {
    const period = periodOf(each, query.granularity);
    if (!periods.has(period)) periods.set(period, { period, ...emptyOutcome() });
  }
  const endpoints = new Map<string, EndpointUsage>();
  for (const { day, counters } of days) {
    const summary = summarize(counters);
    const period = periods.get(periodOf(day, query.granularity));
    for (const outcome of [totals, period]) if (outcome) addOutcome(outcome, summary);
    addStatuses(totals.byStatus, summary.byStatus);
    for (const [name, usage] of summary.byEndpoint) {
      let sum = endpoints.get(name);
      if (!sum) {
        sum = { endpoint: name, ...emptyOutcome(), byStatus: {} };
        endpoints.set(name, sum);
      }
      addOutcome(sum, usage);
      addStatuses(sum.byStatus, usage.byStatus);
    }
  }

  return {
    from,
    to,
    granularity: query.granularity,
    keyId: query.keyId ?? null,
    totals,
    series: [...periods.values()],
    byEndpoint: [...endpoints.values()].sort(
      (a, b) => b.requests - a.requests || (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0),
    ),
    anomaly: anomalies.length > 0,
    anomalies: anomalies.sort((a, b) => b.requests - a.requests),
  };
}

/**
 * One key's anomaly, worked out from its own day items (8 at most). The organization's list comes
 * from the anomaly items the rollup writes (anomaly-watch.ts), so no item counts every key.
 */
async function keyAnomalies(
  usage: UsageStore,
  scope: { organizationId: string; environment: Caller['environment']; keyId: string },
  today: string,
): Promise<Anomaly[]> {
  const recent = await usage.days({ ...scope, from: addDays(today, -USAGE_ANOMALY.baselineDays), to: today });
  const requests = new Map(recent.map(({ day, counters }) => [day, summarize(counters).requests]));
  const baseline = Array.from({ length: USAGE_ANOMALY.baselineDays }, (_, index) => addDays(today, -(index + 1)));
  const anomaly = anomalyOf(
    scope.keyId,
    today,
    requests.get(today) ?? 0,
    baseline.map((day) => requests.get(day) ?? 0),
  );
  return anomaly ? [anomaly] : [];
}

function addOutcome(target: Outcome, source: Outcome): void {
  target.requests += source.requests;
  target.succeeded += source.succeeded;
  target.failed += source.failed;
  target.credits += source.credits;
}

function addStatuses(target: Record<string, number>, source: Record<string, number>): void {
  for (const [status, count] of Object.entries(source)) target[status] = (target[status] ?? 0) + count;
}

const minDay = (a: string, b: string) => (a < b ? a : b);
