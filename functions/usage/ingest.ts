/**
 * usage-ingest: the access-log-objects queue's consumer. Each message is the S3 notification of
 * an access-log object Firehose wrote (locally, the local pipeline writes it and sends the same
 * event); each object becomes one usage window (domain/usage/ingest.ts) and one EMF line of status
 * counts per stage. A message whose object failed is reported in `batchItemFailures`, so SQS
 * retries it and, after its receives, moves it to the DLQ.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { S3AccessLogObjects } from '../adapters/s3-access-log-objects';
import { systemClock } from '../domain/clock';
import { s3 } from '../runtime/clients';
import { processAccessLogMessages } from './access-log-messages';
import { callArchive, recentUsageStore, usageStore } from './stores';

const objects = new S3AccessLogObjects(s3);

export const handler = middy<SQSEvent, SQSBatchResponse>().handler((event) =>
  processAccessLogMessages(
    { archive: callArchive(), recent: recentUsageStore, usage: usageStore, objects, clock: systemClock },
    event,
  ),
);
