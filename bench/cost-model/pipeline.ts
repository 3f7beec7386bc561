/**
 * The usage pipeline at modelled traffic: each simulated call's access log record (as API Gateway
 * renders ACCESS_LOG_FORMAT, at the virtual time) goes into the local usage pipeline, which hands
 * it to the real usage-ingest handler on the virtual clock: one S3 object per usage window (what
 * Firehose buffers), then the real usage-rollup handler once the hour is due, as its schedule does.
 */
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import { activeApi } from '../../functions/definition/active-api';
import { USAGE_ROLLUP_GRACE_SECONDS, USAGE_WINDOW_SECONDS } from '../../functions/definition/usage';
import { renderAccessLogLine } from '../../functions/domain/usage/access-call';
import type { SqsHandler } from '../../local/sqs-event-source';
import { type RollupHandler, startUsagePipeline } from '../../local/usage-pipeline';
import { PRICES } from '../prices';
import type { SimulatedCall } from './traffic';

export interface PipelineRun {
  /** Every call of the run, and of them those with a known key. */
  calls: number;
  authorizedCalls: number;
  /** Authorized calls of the hour the rollup folded. */
  hourAuthorizedCalls: number;
  /** Each function's invocations and billed milliseconds (each invocation rounded up to 1 ms). */
  ingest: { invocations: number; billedMs: number };
  rollup: { invocations: number; billedMs: number };
  /** What Firehose bills: each record rounded up to 5 KB. */
  transportBytes: number;
  /** The access log's own bytes. */
  accessLogBytes: number;
}

/** Ids in the real formats, distinct per model size, so sizes do not share items. */
export const simulatedKeyId = (size: number, key: number) =>
  `key_${`${size.toString(36)}z${key.toString(36)}`.padStart(16, '0')}`;
export const simulatedOrganizationId = (size: number, organization: number) =>
  `org_${size.toString(16).padStart(6, '0')}${organization.toString(16).padStart(10, '0')}`;

export function accessLogRecord(call: SimulatedCall, size: number, requestId: string): AccessLogRecord {
  const known = call.key >= 0;
  return {
    requestId,
    requestTimeEpoch: String(call.time),
    stage: activeApi().compiled.stages[call.environment],
    httpMethod: call.method,
    resourcePath: call.resourcePath,
    status: String(call.status),
    responseLatency: String(call.latencyMs),
    sourceIp: call.sourceIp,
    keyId: known ? simulatedKeyId(size, call.key) : '',
    organizationId: known ? simulatedOrganizationId(size, call.organization) : '',
    errorType: call.status === 401 ? 'UNAUTHORIZED' : call.status === 429 ? 'THROTTLED' : '',
    path: call.path,
    userAgent: call.userAgent,
  };
}

export async function runFirehosePipeline(options: {
  calls: Iterable<SimulatedCall>;
  size: number;
  /** The hour whose windows the rollup folds; the run goes on past its end and grace. */
  hourStart: number;
  s3: S3Client;
  bucket: string;
  ingest: SqsHandler;
  rollup: RollupHandler;
}): Promise<PipelineRun> {
  const run: PipelineRun = {
    calls: 0,
    authorizedCalls: 0,
    hourAuthorizedCalls: 0,
    ingest: { invocations: 0, billedMs: 0 },
    rollup: { invocations: 0, billedMs: 0 },
    transportBytes: 0,
    accessLogBytes: 0,
  };
  const timed =
    <E, C, R>(handler: (event: E, context: C) => Promise<R>, into: { invocations: number; billedMs: number }) =>
    async (event: E, context: C) => {
      const started = performance.now();
      const result = await handler(event, context);
      into.invocations++;
      into.billedMs += Math.ceil(performance.now() - started);
      return result;
    };
  let now = options.hourStart;
  // Only the virtual clock writes objects and rolls up: the pipeline's own timers are set beyond the run.
  const pipeline = startUsagePipeline({
    s3: options.s3,
    bucket: options.bucket,
    ingest: async () => timed(options.ingest, run.ingest),
    rollup: async () => timed(options.rollup, run.rollup),
    clock: () => now,
    intervalMs: 2 ** 31 - 1,
    rollupIntervalMs: 2 ** 31 - 1,
  });
  const windowMs = USAGE_WINDOW_SECONDS * 1000;
  const hourEnd = options.hourStart + 3_600_000;
  const rollupAt = hourEnd + USAGE_ROLLUP_GRACE_SECONDS * 1000;
  let windowEnd = options.hourStart + windowMs;
  const closeWindowsUntil = async (time: number) => {
    while (time >= windowEnd) {
      now = windowEnd;
      await pipeline.flush();
      if (windowEnd === rollupAt) await pipeline.rollup(new Date(rollupAt));
      windowEnd += windowMs;
    }
  };
  try {
    for (const call of options.calls) {
      await closeWindowsUntil(call.time);
      const record = accessLogRecord(call, options.size, randomUUID());
      pipeline.push(record);
      const bytes = Buffer.byteLength(renderAccessLogLine(record));
      const rounding = PRICES.firehose.recordRoundingBytes;
      run.calls++;
      run.accessLogBytes += bytes;
      run.transportBytes += Math.ceil(bytes / rounding) * rounding;
      if (call.key >= 0) {
        run.authorizedCalls++;
        if (call.time < hourEnd) run.hourAuthorizedCalls++;
      }
    }
    await closeWindowsUntil(rollupAt);
  } finally {
    await pipeline.close();
  }
  if (run.rollup.invocations === 0) throw new Error('The run ended before the rollup was due: run it longer');
  return run;
}
