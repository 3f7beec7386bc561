/**
 * usage-ingest: SQS messages carrying S3 notifications of access-log objects (on the local S3 of
 * fauxqs, gzipped as Firehose writes them) become one usage window each, one archive object, the
 * stage counters once, and a failed object fails its own message only.
 */
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { S3AccessLogObjects } from '../../functions/adapters/s3-access-log-objects';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import {
  ACCESS_LOG_OBJECT_RETENTION_DAYS,
  USAGE_INGEST_MAX_AGE_HOURS,
  USAGE_RECENT_RETENTION_HOURS,
} from '../../functions/definition/usage';
import { renderAccessLogLine } from '../../functions/domain/usage/access-call';
import { stageStatusCounts } from '../../functions/domain/usage/ingest';
import type { UsageWindow } from '../../functions/domain/usage/usage-model';
import { windowIdOf } from '../../functions/domain/usage/window';
import { logger } from '../../functions/runtime/logger';
import { stageMetricsLine } from '../../functions/runtime/metrics';
import { processAccessLogMessages } from '../../functions/usage/access-log-messages';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startSqs } from '../../local/emulators/sqs';
import { LOCAL_REGION } from '../../local/gateway/events';
import { aCall, MemoryUsageStore } from '../support/usage-memory';

const BUCKET = 'usage';
const CREATED = '2026-03-01T12:01:00.000Z';

let fauxqs: Awaited<ReturnType<typeof startSqs>>;
let s3: S3Client;

beforeAll(async () => {
  fauxqs = await startSqs({});
  s3 = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: fauxqs.endpoint,
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(() => fauxqs.close());

const record = (overrides: Partial<AccessLogRecord> = {}): AccessLogRecord => ({
  requestId: 'r1',
  requestTimeEpoch: String(Date.parse('2026-03-01T12:00:10.000Z')),
  stage: 'live',
  httpMethod: 'GET',
  resourcePath: '/v1/contacts',
  status: '200',
  responseLatency: '3',
  sourceIp: '203.0.113.7',
  keyId: 'key_AAAAAAAAAAAAAAAA',
  organizationId: 'org_1',
  errorType: '',
  path: '/live/v1/contacts',
  userAgent: 'test',
  ...overrides,
});

async function putObject(key: string, lines: string[]) {
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipSync(lines.map((line) => `${line}\n`).join('')) }),
  );
}

/** The notification S3 sends, with the key URL-encoded as S3 encodes it (`+` for a space). */
const notification = (key: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventTime: CREATED,
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%20/g, '+'), size: 1 } },
    },
  ],
});

const sqsEvent = (...bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((body, index) => ({ messageId: `m${index}`, body: JSON.stringify(body) })),
  }) as SQSEvent;

/** The stores, and a clock a minute after CREATED unless told otherwise. */
function deps(now = Date.parse(CREATED) + 60_000) {
  const windows: UsageWindow[] = [];
  const archived: string[] = [];
  const usage = new MemoryUsageStore();
  return {
    windows,
    archived,
    usage,
    deps: {
      archive: { put: async (object: string) => void archived.push(object) },
      recent: { putWindow: async (window: UsageWindow) => void windows.push(window) },
      usage,
      objects: new S3AccessLogObjects(s3),
      clock: () => new Date(now),
    },
  };
}

