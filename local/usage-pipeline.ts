/**
 * What Firehose, the bucket's event notification and the SQS event source do with a stage's access
 * log in AWS, locally: the gateway's access log lines (rendered as API Gateway renders
 * ACCESS_LOG_FORMAT) are buffered for a window, written gzipped and newline-delimited (Firehose's
 * AppendDelimiterToRecord) as one object under ACCESS_LOG_OBJECT_PREFIX in the local S3, and
 * usage-ingest is invoked with an SQS event whose body is that object's S3 notification. The hourly
 * rollup runs on a timer. `flush()` resolves once ingest is done, so tests need not sleep.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event, ScheduledEvent } from 'aws-lambda';
import type { AccessLogRecord } from '../functions/definition/access-log';
import { QUEUES } from '../functions/definition/queues';
import {
  ACCESS_LOG_OBJECT_PREFIX,
  LOCAL_ACCESS_LOG_FLUSH_MS,
  USAGE_INGEST_TIMEOUT_SECONDS,
  USAGE_ROLLUP_TIMEOUT_SECONDS,
} from '../functions/definition/usage';
import { renderAccessLogLine } from '../functions/domain/usage/access-call';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaContext } from './gateway/events';
import type { SqsHandler } from './sqs-event-source';

export type RollupHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export interface UsagePipelineOptions {
  /** Firehose's writes to the bucket, and the notification's bucket. Not a function's: no IAM check. */
  s3: S3Client;
  bucket: string;
  /** The usage-ingest handler, loaded when the first object is due. */
  ingest: () => Promise<SqsHandler>;
  /** The usage-rollup handler; without it there is no rollup timer. */
  rollup?: () => Promise<RollupHandler>;
  intervalMs?: number;
  /**
   * How often the rollup runs (hourly on AWS; every minute locally, so an hour rolls up soon after
   * its grace period); 0: only when `rollup()` is called.
   */
  rollupIntervalMs?: number;
  /** The time of each object (its name and its notification's eventTime) and of timed rollups. */
  clock?: () => number;
  /**
   * Invocations of ingest per object before it is given up: the queue's receives before its DLQ
   * (QUEUES['access-log-objects'].maxReceiveCount by default).
   */
  attempts?: number;
  /** A failed timed delivery or rollup is reported here; `flush()` and `rollup()` reject instead. */
  onError?: (error: unknown) => void;
}

const gzipped = promisify(gzip);
const OBJECT_QUEUE = QUEUES['access-log-objects'];
const INGEST_TIMEOUT_MS = USAGE_INGEST_TIMEOUT_SECONDS * 1000;
const ROLLUP_TIMEOUT_MS = USAGE_ROLLUP_TIMEOUT_SECONDS * 1000;

