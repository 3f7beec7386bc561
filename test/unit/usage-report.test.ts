/** GET /v1/usage in the domain: ranges, periods, breakdowns and the anomaly rule, on a manual clock. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoUsageStore, usageItemKey } from '../../functions/adapters/dynamo-usage-store';
import { type UsageQuery, usageQueryInput } from '../../functions/definition/schemas/usage';
import { USAGE_ANOMALY, USAGE_ROLLUP_GRACE_SECONDS } from '../../functions/definition/usage';
import type { Caller } from '../../functions/domain/caller';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import { anomalyOf } from '../../functions/domain/usage/anomaly';
import { DAY_MS } from '../../functions/domain/usage/days';
import { usageReport } from '../../functions/domain/usage/usage-report';
import { HOUR_MS } from '../../functions/domain/usage/window';
import { aUsagePipeline } from '../support/recent-usage-memory';
import { ADMIN_KEY_ACTOR, aManualClock } from '../support/unit-factories';
import { aCall, MemoryKeyStore } from '../support/usage-memory';

const KEY = 'key_AAAAAAAAAAAAAAAA';
const QUIET = 'key_BBBBBBBBBBBBBBBB';
const NOW = Date.parse('2026-03-04T15:00:00.000Z'); // a Wednesday
const SANDBOX_KEY = 'key_SANDBOXSANDBOXSA';
const caller = (organizationId = 'org_1', environment: Caller['environment'] = 'live') =>
  ({ actor: ADMIN_KEY_ACTOR, organizationId, environment, keyId: 'key_ADMINADMINADMIN' }) as Caller;
const keys = new MemoryKeyStore([
  { id: KEY, organizationId: 'org_1' },
  { id: QUIET, organizationId: 'org_1' },
  { id: SANDBOX_KEY, organizationId: 'org_1', environment: 'test' },
  { id: 'key_CCCCCCCCCCCCCCCC', organizationId: 'org_2' },
]) as unknown as KeyStore;

function setup() {
  const { clock } = aManualClock(new Date(NOW));
  const pipeline = aUsagePipeline(clock);
  const deps = { keys, usage: pipeline.usage, recent: pipeline.recent, clock };
  const report = (query: Partial<UsageQuery> = {}, who = caller()) =>
    usageReport(deps, who, usageQueryInput.parse(query));
  // One access-log object per call: usage-ingest files it as a window of the calls' time.
  const calls = (count: number, overrides: Parameters<typeof aCall>[0]) => {
    const batch = Array.from({ length: count }, () => aCall(overrides));
    return pipeline.ingest(batch, batch[0]?.time);
  };
  /** The hourly rollup, as it runs a little after today's hour: every window into the day items. */
  const rollUp = () => pipeline.rollUp(NOW + HOUR_MS + USAGE_ROLLUP_GRACE_SECONDS * 1000);
  return { usage: pipeline.usage, report, calls, rollUp };
}

const daysAgo = (days: number) => NOW - days * DAY_MS;

