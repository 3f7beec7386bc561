/**
 * usage-rollup: scheduled at five past every hour (locally, on the usage pipeline's timer). Folds
 * each shard's finished hours of usage windows into the day items, lastUsedAt and the call index
 * (domain/usage/rollup.ts). `now` is the event's `time`, so a test or the bench can run it for any
 * (virtual) time. A shard that failed is retried by the next run, which takes every due hour; the
 * run then fails, so the error shows in the function's Errors metric.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { PLATFORM_METRICS } from '../definition/metrics';
import { USAGE_RECENT_SHARDS } from '../definition/usage';
import { rollUp } from '../domain/usage/rollup';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { recordMetricNow } from '../runtime/metrics';
import { recentUsageStore, usageStore } from './stores';

const { TABLE_NAME } = loadConfig(tableConfig);
const keys = new DynamoKeyStore(dynamoDb, TABLE_NAME);

export const handler = async (event: Pick<ScheduledEvent, 'time'>) => {
  const now = Date.parse(event.time);
  if (!Number.isFinite(now)) throw new Error(`The rollup's event has no valid time: ${JSON.stringify(event.time)}`);
  const { rolled, failures, lagHours } = await rollUp(
    {
      source: recentUsageStore,
      usage: usageStore,
      lastUsed: keys,
      shards: USAGE_RECENT_SHARDS,
      onAnomalyCheckError: (error) =>
        logger.warn("An hour's anomaly check failed; the keys are checked again with their next hour", { error }),
    },
    now,
  );
  // One data point a run, 0 included: the alarm on a rollup that stopped moving on reads it.
  recordMetricNow(PLATFORM_METRICS.names.usageRollupLagHours, lagHours);
  logger.info('Rolled up usage windows', {
    lagHours,
    hours: rolled.length,
    windows: rolled.reduce((sum, hour) => sum + hour.windows, 0),
    counterItems: rolled.reduce((sum, hour) => sum + hour.counterItems, 0),
    lastUsedWrites: rolled.reduce((sum, hour) => sum + hour.lastUsedWrites, 0),
    anomalies: rolled.reduce((sum, hour) => sum + hour.anomalies, 0),
  });
  if (failures.length > 0) {
    for (const { shard, error } of failures) logger.error('Rolling up a shard failed', { shard, error });
    throw new Error(`Rolling up ${failures.length} of ${USAGE_RECENT_SHARDS} shards failed; the next run retries them`);
  }
  return { hours: rolled.length };
};
