/**
 * What CloudWatch Logs does for a stage's access log in AWS, locally: it collects the gateway's
 * access log lines (rendered as API Gateway renders ACCESS_LOG_FORMAT) and hands them to the
 * usage-ingest function as a subscription's event, at least once a second and on close.
 * `flush()` delivers what is pending now, so tests need not sleep.
 */
import { randomUUID } from 'node:crypto';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { encodeLogsEvent } from '../functions/adapters/cloudwatch-logs';
import type { AccessLogRecord } from '../functions/definition/access-log';
import { LOCAL_ACCESS_LOG_FLUSH_MS } from '../functions/definition/usage';
import { renderAccessLogLine } from '../functions/domain/usage/access-call';
import { LOCAL_ACCOUNT_ID } from './gateway/events';

export type LogsHandler = (event: CloudWatchLogsEvent) => Promise<unknown>;

export interface UsagePipelineOptions {
  /** The usage-ingest handler, loaded when the first batch is due. */
  ingest: () => Promise<LogsHandler>;
  intervalMs?: number;
  logGroup?: string;
  /** A failed timed delivery is reported here; `flush()` rejects instead. */
  onError?: (error: unknown) => void;
}

export function startUsagePipeline(options: UsagePipelineOptions) {
  const logGroup = options.logGroup ?? 'local/api-gateway/access-logs';
  const logStream = randomUUID();
  let pending: { id: string; timestamp: number; message: string }[] = [];
  let sequence = 0;
  let delivering: Promise<void> = Promise.resolve();
  /** Batches handed to usage-ingest and the records in them. */
  const stats = { deliveries: 0, records: 0 };

  const deliver = async () => {
    if (pending.length === 0) return;
    const logEvents = pending;
    pending = [];
    const ingest = await options.ingest();
    stats.deliveries++;
    stats.records += logEvents.length;
    await ingest(
      encodeLogsEvent({
        messageType: 'DATA_MESSAGE',
        owner: LOCAL_ACCOUNT_ID,
        logGroup,
        logStream,
        subscriptionFilters: ['usage-ingest'],
        logEvents,
      }),
    );
  };

  /** Deliveries run one after another, as a flush must wait for a timed delivery in flight. */
  const flush = (): Promise<void> => {
    const run = delivering.then(deliver);
    delivering = run.catch(() => {});
    return run;
  };

  const timer = setInterval(() => {
    flush().catch((error: unknown) => (options.onError ?? console.error)(error));
  }, options.intervalMs ?? LOCAL_ACCESS_LOG_FLUSH_MS);
  timer.unref();

  return {
    stats,
    /** Queues one access log record, as API Gateway writes it to the stage's log group. */
    push(record: AccessLogRecord) {
      const timestamp = Number(record.requestTimeEpoch) || Date.now();
      pending.push({
        id: `${timestamp}${String(sequence++).padStart(10, '0')}`,
        timestamp,
        message: renderAccessLogLine(record),
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

export type UsagePipeline = ReturnType<typeof startUsagePipeline>;