describe('usage report', () => {
  it('adds up by day, week and month, by endpoint and status, with credits, before and after the rollup', async () => {
    const { report, calls, rollUp } = setup();
    await calls(3, { time: daysAgo(0) });
    await calls(2, { time: daysAgo(1), status: 429 });
    await calls(1, { time: daysAgo(3), method: 'POST', resourcePath: '/v1/enrichments', status: 201 });
    await calls(4, { time: daysAgo(40), keyId: QUIET, status: 500 });

    for (const rolledUp of [false, true]) {
      if (rolledUp) await rollUp();
      const daily = await report({ from: '2026-02-28', to: '2026-03-04' });
      expect(daily.totals).toEqual({
        requests: 6,
        succeeded: 4,
        failed: 2,
        credits: 5,
        byStatus: { '200': 3, '201': 1, '429': 2 },
      });
      expect(daily.series.map((entry) => [entry.period, entry.requests])).toEqual([
        ['2026-02-28', 0],
        ['2026-03-01', 1],
        ['2026-03-02', 0],
        ['2026-03-03', 2],
        ['2026-03-04', 3],
      ]);
      expect(daily.byEndpoint).toEqual([
        {
          endpoint: 'GET /v1/contacts',
          requests: 5,
          succeeded: 3,
          failed: 2,
          credits: 0,
          byStatus: { '200': 3, '429': 2 },
        },
        { endpoint: 'POST /v1/enrichments', requests: 1, succeeded: 1, failed: 0, credits: 5, byStatus: { '201': 1 } },
      ]);

      const weekly = await report({ from: '2026-02-28', to: '2026-03-04', granularity: 'week' });
      expect(weekly.series.map((entry) => [entry.period, entry.requests])).toEqual([
        ['2026-02-23', 1],
        ['2026-03-02', 5],
      ]);
      const monthly = await report({ from: '2026-01-01', to: '2026-03-31', granularity: 'month' });
      expect(monthly.series.map((entry) => [entry.period, entry.requests, entry.failed])).toEqual([
        ['2026-01', 4, 4],
        ['2026-02', 0, 0],
        ['2026-03', 6, 2],
      ]);
    }
  });

  it('reads one key on request, and defaults to the 30 days up to today', async () => {
    const { report, calls } = setup();
    await calls(3, { time: daysAgo(0) });
    await calls(4, { time: daysAgo(2), keyId: QUIET });
    const quiet = await report({ keyId: QUIET });
    expect([quiet.from, quiet.to, quiet.keyId]).toEqual(['2026-02-03', '2026-03-04', QUIET]);
    expect(quiet.totals.requests).toBe(4);
    expect(quiet.series).toHaveLength(30);
    expect((await report()).totals.requests).toBe(7);
  });

  it('answers 404 for a key of another organization and shows nothing of other organizations', async () => {
    const { report, calls } = setup();
    await calls(3, { time: daysAgo(0) });
    await expect(report({ keyId: KEY }, caller('org_2'))).rejects.toBeInstanceOf(NotFoundError);
    expect((await report({}, caller('org_2'))).totals.requests).toBe(0);
  });

  it("shows a sandbox caller the organization's sandbox usage only, and a live caller live usage only", async () => {
    const { report, calls } = setup();
    await calls(3, { time: daysAgo(0) });
    await calls(2, {
      time: daysAgo(0),
      stage: 'sandbox',
      keyId: SANDBOX_KEY,
      method: 'POST',
      resourcePath: '/v1/search',
    });

    const live = await report();
    const sandbox = await report({}, caller('org_1', 'test'));

    expect(live.totals).toMatchObject({ requests: 3, credits: 0 });
    expect(live.byEndpoint.map((entry) => entry.endpoint)).toEqual(['GET /v1/contacts']);
    expect(sandbox.totals).toMatchObject({ requests: 2, credits: 2 });
    expect(sandbox.byEndpoint.map((entry) => entry.endpoint)).toEqual(['POST /v1/search']);
  });

  it('flags anomalies per environment: a sandbox burst is not a live anomaly', async () => {
    const { report, calls, rollUp } = setup();
    await calls(USAGE_ANOMALY.minimumRequests, { time: daysAgo(0), stage: 'sandbox', keyId: SANDBOX_KEY });
    await rollUp();

    expect((await report()).anomalies).toEqual([]);
    expect((await report({}, caller('org_1', 'test'))).anomalies.map((anomaly) => anomaly.keyId)).toEqual([
      SANDBOX_KEY,
    ]);
  });

  it('answers 404 for a key of the other environment, in either direction', async () => {
    const { report } = setup();

    await expect(report({ keyId: SANDBOX_KEY })).rejects.toBeInstanceOf(NotFoundError);
    await expect(report({ keyId: KEY }, caller('org_1', 'test'))).rejects.toBeInstanceOf(NotFoundError);
    expect((await report({ keyId: SANDBOX_KEY }, caller('org_1', 'test'))).keyId).toBe(SANDBOX_KEY);
  });

  it.each([
    [{ from: '2026-03-05', to: '2026-03-04' }, 'from'],
    [{ from: '2025-03-01', to: '2026-03-04' }, 'from'],
  ])('rejects the range %j, naming %s', async (query, field) => {
    const { report } = setup();
    const error = await report(query).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([field]);
  });

  it('accepts a full year, leap day included', async () => {
    const { report } = setup();
    expect((await report({ from: '2024-01-01', to: '2024-12-31' })).series).toHaveLength(366);
  });

  it('flags a key whose requests today jump above 5× its 7-day average, once the rollup has its hour', async () => {
    const { report, calls, rollUp } = setup();
    for (let day = 1; day <= 7; day++) {
      await calls(20, { time: daysAgo(day) }); // average 20
      await calls(100, { time: daysAgo(day), keyId: QUIET }); // average 100
    }
    await calls(101, { time: daysAgo(0) }); // 5.05×
    await calls(400, { time: daysAgo(0), keyId: QUIET }); // 4×
    await rollUp();
    const organization = await report({ from: '2026-03-04', to: '2026-03-04' });
    expect(organization.anomaly).toBe(true);
    expect(organization.anomalies).toEqual([
      { keyId: KEY, day: '2026-03-04', requests: 101, sevenDayAverage: 20, factor: 5.05 },
    ]);
    expect((await report({ keyId: KEY })).anomalies).toHaveLength(1);
    expect((await report({ keyId: QUIET })).anomaly).toBe(false);
  });
});

