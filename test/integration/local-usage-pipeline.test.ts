/**
 * The local stand-in for Firehose, the bucket's notification and the SQS event source: one object
 * per window in the local S3, in Firehose's format, and usage-ingest invoked with its notification.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Event, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createdObjectsOf, S3AccessLogObjects } from '../../functions/adapters/s3-access-log-objects';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import { USAGE_INGEST_TIMEOUT_SECONDS } from '../../functions/definition/usage';
import { parseAccessLogLine } from '../../functions/domain/usage/access-call';
import { createBucket, localS3Client } from '../../local/bootstrap';
import { startSqs } from '../../local/emulators/sqs';
import { startUsagePipeline, type UsagePipelineOptions } from '../../local/usage-pipeline';
import { waitUntil } from '../support/wait-until';

const BUCKET = 'usage-pipeline-test';
const AT = Date.parse('2026-03-01T10:20:30.000Z');

const record = (requestId: string): AccessLogRecord => ({
  requestId,
  requestTimeEpoch: String(AT - 500),
  stage: 'live',
  httpMethod: 'GET',
  resourcePath: '/v1/whoami',
  status: '200',
  responseLatency: '3',
  sourceIp: '127.0.0.1',
  keyId: 'key_AAAAAAAAAAAAAAAA',
  organizationId: 'org_1',
  errorType: '',
  path: '/live/v1/whoami',
  userAgent: 'a "quoted" agent',
});

let emulator: Awaited<ReturnType<typeof startSqs>>;
let s3: ReturnType<typeof localS3Client>;

beforeAll(async () => {
  emulator = await startSqs({});
  s3 = localS3Client(emulator.endpoint);
  await createBucket(s3, BUCKET);
});

afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

/** An ingest handler that records its events and answers with `answer` (by default: all succeeded). */
function ingestRecording(answer: (event: SQSEvent, call: number) => SQSBatchResponse | undefined = () => undefined) {
  const events: SQSEvent[] = [];
  const handler = async (event: SQSEvent) => {
    events.push(event);
    return answer(event, events.length);
  };
  return { events, handler };
}

const pipelineWith = (options: Partial<UsagePipelineOptions> & Pick<UsagePipelineOptions, 'ingest'>) =>
  startUsagePipeline({ s3, bucket: BUCKET, intervalMs: 60_000, clock: () => AT, onError: () => {}, ...options });

const notificationOf = (event: SQSEvent | undefined) => JSON.parse(event?.Records[0]?.body ?? '{}') as S3Event;
const objectKeyOf = (notification: S3Event) =>
  decodeURIComponent((notification.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' '));

async function objectLines(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return gunzipSync(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  ).toString('utf8');
}