export function startUsagePipeline(options: UsagePipelineOptions) {
  const clock = options.clock ?? Date.now;
  const attempts = Math.max(1, options.attempts ?? OBJECT_QUEUE.maxReceiveCount);
  const onError = options.onError ?? ((error: unknown) => console.error('Local usage pipeline:', error));
  let pending: string[] = [];
  let delivering: Promise<void> = Promise.resolve();
  /** Objects handed to usage-ingest, the access log lines in them, and invocations that failed. */
  const stats = { deliveries: 0, records: 0, failedAttempts: 0, rollups: 0 };

  const deliver = async () => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    const now = clock();
    const key = objectKeyAt(now);
    const body = await gzipped(lines.map((line) => `${line}\n`).join(''));
    try {
      await options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body }));
    } catch (error) {
      // Firehose keeps retrying its delivery to S3: the lines go out with the next object.
      pending = [...lines, ...pending];
      throw error;
    }
    stats.deliveries++;
    stats.records += lines.length;
    await ingestObject(key, body.length, now);
  };

  /** The SQS event source's part: retried while the handler reports the message failed. */
  const ingestObject = async (key: string, size: number, eventTime: number) => {
    const handler = await options.ingest();
    const messageId = randomUUID();
    const sentAt = String(clock());
    const body = JSON.stringify(s3Notification(options.bucket, key, size, eventTime));
    let lastFailure: unknown;
    for (let receive = 1; receive <= attempts; receive++) {
      const event = {
        Records: [
          {
            messageId,
            receiptHandle: randomUUID(),
            body,
            attributes: {
              ApproximateReceiveCount: String(receive),
              SentTimestamp: sentAt,
              SenderId: LOCAL_ACCOUNT_ID,
              ApproximateFirstReceiveTimestamp: sentAt,
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${OBJECT_QUEUE.name}`,
            awsRegion: LOCAL_REGION,
          },
        ],
      };
      try {
        const response = await handler(event, lambdaContext('usage-ingest', INGEST_TIMEOUT_MS));
        const failed = (response?.batchItemFailures ?? []).some((failure) => failure.itemIdentifier === messageId);
        if (!failed) return;
        lastFailure = new Error(`usage-ingest reported ${key} failed`);
      } catch (error) {
        lastFailure = error;
      }
      stats.failedAttempts++;
    }
    throw new Error(`usage-ingest failed ${attempts} times on ${key}; the object stays in the bucket`, {
      cause: lastFailure,
    });
  };

  /** Deliveries run one after another, as a flush must wait for a timed delivery in flight. */
  const flush = (): Promise<void> => {
    const run = delivering.then(deliver);
    delivering = run.catch(() => {});
    return run;
  };

  /**
   * The rollups, one after the other, as usage-rollup's reserved concurrency of 1 runs them on AWS:
   * the timer's and those asked for (`rollup(at)`) queue up here, so they never overlap. close
   * waits for it, so none outlives the emulators.
   */
  let rolling: Promise<unknown> = Promise.resolve();
  /** Runs usage-rollup once, as its schedule does, with `time` = `at`, after any rollup in flight. */
  const rollup = (at: Date = new Date(clock())): Promise<unknown> => {
    const run = rolling.then(async () => {
      if (!options.rollup) throw new Error('The local usage pipeline was started without the rollup');
      const handler = await options.rollup();
      stats.rollups++;
      return handler(scheduledEvent(at), lambdaContext('usage-rollup', ROLLUP_TIMEOUT_MS));
    });
    rolling = run.catch(() => {});
    return run;
  };

  const timers = [
    setInterval(() => {
      flush().catch(onError);
    }, options.intervalMs ?? LOCAL_ACCESS_LOG_FLUSH_MS),
  ];
  const rollupIntervalMs = options.rollupIntervalMs ?? 60_000;
  if (options.rollup && rollupIntervalMs > 0) {
    // A tick while the last timed run is still in flight is skipped (on AWS, reserved concurrency 1
    // throttles a schedule that finds usage-rollup busy): ticks never pile up behind a slow rollup.
    let timedInFlight = false;
    timers.push(
      setInterval(() => {
        if (timedInFlight) return;
        timedInFlight = true;
        rollup()
          .catch(onError)
          .finally(() => {
            timedInFlight = false;
          });
      }, rollupIntervalMs),
    );
  }
  for (const timer of timers) timer.unref();

  return {
    stats,
    /** Queues one access log record, as API Gateway hands it to the stage's Firehose stream. */
    push(record: AccessLogRecord) {
      pending.push(renderAccessLogLine(record));
    },
    flush,
    rollup,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await rolling;
      await flush();
    },
  };
}

export type UsagePipeline = ReturnType<typeof startUsagePipeline>;

const pad = (value: number) => String(value).padStart(2, '0');

/** Firehose's `YYYY/MM/DD/HH/` (UTC, arrival time) after the stream's prefix. */
export function objectKeyAt(epochMs: number): string {
  const at = new Date(epochMs);
  const hour = [at.getUTCFullYear(), pad(at.getUTCMonth() + 1), pad(at.getUTCDate()), pad(at.getUTCHours())];
  return `${ACCESS_LOG_OBJECT_PREFIX}${hour.join('/')}/local-${epochMs}-${randomUUID()}.gz`;
}

/** The bucket's ObjectCreated notification, as S3 sends it to the queue (the key URL-encoded, as S3 does). */
export function s3Notification(bucket: string, key: string, size: number, eventTime: number): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: LOCAL_REGION,
        eventTime: new Date(eventTime).toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: `AWS:${LOCAL_ACCOUNT_ID}:firehose` },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'access-log-objects',
          bucket: { name: bucket, ownerIdentity: { principalId: LOCAL_ACCOUNT_ID }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size,
            eTag: '',
            sequencer: eventTime.toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}

function scheduledEvent(at: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: at.toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/usage-rollup`],
    detail: {},
  };
}