describe('the anomaly rule', () => {
  const week = (requests: number) => Array.from({ length: 7 }, () => requests);

  it('needs more than factor × average', () => {
    expect(anomalyOf(KEY, 'd', 500, week(100))).toBeUndefined();
    expect(anomalyOf(KEY, 'd', 501, week(100))).toMatchObject({ requests: 501, sevenDayAverage: 100, factor: 5.01 });
  });

  it('ignores small keys below the minimum volume', () => {
    expect(USAGE_ANOMALY.minimumRequests).toBe(100);
    expect(anomalyOf(KEY, 'd', 99, week(1))).toBeUndefined();
    expect(anomalyOf(KEY, 'd', 100, week(1))).toBeDefined();
  });

  it('flags a dormant key that wakes up, with no factor to show', () => {
    expect(anomalyOf(KEY, 'd', 150, week(0))).toEqual({
      keyId: KEY,
      day: 'd',
      requests: 150,
      sevenDayAverage: 0,
      factor: null,
    });
  });

  it('counts missing days as 0 in the average', () => {
    expect(anomalyOf(KEY, 'd', 120, [70])).toMatchObject({ sevenDayAverage: 10, factor: 12 });
  });
});

describe('DynamoUsageStore', () => {
  it('adds counters with one UpdateItem ADD per item, split when an item has many counters', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const mock = mockClient(documents);
    mock.on(UpdateCommand).resolves({});
    const counters = Object.fromEntries(Array.from({ length: 450 }, (_, index) => [`n|GET /v1/r${index}|200`, 1]));
    const scope = { kind: 'organization', organizationId: 'org_1', environment: 'live', day: '2026-03-04' } as const;
    await new DynamoUsageStore(documents, 'table').add([
      { scope, counters },
      { scope: { kind: 'stage', stage: 'live', day: '2026-03-04' }, counters: { 'n|GET /v1/x|401': 2 } },
    ]);
    const calls = mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(4);
    const organizationUpdates = calls.filter((input) => input.Key?.pk === 'ORG#org_1#USAGE');
    expect(organizationUpdates.map((input) => Object.keys(input.ExpressionAttributeNames ?? {}).length - 3)).toEqual([
      200, 200, 50,
    ]);
    for (const input of calls) {
      expect(input.UpdateExpression).toMatch(/^SET #type = :type, #day = :day, #ttl = :ttl ADD #a0 :a0/);
      expect((input.UpdateExpression ?? '').length).toBeLessThan(4096);
    }
    expect(
      usageItemKey({ kind: 'organization', organizationId: 'org_1', environment: 'test', day: '2026-03-04' }),
    ).toEqual({ pk: 'ORG#org_1#USAGE', sk: 'ENV#test#DAY#2026-03-04' });
    expect(usageItemKey({ kind: 'key', organizationId: 'org_1', keyId: KEY, day: '2026-03-04' })).toEqual({
      pk: 'ORG#org_1#USAGE',
      sk: `KEY#${KEY}#DAY#2026-03-04`,
    });
  });
});