describe('local usage pipeline', () => {
  it('writes one gzipped, newline-delimited object per flush and hands usage-ingest its S3 notification', async () => {
    const { events, handler } = ingestRecording();
    const pipeline = pipelineWith({ ingest: async () => handler });

    pipeline.push(record('r1'));
    pipeline.push(record('r2'));
    await pipeline.flush();
    await pipeline.flush(); // nothing pending: no object, no event
    await pipeline.close();

    expect(events).toHaveLength(1);
    expect(events[0]?.Records).toHaveLength(1);
    const notification = notificationOf(events[0]);
    const [s3Record] = notification.Records;
    expect(s3Record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '2026-03-01T10:20:30.000Z',
      s3: { bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` } },
    });
    const key = objectKeyOf(notification);
    expect(key).toMatch(new RegExp(`^access-logs/2026/03/01/10/local-${AT}-[0-9a-f-]{36}\\.gz$`));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'access-logs/2026/03/01/10/' }));
    expect(listed.Contents?.map((object) => object.Key)).toContain(key);
    expect(listed.Contents?.find((object) => object.Key === key)?.Size).toBe(s3Record?.s3.object.size);
    const text = await objectLines(key);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines.map((line) => parseAccessLogLine(line)?.requestId)).toEqual(['r1', 'r2']);
    expect(parseAccessLogLine(lines[0] ?? '')?.userAgent).toBe('a "quoted" agent');
    expect(pipeline.stats).toMatchObject({ deliveries: 1, records: 2, failedAttempts: 0 });
  });

  it('writes what usage-ingest reads: its notification parser finds the object, its reader the lines', async () => {
    const { events, handler } = ingestRecording();
    const pipeline = pipelineWith({ ingest: async () => handler });

    pipeline.push(record('r1'));
    pipeline.push(record('r2'));
    await pipeline.close();

    const created = createdObjectsOf(events[0]?.Records[0]?.body ?? '');
    expect(created).toEqual([{ bucket: BUCKET, key: expect.stringMatching(/^access-logs\//), createdAt: AT }]);
    const lines = await new S3AccessLogObjects(s3).lines(BUCKET, created[0]?.key ?? '');
    expect(lines.map((line) => parseAccessLogLine(line)?.requestId)).toEqual(['r1', 'r2']);
  });

  it('gives usage-ingest the time it has on AWS (USAGE_INGEST_TIMEOUT_SECONDS)', async () => {
    const remaining: number[] = [];
    const pipeline = pipelineWith({
      ingest: async () => async (_event, context) => {
        remaining.push(context.getRemainingTimeInMillis());
        return undefined;
      },
    });

    pipeline.push(record('r1'));
    await pipeline.flush();
    await pipeline.close();

    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toBeGreaterThan((USAGE_INGEST_TIMEOUT_SECONDS - 10) * 1000);
    expect(remaining[0]).toBeLessThanOrEqual(USAGE_INGEST_TIMEOUT_SECONDS * 1000);
  });

  it('sends the message again while usage-ingest reports it failed, as the event source does', async () => {
    const { events, handler } = ingestRecording((event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] } : undefined,
    );
    const pipeline = pipelineWith({ ingest: async () => handler });

    pipeline.push(record('r1'));
    await pipeline.flush();
    await pipeline.close();

    expect(events).toHaveLength(2);
    expect(events.map((event) => event.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(events[1]?.Records[0]?.messageId).toBe(events[0]?.Records[0]?.messageId);
    expect(events[1]?.Records[0]?.body).toBe(events[0]?.Records[0]?.body);
    expect(pipeline.stats).toMatchObject({ deliveries: 1, failedAttempts: 1 });
  });

  it('gives an object up after its attempts, rejecting the flush, and keeps delivering afterwards', async () => {
    let broken = true;
    const delivered: SQSEvent[] = [];
    const pipeline = pipelineWith({
      attempts: 3,
      ingest: async () => async (event) => {
        if (broken) throw new Error('table missing');
        delivered.push(event);
        return undefined;
      },
    });

    pipeline.push(record('r1'));
    const failure = await pipeline.flush().catch((error: Error) => error);
    broken = false;
    pipeline.push(record('r2'));
    await pipeline.flush();
    await pipeline.close();

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/usage-ingest failed 3 times on access-logs\/.*\.gz/);
    expect(((failure as Error).cause as Error).message).toBe('table missing');
    expect(pipeline.stats.failedAttempts).toBe(3);
    expect(delivered).toHaveLength(1);
    const key = objectKeyOf(notificationOf(delivered[0]));
    expect(await objectLines(key)).toContain('r2');
  });

  // Only setInterval is faked: the pipeline's timers tick on demand while the handlers' I/O runs for real.
  describe('on its interval timers', () => {
    beforeEach(() => {
      jest.useFakeTimers({
        doNotFake: [
          'Date',
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
          'queueMicrotask',
        ],
      });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('delivers at least every interval, and what is left on close', async () => {
      const { events, handler } = ingestRecording();
      const pipeline = pipelineWith({ ingest: async () => handler, intervalMs: 1000 });
      pipeline.push(record('r1'));
      await jest.advanceTimersByTimeAsync(1000);
      await waitUntil(() => events.length === 1, { timeoutMs: 5000, what: 'the timed delivery' });
      pipeline.push(record('r2'));
      await pipeline.close();
      expect(events).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(5000);
      expect(events).toHaveLength(2);
    });

    it('runs usage-rollup with a scheduled event at the time asked, and on its timer at the clock’s time', async () => {
      const runs: ScheduledEvent[] = [];
      const pipeline = pipelineWith({
        ingest: async () => async () => undefined,
        rollup: async () => async (event) => {
          runs.push(event);
        },
        rollupIntervalMs: 60_000,
      });

      await pipeline.rollup(new Date('2026-03-01T12:05:00.000Z'));
      await jest.advanceTimersByTimeAsync(60_000);
      await pipeline.close();

      expect(runs.map((run) => [run['detail-type'], run.time])).toEqual([
        ['Scheduled Event', '2026-03-01T12:05:00.000Z'],
        ['Scheduled Event', '2026-03-01T10:20:30.000Z'],
      ]);
    });

    it('runs the rollups asked for and the timed ones one after the other, never two at once', async () => {
      let running = 0;
      let most = 0;
      const releases: (() => void)[] = [];
      const pipeline = pipelineWith({
        ingest: async () => async () => undefined,
        rollup: async () => async () => {
          running++;
          most = Math.max(most, running);
          await new Promise<void>((resolve) => releases.push(resolve));
          running--;
        },
        rollupIntervalMs: 60_000,
      });

      await jest.advanceTimersByTimeAsync(60_000);
      await waitUntil(() => releases.length === 1, { timeoutMs: 5000, what: 'the timed rollup' });
      const asked = [pipeline.rollup(), pipeline.rollup()];
      for (let run = 0; run < 3; run++) {
        await waitUntil(() => releases.length > run, { timeoutMs: 5000, what: `rollup ${run + 1}` });
        releases[run]?.();
      }
      await Promise.all(asked);
      await pipeline.close();

      expect(releases).toHaveLength(3);
      expect(most).toBe(1);
    });

    it('skips a timer tick while the last timed rollup is still running', async () => {
      const releases: (() => void)[] = [];
      const pipeline = pipelineWith({
        ingest: async () => async () => undefined,
        rollup: async () => async () => {
          await new Promise<void>((resolve) => releases.push(resolve));
        },
        rollupIntervalMs: 60_000,
      });

      await jest.advanceTimersByTimeAsync(60_000);
      await waitUntil(() => releases.length === 1, { timeoutMs: 5000, what: 'the timed rollup' });
      // Three more ticks while it runs: none queues a run behind it.
      await jest.advanceTimersByTimeAsync(3 * 60_000);
      releases[0]?.();
      await jest.advanceTimersByTimeAsync(0);
      const queued = pipeline.stats.rollups;
      await jest.advanceTimersByTimeAsync(60_000);
      await waitUntil(() => releases.length === 2, { timeoutMs: 5000, what: 'the next tick' });
      releases[1]?.();
      await pipeline.close();

      expect(queued).toBe(1);
      expect(releases).toHaveLength(2);
    });
  });
});
