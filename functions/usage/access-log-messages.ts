/**
 * usage-ingest's work per SQS batch, apart from the handler's stores so tests can give their own:
 * each message's S3 notification, each object it names read, parsed and ingested; a message
 * whose object failed is reported in `batchItemFailures`.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type CreatedObject, createdObjectsOf } from '../adapters/s3-access-log-objects';
import { USAGE_INGEST_MAX_AGE_HOURS } from '../definition/usage';
import type { Clock } from '../domain/clock';
import { type AccessCall, parseAccessLogLine } from '../domain/usage/access-call';
import { type IngestDeps, ingestAccessLogObject, stageStatusCounts } from '../domain/usage/ingest';
import { logger } from '../runtime/logger';
import { publishStageMetrics } from '../runtime/metrics';

export interface AccessLogSource {
  lines(bucket: string, key: string): Promise<string[]>;
}

export interface AccessLogDeps extends IngestDeps {
  objects: AccessLogSource;
  clock: Clock;
}

const MAX_AGE_MS = USAGE_INGEST_MAX_AGE_HOURS * 3_600_000;

export async function ingestObject(deps: AccessLogDeps, object: CreatedObject) {
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

/**
 * Whether the object is too old to count exactly (USAGE_INGEST_MAX_AGE_HOURS): a notification
 * redelivered or redriven that late was counted already, or can no longer be told apart from one
 * that was. Dropped with a warning rather than failed, so it leaves the queue; its raw object (kept
 * ACCESS_LOG_OBJECT_RETENTION_DAYS, longer than this) is never read.
 */
function tooOld(deps: AccessLogDeps, object: CreatedObject): boolean {
  const ageMs = deps.clock().getTime() - object.createdAt;
  if (ageMs <= MAX_AGE_MS) return false;
  logger.warn('Dropped an access-log object too old to count exactly once; its calls are not counted', {
    object: object.key,
    ageHours: Math.floor(ageMs / 3_600_000),
    maxAgeHours: USAGE_INGEST_MAX_AGE_HOURS,
  });
  return true;
}

export async function processAccessLogMessages(deps: AccessLogDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  for (const record of event.Records) {
    try {
      for (const object of createdObjectsOf(record.body)) {
        if (!tooOld(deps, object)) await ingestObject(deps, object);
      }
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
