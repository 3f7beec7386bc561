/**
 * usage-ingest's work per SQS batch, apart from the handler's stores so tests can give their own:
 * each message's S3 notification, each object it names read, parsed and ingested; a message
 * whose object failed is reported in `batchItemFailures`.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type CreatedObject, createdObjectsOf } from '../adapters/s3-access-log-objects';
import { type AccessCall, parseAccessLogLine } from '../domain/usage/access-call';
import { type IngestDeps, ingestAccessLogObject, stageStatusCounts } from '../domain/usage/ingest';
import { logger } from '../runtime/logger';
import { publishStageMetrics } from '../runtime/metrics';

export interface AccessLogSource {
  lines(bucket: string, key: string): Promise<string[]>;
}

export async function ingestObject(deps: IngestDeps & { objects: AccessLogSource }, object: CreatedObject) {
  const lines = await deps.objects.lines(object.bucket, object.key);
  const calls: AccessCall[] = [];
  for (const line of lines) {
    const call = parseAccessLogLine(line);
    if (call) calls.push(call);
  }
  const skipped = lines.length - calls.length;
  if (skipped > 0) {
    logger.warn('Skipped access log lines not in ACCESS_LOG_FORMAT; is the stage logging in that format?', {
      skipped,
      object: object.key,
    });
  }
  const result = await ingestAccessLogObject(deps, object, calls);
  for (const [stage, counts] of stageStatusCounts(calls)) publishStageMetrics(stage, counts, object.createdAt);
  logger.debug('Ingested an access-log object', { ...result, skipped, object: object.key });
  return { ...result, skipped };
}

export async function processAccessLogMessages(
  deps: IngestDeps & { objects: AccessLogSource },
  event: SQSEvent,
): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  for (const record of event.Records) {
    try {
      for (const object of createdObjectsOf(record.body)) await ingestObject(deps, object);
    } catch (error) {
      logger.error('Ingesting an access-log object failed; SQS retries it, then moves it to the DLQ', {
        messageId: record.messageId,
        error,
      });
      failed.push(record.messageId);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
