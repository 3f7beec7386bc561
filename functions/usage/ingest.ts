/**
 * usage-ingest: subscribed to each stage's access log group. Every batch CloudWatch Logs delivers
 * becomes usage counters and call log items (see domain/usage/ingest.ts). Locally the platform's
 * usage pipeline invokes it with the same event shape.
 */
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { batchIdOf, decodeLogsEvent } from '../adapters/cloudwatch-logs';
import { type AccessCall, parseAccessLogLine } from '../domain/usage/access-call';
import { ingestCalls } from '../domain/usage/ingest';
import { logger } from '../runtime/logger';
import { callLogStore, lastUsed, usageStore } from './stores';

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
  const { anomalyCheckError, ...result } = await ingestCalls(
    { usage: usageStore, callLog: callLogStore, lastUsed },
    calls,
    batchIdOf(data),
  );
  if (anomalyCheckError !== undefined) {
    logger.warn('The anomaly check of a batch failed; the keys are checked again with their next calls', {
      error: anomalyCheckError,
    });
  }
  logger.debug('Ingested an access log batch', { ...result, skipped, logGroup: data.logGroup });
  return result;
};
