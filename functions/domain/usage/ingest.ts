/**
 * One access-log object (a usage window of API Gateway's access log, written by Firehose) into
 * the call-log archive and the recent usage store. Nothing here runs on a request's path, and the
 * cost is per window, not per call: one S3 PUT for the archive, one item per recent-store shard
 * with data, and one counter write per stage and day for the calls no key can be attributed to.
 * Day items, lastUsedAt and anomalies are the hourly rollup's (rollup.ts).
 *
 * Delivery is at least once (S3 notifications, SQS). The window's id comes from the object's key,
 * so a redelivered object rewrites the same archive object and the same recent items. The stage
 * counters are ADDed, and written last: a failure before them retries the object without counting
 * anything twice.
 */

import type { AccessCall } from './access-call';
import { archiveWindow } from './call-archive';
import { isAttributed } from './counters';
import type { CallArchive, RecentUsageStore, UsageStore } from './usage-model';
import { buildUsageWindow, windowIdOf } from './window';

export interface IngestDeps {
  archive: Pick<CallArchive, 'put'>;
  recent: Pick<RecentUsageStore, 'putWindow'>;
  usage: Pick<UsageStore, 'add'>;
}

export interface AccessLogObject {
  key: string;
  /** When S3 created it (the notification's eventTime), epoch ms. */
  createdAt: number;
}

/**
 * Statuses counted per stage as metrics: only what an alarm or the dashboard reads (Status429: API
 * Gateway has no 429 metric). Each name is a custom metric per stage, $0.30 a month whatever the
 * traffic; 4XX and 5XX are in API Gateway's own metrics (4XXError, 5XXError), which are free.
 */
export const STAGE_STATUS_METRICS = ['Status429'] as const;
export type StageStatusMetric = (typeof STAGE_STATUS_METRICS)[number];

const STATUS_OF_METRIC: Record<StageStatusMetric, number> = { Status429: 429 };

export function stageStatusCounts(calls: readonly AccessCall[]): Map<string, Record<StageStatusMetric, number>> {
  const byStage = new Map<string, Record<StageStatusMetric, number>>();
  for (const call of calls) {
    let counts = byStage.get(call.stage);
    if (!counts) {
      counts = Object.fromEntries(STAGE_STATUS_METRICS.map((name) => [name, 0])) as Record<StageStatusMetric, number>;
      byStage.set(call.stage, counts);
    }
    for (const name of STAGE_STATUS_METRICS) if (call.status === STATUS_OF_METRIC[name]) counts[name]++;
  }
  return byStage;
}

export async function ingestAccessLogObject(deps: IngestDeps, object: AccessLogObject, calls: readonly AccessCall[]) {
  const windowId = windowIdOf(object.key);
  const attributed = calls.filter(isAttributed);
  const archived = archiveWindow(attributed, windowId);
  // The archive first: a window must never point at sections that were not written.
  if (archived.sections.length > 0) await deps.archive.put(archived.object, archived.body);
  const window = buildUsageWindow({ id: windowId, createdAt: object.createdAt, calls, sections: archived.sections });
  await deps.recent.putWindow(window);
  const stageUpdates = window.stages.map(({ stage, day, counters }) => ({
    scope: { kind: 'stage' as const, stage, day },
    counters,
  }));
  if (stageUpdates.length > 0) await deps.usage.add(stageUpdates);
  return {
    windowId,
    calls: calls.length,
    unattributed: calls.length - attributed.length,
    organizations: window.organizations.length,
    archivedBytes: archived.body.length,
    stageCounterItems: stageUpdates.length,
  };
}