describe('processAccessLogMessages', () => {
  it('turns the object a notification names into one window, one archive object and the stage counters', async () => {
    const key = 'access-logs/2026/03/01/12/local one+two.gz';
    await putObject(key, [
      renderAccessLogLine(record()),
      renderAccessLogLine(record({ requestId: 'r2', keyId: 'key_BBBBBBBBBBBBBBBB', status: '429' })),
      renderAccessLogLine(record({ requestId: 'r3', keyId: '', organizationId: '', status: '401' })),
      'not an access log line',
    ]);
    const { deps: ingestDeps, windows, archived, usage } = deps();

    const response = await processAccessLogMessages(ingestDeps, sqsEvent(notification(key)));

    expect(response.batchItemFailures).toEqual([]);
    expect(windows).toHaveLength(1);
    expect(windows[0]?.id).toBe(windowIdOf(key));
    expect(windows[0]?.createdAt).toBe(Date.parse(CREATED));
    expect(Object.keys(windows[0]?.organizations[0]?.keys ?? {}).sort()).toEqual([
      'key_AAAAAAAAAAAAAAAA',
      'key_BBBBBBBBBBBBBBBB',
    ]);
    expect(windows[0]?.organizations[0]?.calls?.object).toBe(archived[0]);
    expect(archived).toEqual([
      expect.stringMatching(new RegExp(`^call-log/2026-03-01/${windowIdOf(key)}-[0-9a-f]{16}\\.bin$`)),
    ]);
    expect(await usage.stageDays({ stage: 'live', from: '2026-03-01', to: '2026-03-01' })).toEqual([
      { day: '2026-03-01', counters: { 'n|GET /v1/contacts|401': 1 } },
    ]);
    expect(usage.writes).toBe(1);
  });

  it("ignores S3's test event", async () => {
    const { deps: ingestDeps, windows } = deps();

    const response = await processAccessLogMessages(
      ingestDeps,
      sqsEvent({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(windows).toEqual([]);
  });

  it('fails only the message whose object could not be read, or that is no notification', async () => {
    const key = 'access-logs/2026/03/01/12/present.gz';
    await putObject(key, [renderAccessLogLine(record())]);
    const { deps: ingestDeps, windows } = deps();
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    const response = await processAccessLogMessages(
      ingestDeps,
      sqsEvent(notification('access-logs/2026/03/01/12/missing.gz'), notification(key), { hello: 1 }, 'not json'),
    );

    const logged = errors.mock.calls.length;
    errors.mockRestore();
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm0' },
      { itemIdentifier: 'm2' },
      { itemIdentifier: 'm3' },
    ]);
    expect(logged).toBe(3);
    expect(windows.map((window) => window.id)).toEqual([windowIdOf(key)]);
  });

  it('fails a message whose eventTime is no ISO time, rather than dropping its object as too old', async () => {
    const key = 'access-logs/2026/03/01/12/bad-time.gz';
    await putObject(key, [renderAccessLogLine(record())]);
    const { deps: ingestDeps, windows } = deps();
    const [entry] = notification(key).Records;
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);

    const response = await processAccessLogMessages(
      ingestDeps,
      sqsEvent({ Records: [{ ...entry, eventTime: 'Sun, 01 Mar 2026 12:01:00 GMT?' }] }),
    );

    const warned = warnings.mock.calls.length;
    errors.mockRestore();
    warnings.mockRestore();
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(warned).toBe(0);
    expect(windows).toEqual([]);
  });

  it('drops, as done and with a warning, a notification of an object older than its windows are kept, read or not', async () => {
    const key = 'access-logs/2026/03/01/12/redriven.gz';
    await putObject(key, [renderAccessLogLine(record())]);
    const maxAge = USAGE_INGEST_MAX_AGE_HOURS * 3_600_000;
    const { deps: ingestDeps, windows, usage } = deps(Date.parse(CREATED) + maxAge + 1);
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);

    const response = await processAccessLogMessages(
      ingestDeps,
      sqsEvent(notification(key), notification('access-logs/2026/03/01/12/expired.gz')),
    );

    const warned = warnings.mock.calls.map(([message]) => String(message));
    warnings.mockRestore();
    expect(response.batchItemFailures).toEqual([]);
    expect(windows).toEqual([]);
    expect(usage.writes).toBe(0);
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/too old/);
  });

  it('ingests an object as old as the limit', async () => {
    const key = 'access-logs/2026/03/01/12/in-time.gz';
    await putObject(key, [renderAccessLogLine(record())]);
    const { deps: ingestDeps, windows } = deps(Date.parse(CREATED) + USAGE_INGEST_MAX_AGE_HOURS * 3_600_000);

    const response = await processAccessLogMessages(ingestDeps, sqsEvent(notification(key)));

    expect(response.batchItemFailures).toEqual([]);
    expect(windows).toHaveLength(1);
  });

  it('refuses objects before their windows, late claims or raw objects expire', () => {
    expect(USAGE_INGEST_MAX_AGE_HOURS).toBeLessThan(USAGE_RECENT_RETENTION_HOURS);
    expect(USAGE_INGEST_MAX_AGE_HOURS).toBeLessThan(ACCESS_LOG_OBJECT_RETENTION_DAYS * 24);
  });

  it('names a redelivered object the same window and the same archive object', async () => {
    const key = 'access-logs/2026/03/01/12/again.gz';
    await putObject(key, [renderAccessLogLine(record())]);
    const { deps: ingestDeps, windows, archived } = deps();

    await processAccessLogMessages(ingestDeps, sqsEvent(notification(key)));
    await processAccessLogMessages(ingestDeps, sqsEvent(notification(key)));

    expect(windows[0]).toEqual(windows[1]);
    expect(archived[0]).toBe(archived[1]);
  });
});

describe('stage status metrics', () => {
  it('counts 429s per stage, every stage that served, as one EMF line per stage with the Stage dimension alone', () => {
    const counts = stageStatusCounts([
      aCall({ status: 429 }),
      aCall({ status: 429 }),
      aCall({ status: 503 }),
      aCall({ status: 200 }),
      aCall({ stage: 'sandbox', status: 401 }),
    ]);
    const line = JSON.parse(stageMetricsLine('live', counts.get('live') ?? {}, Date.parse(CREATED)));

    expect(Object.fromEntries(counts)).toEqual({ live: { Status429: 2 }, sandbox: { Status429: 0 } });
    expect(line._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'ApiKeyPlatform', Dimensions: [['Stage']], Metrics: [{ Name: 'Status429', Unit: 'Count' }] },
    ]);
    expect(line).toEqual(expect.objectContaining({ Stage: 'live', Status429: 2 }));
    expect(Object.keys(line).sort()).toEqual(['Stage', 'Status429', '_aws']);
  });
});
