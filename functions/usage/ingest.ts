/**
 * usage-ingest: subscribed to each stage's access log group. Every batch CloudWatch Logs delivers
 * becomes usage counters and call log items (see domain/usage/ingest.ts). Locally the platform's
 * usage pipeline invokes it with the same event shape.
 */
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { batchIdOf, decodeLogsEvent } from '../adapters/cloudwatch-logs';
import { PLATFORM_METRICS } from '../definition/metrics';
import { type AccessCall, parseAccessLogLine } from '../domain/usage/access-call';
import { ingestBatchOnce } from '../domain/usage/ingest-once';
import { logger } from '../runtime/logger';
import { countMetricNow } from '../runtime/metrics';
import { callLogStore, ingestedBatches, lastUsed, usageStore } from './stores';

export const handler = async (event: CloudWatchLogsEvent) => {
  const data = decodeLogsEvent(event);
  // CloudWatch Logs checks a new subscription with a control message; it holds no log events.
  if (data.messageType !== 'DATA_MESSAGE') return { calls: 0 };
  const calls: AccessCall[] = [];
  let skipped = 0;
  for (const logEvent of data.logEvents) {
    const call = parseAccessLogLine(logEvent.message);
    if (call) calls.push(call);
    else skipped++;
  }
  if (skipped > 0) {
    logger.warn('Skipped access log lines not in ACCESS_LOG_FORMAT; is the stage logging in that format?', {
      skipped,
      logGroup: data.logGroup,
    });
  }
  const batchId = batchIdOf(data);
  const once = await ingestBatchOnce(
    { usage: usageStore, callLog: callLogStore, lastUsed, batches: ingestedBatches },
    calls,
    batchId,
  );
  if (once.repeated) {
    countMetricNow(PLATFORM_METRICS.names.usageBatchesRepeated);
    logger.info('Skipped an access log batch that was counted already', { batchId, logGroup: data.logGroup });
    return { calls: 0, repeated: true };
  }
  const { anomalyCheckError, raced, repeated: _, ...result } = once;
  if (raced) {
    logger.warn('Two runs counted the same access log batch at once', { batchId });
    countMetricNow(PLATFORM_METRICS.names.usageBatchesRaced);
  }
  if (anomalyCheckError !== undefined) {
    logger.warn('The anomaly check of a batch failed; the keys are checked again with their next calls', {
      error: anomalyCheckError,
    });
  }
  logger.debug('Ingested an access log batch', { ...result, skipped, logGroup: data.logGroup });
  return result;
};
