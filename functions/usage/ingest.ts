/**
 * usage-ingest: the access-log-objects queue's consumer. Each message is the S3 notification of
 * an access-log object Firehose wrote (locally, the local pipeline writes it and sends the same
 * event); each object becomes one usage window (domain/usage/ingest.ts) and one EMF line of status
 * counts per stage. A message whose object failed is reported in `batchItemFailures`, so SQS
 * retries it and, after its receives, moves it to the DLQ.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type CreatedObject, createdObjectsOf, S3AccessLogObjects } from '../adapters/s3-access-log-objects';
import { type AccessCall, parseAccessLogLine } from '../domain/usage/access-call';
import { type IngestDeps, ingestAccessLogObject, stageStatusCounts } from '../domain/usage/ingest';
import { s3 } from '../runtime/clients';
import { logger } from '../runtime/logger';
import { publishStageMetrics } from '../runtime/metrics';
import { callArchive, recentUsageStore, usageStore } from './stores';

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

const objects = new S3AccessLogObjects(s3);

export const handler = middy<SQSEvent, SQSBatchResponse>().handler((event) =>
  processAccessLogMessages({ archive: callArchive(), recent: recentUsageStore, usage: usageStore, objects }, event),
);
