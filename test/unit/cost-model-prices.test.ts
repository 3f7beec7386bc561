import { indexWrites, itemKind, newUsage } from '../../bench/cost-model/aws-requests';
import { priceSize, requestsPer1000, type SizeMeasures, scaled, totalOf } from '../../bench/cost-model/costs';
import { compactFormatSavingsPerLine } from '../../bench/cost-model/sensitivity';
import { renderAccessLogLine } from '../../functions/domain/usage/access-call';

describe('indexWrites', () => {
  it('counts one index write per index whose key attributes an item carries', () => {
    expect(indexWrites('PutItem', { Item: { pk: 'KEY#k', sk: 'KEY', gsi1pk: 'ORG#o', gsi1sk: 'x' } })).toBe(1);
    expect(indexWrites('PutItem', { Item: { pk: { S: 'a' }, gsi1pk: { S: 'b' }, gsi2pk: { S: 'c' } } })).toBe(2);
    expect(indexWrites('PutItem', { Item: { pk: 'ORG#o#USAGE', sk: 'DAY#2026-12-01', ttl: 1 } })).toBe(0);
  });

  it('counts an update by the attributes its expression sets, aliases resolved', () => {
    const moveReminder = {
      UpdateExpression: 'SET #due = :due, version = :v',
      ExpressionAttributeNames: { '#due': 'gsi2sk' },
    };
    const addCounters = {
      UpdateExpression: 'SET #ttl = :ttl ADD requests :one',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
    };

    expect(indexWrites('UpdateItem', moveReminder)).toBe(1);
    expect(indexWrites('UpdateItem', addCounters)).toBe(0);
  });

  it('counts each put of a batch', () => {
    const put = (indexed: boolean) => ({ PutRequest: { Item: { pk: 'p', ...(indexed && { gsi1pk: 'g' }) } } });

    expect(indexWrites('BatchWriteItem', { RequestItems: { table: [put(true), put(false), put(true)] } })).toBe(2);
  });
});

describe('itemKind', () => {
  it('names the partition key with its ids left out, in document or wire form', () => {
    expect(itemKind({ Key: { pk: 'ORG#org_0a1b#USAGE', sk: 'DAY#x' } })).toBe(' ORG#…#USAGE');
    expect(itemKind({ Key: { pk: { S: 'KEY#key_00z1' } } })).toBe(' KEY#…');
    expect(itemKind({ Item: { pk: 'USAGE#RECENT#7' } })).toBe(' USAGE#RECENT#…');
    expect(itemKind({ TableName: 't' })).toBe('');
  });
});

describe('priceSize', () => {
  const measures = (): SizeMeasures => {
    const usage = newUsage();
    usage.requests.set('dynamoDb GetItem KEY#…', 100_000);
    usage.readUnits = 100_000;
    return {
      keys: 10_000,
      monthlyCalls: 100_000_000,
      authorizedCalls: 1_000_000,
      functions: [{ functionId: 'authorizer', usage, invocations: 100_000, billedMs: 1_000_000 }],
      transport: { kind: 'Firehose', billedBytes: 1_000_000 * 5 * 1024 },
      customMetrics: 10,
    };
  };
  const cost = (lines: ReturnType<typeof priceSize>, component: string) =>
    lines.find((line) => line.component === component)?.dollarsPerMillion;

  it('prices Lambda requests and arm64 GB-seconds at the function memory, reads and Firehose records', () => {
    const lines = priceSize(measures());

    // 0.1M requests × $0.20 + 1,000 s × 0.5 GB × $0.0000133334
    expect(cost(lines, 'authorizer Lambda')).toBeCloseTo(0.02 + 0.0066667, 6);
    expect(cost(lines, 'authorizer DynamoDB reads')).toBeCloseTo(0.0125, 6);
    // 1M records of 5 KB: 4.77 GB × $0.029
    expect(cost(lines, 'access-log transport (Firehose)')).toBeCloseTo(0.13828, 4);
    // 10 metrics × $0.30 a month, over 100 times 1M calls a month
    expect(cost(lines, 'custom metrics')).toBeCloseTo(0.03, 6);
    // The authorizer logs as JSON with Lambda's lines at WARN: no START/END/REPORT line to pay for.
    expect(cost(lines, 'Lambda START/END/REPORT log lines')).toBe(0);
    expect(totalOf(lines)).toBeCloseTo(0.02 + 0.0066667 + 0.0125 + 0.13828 + 0.03, 4);
  });

  it('prices Lambda’s own log lines as the function’s logging config writes them (infra/function-logging.ts)', () => {
    const withWorker = measures();
    withWorker.functions.push({ functionId: 'usage-ingest', usage: newUsage(), invocations: 100_000, billedMs: 0 });

    // usage-ingest keeps the text format: START, END and REPORT, ≈ 260 B, each + 26 B, at $0.50 per GB
    expect(cost(priceSize(withWorker), 'Lambda START/END/REPORT log lines')).toBeCloseTo(
      ((100_000 * 338) / 1024 ** 3) * 0.5,
      9,
    );
  });

  it('gives the same dollars per 1M calls for twice the calls and twice the counts', () => {
    const single = measures();
    const double = { ...single, authorizedCalls: 2_000_000, functions: single.functions.map((f) => scaled(f, 2)) };
    double.transport = { ...single.transport, billedBytes: single.transport.billedBytes * 2 };

    expect(totalOf(priceSize(double))).toBeCloseTo(totalOf(priceSize(single)), 9);
    expect(requestsPer1000(double)).toEqual(requestsPer1000(single));
  });
});

describe('compactFormatSavingsPerLine', () => {
  it('is what a line of the access log loses from JSON to its values tab-separated', () => {
    const record = {
      requestId: '0d9f8c1e-6b1a-4c3e-9d2f-2a7b5e8c1f00',
      requestTimeEpoch: '1796428800000',
      stage: 'live',
      httpMethod: 'GET',
      resourcePath: '/v1/leads/{id}',
      status: '200',
      responseLatency: '42',
      sourceIp: '203.0.113.7',
      keyId: 'key_0000000000000001',
      organizationId: 'org_0000000000000001',
      errorType: '',
      path: '/v1/leads/ld_1',
      userAgent: 'leadbase-sdk/1.2',
    };
    const compact = Object.values(record)
      .map((value) => value || '-')
      .join('\t');

    expect(Buffer.byteLength(renderAccessLogLine(record)) - compactFormatSavingsPerLine()).toBe(compact.length);
    expect(compactFormatSavingsPerLine()).toBe(
      2 + Object.keys(record).join('').length + 5 * Object.keys(record).length,
    );
  });
});
