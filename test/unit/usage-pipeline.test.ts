/** The local stand-in for a CloudWatch Logs subscription: batches, event shape, flush and close. */
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { batchIdOf, decodeLogsEvent } from '../../functions/adapters/cloudwatch-logs';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import { parseAccessLogLine } from '../../functions/domain/usage/access-call';
import { startUsagePipeline } from '../../local/usage-pipeline';

const record = (requestId: string): AccessLogRecord => ({
  requestId,
  requestTimeEpoch: '1772366400000',
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

function collecting() {
  const events: CloudWatchLogsEvent[] = [];
  const handler = async (event: CloudWatchLogsEvent) => {
    events.push(event);
  };
  return { events, handler };
}

describe('local usage pipeline', () => {
  it('delivers pending records as one CloudWatch Logs event that the ingest function can read', async () => {
    const { events, handler } = collecting();
    const pipeline = startUsagePipeline({ ingest: async () => handler, intervalMs: 60_000 });
    pipeline.push(record('r1'));
    pipeline.push(record('r2'));
    await pipeline.flush();
    await pipeline.flush(); // nothing pending: no event
    await pipeline.close();

    expect(events).toHaveLength(1);
    const data = decodeLogsEvent(events[0] as CloudWatchLogsEvent);
    expect(data.messageType).toBe('DATA_MESSAGE');
    expect(data.logEvents.map((event) => parseAccessLogLine(event.message)?.requestId)).toEqual(['r1', 'r2']);
    expect(parseAccessLogLine(data.logEvents[0]?.message ?? '')?.userAgent).toBe('a "quoted" agent');
    expect(new Set(data.logEvents.map((event) => event.id)).size).toBe(2);
    expect(batchIdOf(data)).toBe(batchIdOf(data));
    expect(pipeline.stats).toEqual({ deliveries: 1, records: 2 });
  });

  it('delivers at least every interval, and what is left on close', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { events, handler } = collecting();
      const pipeline = startUsagePipeline({ ingest: async () => handler, intervalMs: 1000 });
      pipeline.push(record('r1'));
      await jest.advanceTimersByTimeAsync(1000);
      expect(events).toHaveLength(1);
      pipeline.push(record('r2'));
      await pipeline.close();
      expect(events).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(5000);
      expect(events).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects a flush whose delivery failed, and keeps delivering afterwards', async () => {
    let fail = true;
    const delivered: CloudWatchLogsEvent[] = [];
    const pipeline = startUsagePipeline({
      ingest: async () => async (event) => {
        if (fail) throw new Error('table missing');
        delivered.push(event);
      },
      intervalMs: 60_000,
    });
    pipeline.push(record('r1'));
    await expect(pipeline.flush()).rejects.toThrow('table missing');
    fail = false;
    pipeline.push(record('r2'));
    await pipeline.flush();
    await pipeline.close();
    expect(delivered).toHaveLength(1);
  });
});
