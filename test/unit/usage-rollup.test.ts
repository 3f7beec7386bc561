/**
 * The recent usage store and the hourly rollup on dynalite: windows are filed by hour around the
 * rollup's marker, the rollup folds finished hours into the day items once, and readers that take
 * rolled-up hours from the day items and the rest from the windows count every call exactly once.
 * On a manual clock; no sleeping.
 */
import { gunzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoRecentUsageStore, windowParts } from '../../functions/adapters/dynamo-recent-usage-store';
import { DynamoUsageStore } from '../../functions/adapters/dynamo-usage-store';
import { USAGE_RECENT_SHARDS } from '../../functions/definition/usage';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { archiveWindow, sectionHoldsKey } from '../../functions/domain/usage/call-archive';
import { aggregate } from '../../functions/domain/usage/counters';
import { rollUp } from '../../functions/domain/usage/rollup';
import type { CallSectionRef, OrgWindow } from '../../functions/domain/usage/usage-model';
import { buildUsageWindow, usageShardOf, type WindowSection } from '../../functions/domain/usage/window';
import { aLocalDynamoDb } from '../support/local-table';
import { seededRandom } from '../support/seeded-random';
import { aManualClock } from '../support/unit-factories';
import { someCalls } from '../support/usage-arbitraries';
import { aCall, MemoryLastUsedStore } from '../support/usage-memory';

const at = (iso: string) => Date.parse(`2026-03-01T${iso}Z`);
const DAY = '2026-03-01';
const KEY = 'key_AAAAAAAAAAAAAAAA';
const OTHER_KEY = 'key_BBBBBBBBBBBBBBBB';

let dynamo: Awaited<ReturnType<typeof aLocalDynamoDb>>;
let documents: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  dynamo = await aLocalDynamoDb();
  documents = dynamo.documents;
});

afterAll(() => dynamo.close());

/** A fresh table, the stores on it, and a clock. */
async function aPipeline(start = at('12:00:00'), shards = USAGE_RECENT_SHARDS) {
  const tableName = `usage-${++tables}`;
  await dynamo.table(tableName);
  const clock = aManualClock(new Date(start));
  const recent = new DynamoRecentUsageStore(documents, tableName, clock.clock, shards);
  const usage = new DynamoUsageStore(documents, tableName);
  const lastUsed = new MemoryLastUsedStore();
  const deps = { source: recent, usage, lastUsed, shards };
  return {
    tableName,
    clock,
    recent,
    usage,
    lastUsed,
    /** Writes the window of these calls, created at the clock's time. */
    put(id: string, calls: readonly AccessCall[], sections?: WindowSection[]) {
      return recent.putWindow(buildUsageWindow({ id, createdAt: clock.now(), calls, ...(sections && { sections }) }));
    },
    rollUp: (now = clock.now()) => rollUp(deps, now),
    async shardItems(organizationId: string) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `USAGE#RECENT#${usageShardOf(organizationId, shards)}` },
        }),
      );
      return Items;
    },
  };
}

type Pipeline = Awaited<ReturnType<typeof aPipeline>>;

/** A window of org_1 and org_2 at 10:30, and rollup deps whose reads of org_2's shard fail. */
async function aPipelineWithFailingShard() {
  const pipeline = await aPipeline(at('10:30:00'));
  await pipeline.put('w', [aCall(), aCall({ organizationId: 'org_2', keyId: 'key_CCCCCCCCCCCCCCCC' })]);
  const failing = usageShardOf('org_2');
  const source = Object.create(pipeline.recent) as DynamoRecentUsageStore;
  source.hourWindows = async (shard, hour) => {
    if (shard === failing) throw new Error('throttled');
    return pipeline.recent.hourWindows(shard, hour);
  };
  const deps = { source, usage: pipeline.usage, lastUsed: pipeline.lastUsed, shards: USAGE_RECENT_SHARDS };
  return { pipeline, failing, deps };
}

/** An organization's requests of a day as readers see them: the day item plus the recent windows. */
async function requestsSeen(pipeline: Pipeline, organizationId: string, environment: KeyEnvironment, day = DAY) {
  const counters = await countersSeen(pipeline, organizationId, environment, day, day);
  return Object.entries(counters[day] ?? {})
    .filter(([name]) => name.startsWith('n|'))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function countersSeen(
  pipeline: Pipeline,
  organizationId: string,
  environment: KeyEnvironment,
  from: string,
  to: string,
  keyId?: string,
) {
  const sums: Record<string, Record<string, number>> = {};
  const add = (day: string, counters: Record<string, number>) => {
    const sum = sums[day] ?? {};
    sums[day] = sum;
    for (const [name, count] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + count;
  };
  for (const day of await pipeline.usage.days({ organizationId, environment, from, to, ...(keyId && { keyId }) })) {
    add(day.day, day.counters);
  }
  for (const window of await pipeline.recent.organizationWindows(organizationId, environment)) {
    for (const [id, key] of Object.entries(window.keys)) {
      if (keyId !== undefined && id !== keyId) continue;
      for (const [day, counters] of Object.entries(key.days)) add(day, counters);
    }
  }
  return sums;
}

const aSection = (id: string, calls: readonly AccessCall[]): CallSectionRef => ({
  object: `call-log/${DAY}/${id}.bin`,
  offset: 0,
  length: 1,
  keys: [...new Set(calls.map((call) => call.keyId))].sort(),
  from: Math.min(...calls.map((call) => call.time)),
  to: Math.max(...calls.map((call) => call.time)),
});

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

describe('DynamoRecentUsageStore', () => {
  it("hands an organization its own windows of an environment, never another's", async () => {
    const pipeline = await aPipeline();
    await pipeline.put('w1', [
      aCall({ time: at('11:59:00') }),
      aCall({ stage: 'sandbox', keyId: 'key_SANDBOXSANDBOXSA' }),
      aCall({ organizationId: 'org_2', keyId: 'key_CCCCCCCCCCCCCCCC' }),
    ]);

    const windows = await pipeline.recent.organizationWindows('org_1', 'live');

    expect(windows).toEqual([
      {
        organizationId: 'org_1',
        environment: 'live',
        keys: { [KEY]: { lastUsed: at('11:59:00'), days: { [DAY]: { 'n|GET /v1/contacts|200': 1 } } } },
        windowId: 'w1',
        createdAt: at('12:00:00'),
      },
    ]);
    expect((await pipeline.recent.organizationWindows('org_2', 'test')).length).toBe(0);
  });

  it('writes one item per shard with data, and the same items again when the window comes again', async () => {
    const pipeline = await aPipeline();
    const calls = [aCall(), aCall({ keyId: OTHER_KEY }), aCall({ stage: 'sandbox', keyId: 'key_SANDBOXSANDBOXSA' })];
    await pipeline.put('w1', calls);
    await pipeline.put('w1', calls);

    const items = await pipeline.shardItems('org_1');
    expect(items.map((item) => item.sk)).toEqual(['2026-03-01T12#w1#0']);
    const stored = JSON.parse(gunzipSync(items[0]?.data as Uint8Array).toString('utf8')) as OrgWindow[];
    expect(stored.map((each) => each.environment).sort()).toEqual(['live', 'test']);
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(2);
  });

  it('splits a shard too big for one item into parts that hold every key once', () => {
    const calls = Array.from({ length: 400 }, (_, index) =>
      aCall({ keyId: `key_${String(index).padStart(16, 'K')}`, requestId: `r${index}` }),
    );
    const ref = aSection('w', calls);
    const window = buildUsageWindow({
      id: 'w',
      createdAt: at('12:00:00'),
      calls,
      sections: [{ organizationId: 'org_1', environment: 'live', ref }],
    });

    const parts = windowParts(window.organizations, 1_500);

    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1_500);
    const decoded = parts.flatMap((part) => JSON.parse(gunzipSync(part).toString('utf8')) as OrgWindow[]);
    expect(decoded.flatMap((each) => Object.keys(each.keys)).sort()).toEqual(calls.map((call) => call.keyId).sort());
    expect(decoded.filter((each) => each.calls)).toHaveLength(1);
  });

  it('stores and lists the window of an organization with 30,000 keys active in it, beside the others', async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    const random = seededRandom(30_000);
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const keyIds = Array.from(
      { length: 30_000 },
      () => `key_${Array.from({ length: 16 }, () => letters[Math.floor(random() * letters.length)]).join('')}`,
    );
    const calls = [
      ...keyIds.map((keyId, index) =>
        aCall({ organizationId: 'org_big', keyId, requestId: `b${index}`, time: at('10:29:00') + (index % 59_000) }),
      ),
      aCall({ time: at('10:29:30') }),
    ];
    const archived = archiveWindow(calls, 'big');

    await pipeline.recent.putWindow(
      buildUsageWindow({ id: 'big', createdAt: at('10:30:00'), calls, sections: archived.sections }),
    );

    expect(await requestsSeen(pipeline, 'org_big', 'live')).toBe(30_000);
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(1);
    const listed = await all(
      pipeline.recent.callSections({ organizationId: 'org_big', environment: 'live', since: 0, until: at('11:00:00') }),
    );
    expect(listed).toHaveLength(1);
    expect(sectionHoldsKey(listed[0] as CallSectionRef, keyIds[12_345] as string)).toBe(true);
  }, 60_000);

  it("leaves out of a window's parts only what cannot fit alone, and says which organization it was", () => {
    const huge = buildUsageWindow({
      id: 'w',
      createdAt: at('10:00:00'),
      calls: Array.from({ length: 300 }, (_, index) =>
        aCall({
          organizationId: 'org_huge',
          resourcePath: `/v1/${index.toString(36)}x${index * 7919}`,
          requestId: `h${index}`,
        }),
      ),
    }).organizations;
    const small = buildUsageWindow({ id: 'w', createdAt: at('10:00:00'), calls: [aCall()] }).organizations;
    const dropped: string[] = [];

    const parts = windowParts([...huge, ...small], 1_500, (organization) => dropped.push(organization.organizationId));

    const decoded = parts.flatMap((part) => JSON.parse(gunzipSync(part).toString('utf8')) as OrgWindow[]);
    expect(decoded.map((organization) => organization.organizationId)).toEqual(['org_1']);
    expect(dropped).toEqual(['org_huge']);
  });

  it('files a window of an hour rolled up already under the current hour, and a redelivery counted already not at all', async () => {
    const pipeline = await aPipeline(at('11:59:00'));
    await pipeline.put('first', [aCall({ time: at('11:58:00') })]);
    pipeline.clock.set(new Date(at('12:06:00')));
    await pipeline.rollUp();
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(1);

    // The same object again (SQS redelivered it) after its hour was rolled up: counted once only.
    pipeline.clock.set(new Date(at('12:07:00')));
    await pipeline.recent.putWindow(
      buildUsageWindow({ id: 'first', createdAt: at('11:59:00'), calls: [aCall({ time: at('11:58:00') })] }),
    );
    // Another object of 11:xx that arrives late: filed under 12:xx, still counted.
    await pipeline.recent.putWindow(
      buildUsageWindow({ id: 'late', createdAt: at('11:59:30'), calls: [aCall({ time: at('11:59:10') })] }),
    );

    expect((await pipeline.shardItems('org_1')).map((item) => item.sk).sort()).toEqual([
      '2026-03-01T11#first#0',
      '2026-03-01T12#late#0',
      'LATE#late',
      'ROLLED_UP',
    ]);
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(2);
    await pipeline.rollUp(at('13:06:00'));
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(2);
    expect(await pipeline.recent.organizationWindows('org_1', 'live')).toEqual([]);
  });

  it('files a late window under one claimed hour, whatever its retries and the rollups between them', async () => {
    const pipeline = await aPipeline(at('12:04:00'));
    const late = buildUsageWindow({ id: 'late', createdAt: at('11:59:30'), calls: [aCall({ time: at('11:59:10') })] });

    await pipeline.recent.putWindow(late);
    pipeline.clock.set(new Date(at('12:30:00')));
    await pipeline.recent.putWindow(late);
    await pipeline.rollUp(at('13:05:00'));
    pipeline.clock.set(new Date(at('13:10:00')));
    await pipeline.recent.putWindow(late);
    await pipeline.rollUp(at('14:05:00'));

    expect((await pipeline.shardItems('org_1')).map((item) => item.sk).sort()).toEqual([
      '2026-03-01T12#late#0',
      'LATE#late',
      'ROLLED_UP',
    ]);
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(1);
  });

  it("files an object ingested 2 minutes after its hour ended under a later hour, a minute before the rollup's grace less the ingest's timeout", async () => {
    const pipeline = await aPipeline(at('12:01:59'));
    const window = (id: string) =>
      buildUsageWindow({ id, createdAt: at('11:59:30'), calls: [aCall({ time: at('11:59:10') })] });

    await pipeline.recent.putWindow(window('in-time'));
    pipeline.clock.set(new Date(at('12:02:00')));
    await pipeline.recent.putWindow(window('late'));

    const filed = (await pipeline.shardItems('org_1')).map((item) => String(item.sk));
    expect(filed).toContain('2026-03-01T11#in-time#0');
    expect(filed).toContain('2026-03-01T12#late#0');
  });

  it.each([
    0, 1,
  ])('files the parts of a window whose first attempt failed at part %i, each once, when the retry comes after the rollup', async (failedPart) => {
    const pipeline = await aPipeline(at('11:59:30'), 1);
    const { window, store, failing } = aWindowInTwoParts(pipeline, failedPart);
    await expect(store(failing).putWindow(window)).rejects.toThrow('throttled');
    await pipeline.rollUp(at('12:05:00'));

    pipeline.clock.set(new Date(at('12:11:30')));
    await store(documents).putWindow(window);
    await pipeline.rollUp(at('13:05:00'));

    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(1);
    expect(await requestsSeen(pipeline, 'org_2', 'live')).toBe(1);
  });

  it('files each part of a late window once when its claim moved between retries and a part was filed under the first claimed hour', async () => {
    const pipeline = await aPipeline(at('11:59:30'), 1);
    const { window, store, failing } = aWindowInTwoParts(pipeline, 1);
    // Late at 12:03: claims 12, files part 0 there and fails at part 1; hour 12 is rolled up.
    pipeline.clock.set(new Date(at('12:03:00')));
    await expect(store(failing).putWindow(window)).rejects.toThrow('throttled');
    await pipeline.rollUp(at('13:05:00'));
    // The retry moves the claim to 13 and files part 1 there; a redelivery comes after it.
    pipeline.clock.set(new Date(at('13:10:00')));
    await store(documents).putWindow(window);
    pipeline.clock.set(new Date(at('13:20:00')));
    await store(documents).putWindow(window);
    await pipeline.rollUp(at('14:05:00'));

    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(1);
    expect(await requestsSeen(pipeline, 'org_2', 'live')).toBe(1);
  });

  it("reads an hour's windows for the rollup strongly consistent", async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    await pipeline.put('w', [aCall({ time: at('10:20:00') })]);
    const queries: { ConsistentRead?: boolean }[] = [];
    const recording = {
      send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof QueryCommand) queries.push(command.input);
        return documents.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const source = new DynamoRecentUsageStore(recording, pipeline.tableName, pipeline.clock.clock);

    await source.oldestHour(usageShardOf('org_1'));
    await source.hourWindows(usageShardOf('org_1'), '2026-03-01T10');

    expect(queries).toHaveLength(2);
    for (const query of queries) expect(query.ConsistentRead).toBe(true);
  });

  it('moves the claim of a late window whose first attempt failed before filing it, once its hour is rolled up', async () => {
    const pipeline = await aPipeline(at('12:30:00'));
    await pipeline.put('other', [aCall({ keyId: OTHER_KEY, time: at('12:29:00') })]);
    await pipeline.rollUp(at('13:06:00'));
    expect(await pipeline.recent.marker(usageShardOf('org_1'))).toBe('2026-03-01T12');
    pipeline.clock.set(new Date(at('13:10:00')));
    // The first attempt, at 12:04, claimed 12:xx and failed before its PutItem.
    await documents.send(
      new PutCommand({
        TableName: pipeline.tableName,
        Item: { pk: `USAGE#RECENT#${usageShardOf('org_1')}`, sk: 'LATE#late', hour: '2026-03-01T12' },
      }),
    );

    await pipeline.recent.putWindow(
      buildUsageWindow({ id: 'late', createdAt: at('11:59:30'), calls: [aCall({ time: at('11:59:10') })] }),
    );

    expect((await pipeline.shardItems('org_1')).map((item) => item.sk)).toContain('2026-03-01T13#late#0');
    await pipeline.rollUp(at('14:05:00'));
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(2);
  });

  it("lists an organization's call sections newest first: rolled-up hours from the index, the rest from the windows", async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    const sections: CallSectionRef[] = [];
    for (const [id, time] of [
      ['a', '10:29:00'],
      ['b', '10:50:00'],
      ['c', '11:40:00'],
      ['d', '12:10:00'],
    ] as const) {
      const calls = [aCall({ time: at(time) })];
      const ref = aSection(id, calls);
      sections.push(ref);
      pipeline.clock.set(new Date(at(time) + 30_000));
      await pipeline.put(id, calls, [{ organizationId: 'org_1', environment: 'live', ref }]);
      await pipeline.put(
        `${id}-other`,
        [aCall({ time: at(time), organizationId: 'org_2' })],
        [{ organizationId: 'org_2', environment: 'live', ref: aSection(`${id}-other`, calls) }],
      );
    }
    await pipeline.rollUp(at('12:06:00'));

    const listed = await all(
      pipeline.recent.callSections({ organizationId: 'org_1', environment: 'live', since: 0, until: at('23:00:00') }),
    );
    const recentOnly = await all(
      pipeline.recent.callSections({
        organizationId: 'org_1',
        environment: 'live',
        since: at('10:40:00'),
        until: at('11:50:00'),
      }),
    );

    // Since after every rolled-up hour (a rollup days behind, or a restarted .local/ stack): the
    // call index's key range would run backwards, which DynamoDB refuses (BETWEEN needs from <= to).
    const sinceAfterMarker = await all(
      pipeline.recent.callSections({
        organizationId: 'org_1',
        environment: 'live',
        since: at('12:00:00'),
        until: at('23:00:00'),
      }),
    );

    expect(listed).toEqual([...sections].reverse());
    expect(recentOnly).toEqual([sections[2], sections[1]]);
    expect(sinceAfterMarker).toEqual([sections[3]]);
    expect(
      await all(
        pipeline.recent.callSections({ organizationId: 'org_1', environment: 'test', since: 0, until: at('23:00:00') }),
      ),
    ).toEqual([]);
  });

  it("lists a section filed hours after its calls under its calls' hour, for a page that ends at them", async () => {
    // A call at 10:59 in an object Firehose wrote at 15:30 (S3 delivery retried): filed under 15.
    const pipeline = await aPipeline(at('15:30:00'), 1);
    const calls = [aCall({ time: at('10:59:00') })];
    const ref = aSection('late', calls);
    await pipeline.put('late', calls, [{ organizationId: 'org_1', environment: 'live', ref }]);
    pipeline.clock.set(new Date(at('16:10:00')));
    await pipeline.rollUp(at('16:06:00'));

    // The key's lastUsedAt is its call: the page ends there.
    const listed = await all(
      pipeline.recent.callSections({ organizationId: 'org_1', environment: 'live', since: 0, until: at('10:59:00') }),
    );

    expect(listed).toEqual([ref]);
  });

  it("files an hour's late sections beside, not over, the index items of their calls' hour", async () => {
    const pipeline = await aPipeline(at('10:30:00'), 1);
    const timely = [aCall({ time: at('10:20:00'), requestId: 'timely' })];
    const timelyRef = aSection('timely', timely);
    await pipeline.put('timely', timely, [{ organizationId: 'org_1', environment: 'live', ref: timelyRef }]);
    await pipeline.rollUp(at('11:06:00'));
    const late = [aCall({ time: at('10:40:00'), requestId: 'late' })];
    const lateRef = aSection('late', late);
    pipeline.clock.set(new Date(at('13:30:00')));
    await pipeline.put('late', late, [{ organizationId: 'org_1', environment: 'live', ref: lateRef }]);
    await pipeline.rollUp(at('14:06:00'));

    const listed = await all(
      pipeline.recent.callSections({ organizationId: 'org_1', environment: 'live', since: 0, until: at('10:40:00') }),
    );

    expect(listed).toEqual([lateRef, timelyRef]);
  });
});

describe('rollUp', () => {
  it('rolls up the hours that ended more than the grace period ago, oldest first, and moves the marker', async () => {
    const pipeline = await aPipeline();
    for (const time of ['10:30:00', '11:30:00', '12:30:00']) {
      pipeline.clock.set(new Date(at(time)));
      await pipeline.put(time, [aCall({ time: at(time) - 1000 })]);
    }

    const early = await pipeline.rollUp(at('12:04:59'));
    const due = await pipeline.rollUp(at('12:05:00'));
    const again = await pipeline.rollUp(at('12:05:00'));

    expect(early.rolled.map((hour) => hour.hour)).toEqual(['2026-03-01T10']);
    expect(due.rolled.map((hour) => hour.hour)).toEqual(['2026-03-01T11']);
    expect(again.rolled).toEqual([]);
    expect(await pipeline.usage.days({ organizationId: 'org_1', environment: 'live', from: DAY, to: DAY })).toEqual([
      { day: DAY, counters: { 'n|GET /v1/contacts|200': 2 } },
    ]);
    expect(await pipeline.recent.marker(usageShardOf('org_1'))).toBe('2026-03-01T11');
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(3);
  });

  it('starts, on its first run, from the oldest window', async () => {
    const pipeline = await aPipeline(at('03:10:00'));
    await pipeline.put('w', [aCall({ time: at('03:09:00') })]);

    const { rolled } = await pipeline.rollUp(at('12:30:00'));

    expect(rolled.map((hour) => hour.hour)).toEqual(['2026-03-01T03']);
    expect(await pipeline.recent.marker(usageShardOf('org_1'))).toBe('2026-03-01T11');
  });

  it("writes each key's lastUsedAt once per day, at the first rolled-up hour's latest call, and later hours on the day item", async () => {
    const pipeline = await aPipeline();
    const putHour = async (hour: string) => {
      for (let minute = 0; minute < 6; minute++) {
        pipeline.clock.set(new Date(at(`${hour}:0${minute}:30`)));
        await pipeline.put(`w${hour}-${minute}`, [
          aCall({ requestId: `a${hour}${minute}`, time: at(`${hour}:0${minute}:10`) }),
          aCall({ requestId: `b${hour}${minute}`, keyId: OTHER_KEY, time: at(`${hour}:0${minute}:20`), status: 429 }),
        ]);
      }
    };
    await putHour('10');
    await pipeline.rollUp(at('11:05:00'));
    await putHour('11');

    const rolled = await pipeline.rollUp(at('12:05:00'));

    expect(pipeline.lastUsed.writes).toBe(2);
    expect(rolled.rolled.map((hour) => hour.lastUsedWrites)).toEqual([0]);
    expect(Object.fromEntries(pipeline.lastUsed.lastUsedAt)).toEqual({
      [KEY]: '2026-03-01T10:05:10.000Z',
      [OTHER_KEY]: '2026-03-01T10:05:20.000Z',
    });
    const days = [KEY, OTHER_KEY].map((keyId) => ({ organizationId: 'org_1', keyId, day: DAY }));
    expect(Object.fromEntries(await pipeline.usage.latestUses(days))).toEqual({
      [`${KEY}/${DAY}`]: at('11:05:10'),
      [`${OTHER_KEY}/${DAY}`]: at('11:05:20'),
    });
  });

  it("writes a key's lastUsedAt again on its first rolled-up hour of the next day", async () => {
    const pipeline = await aPipeline(at('10:00:00'));
    await pipeline.put('w1', [aCall({ requestId: 'a', time: at('10:00:10') })]);
    await pipeline.rollUp(at('11:05:00'));
    const nextDay = Date.parse('2026-03-02T00:10:00.000Z');
    pipeline.clock.set(new Date(nextDay + 30_000));
    await pipeline.put('w2', [aCall({ requestId: 'b', time: nextDay })]);

    await pipeline.rollUp(Date.parse('2026-03-02T01:05:00.000Z'));

    expect(pipeline.lastUsed.writes).toBe(2);
    expect(pipeline.lastUsed.lastUsedAt.get(KEY)).toBe('2026-03-02T00:10:00.000Z');
  });

  it("writes a key's lastUsedAt on a retried hour whose first attempt failed after the day item's write", async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    await pipeline.put('w', [
      aCall({ time: at('10:20:00') }),
      aCall({ keyId: OTHER_KEY, requestId: 'o', time: at('10:21:00') }),
    ]);
    const failing = {
      recordLastUsed: () => Promise.reject(new Error('throttled')),
    };
    const first = await rollUp(
      { source: pipeline.recent, usage: pipeline.usage, lastUsed: failing, shards: USAGE_RECENT_SHARDS },
      at('11:05:00'),
    );

    const retry = await pipeline.rollUp(at('12:05:00'));

    expect(first.failures).toHaveLength(1);
    expect(retry.rolled.map((hour) => [hour.hour, hour.lastUsedWrites])).toEqual([['2026-03-01T10', 2]]);
    expect(Object.fromEntries(pipeline.lastUsed.lastUsedAt)).toEqual({
      [KEY]: '2026-03-01T10:20:00.000Z',
      [OTHER_KEY]: '2026-03-01T10:21:00.000Z',
    });
  });

  it("flags a key whose day jumps far above its 7-day average, from the hour's totals", async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    await pipeline.put(
      'busy',
      Array.from({ length: 150 }, (_, index) => aCall({ requestId: `r${index}`, time: at('10:20:00') + index })),
    );
    await pipeline.put('quiet', [aCall({ keyId: OTHER_KEY, time: at('10:20:00') })]);
    expect(await pipeline.usage.anomalies({ organizationId: 'org_1', environment: 'live', day: DAY })).toEqual([]);

    const { rolled } = await pipeline.rollUp(at('11:05:00'));

    expect(rolled[0]?.anomalies).toBe(1);
    expect(await pipeline.usage.anomalies({ organizationId: 'org_1', environment: 'live', day: DAY })).toEqual([
      { keyId: KEY, day: DAY, requests: 150, sevenDayAverage: 0, factor: null },
    ]);
  });

  it('leaves a shard that failed at its marker, for the next run, and rolls up the others', async () => {
    const { pipeline, failing, deps } = await aPipelineWithFailingShard();

    const run = await rollUp(deps, at('11:05:00'));

    expect(run.failures.map((failure) => failure.shard)).toEqual([failing]);
    expect(run.rolled.map((hour) => hour.shard)).toEqual([usageShardOf('org_1')]);
    expect(await pipeline.recent.marker(failing)).toBeUndefined();
    expect(await requestsSeen(pipeline, 'org_2', 'live')).toBe(1);
    expect((await pipeline.rollUp(at('11:10:00'))).rolled.map((hour) => hour.shard)).toEqual([failing]);
    expect(await requestsSeen(pipeline, 'org_2', 'live')).toBe(1);
  });

  it('reports the finished hours the furthest-behind shard has left after the run, and none once it caught up', async () => {
    const { pipeline, deps } = await aPipelineWithFailingShard();

    const behind = await rollUp(deps, at('15:05:00'));
    const caughtUp = await pipeline.rollUp(at('15:10:00'));

    expect(behind.lagHours).toBe(5);
    expect(caughtUp.lagHours).toBe(0);
  });

  it('adds an hour once when a run fails after some of its counter writes and the next run retries it', async () => {
    // 250 endpoints: the key's and the organization's items are written in two chunks each, and the
    // other key's in one: five writes, any of which may be the one that fails.
    const busy = Array.from({ length: 250 }, (_, index) =>
      aCall({ requestId: `b${index}`, resourcePath: `/v1/r${index}`, time: at('10:20:00') + index }),
    );
    const quiet = [aCall({ keyId: OTHER_KEY, requestId: 'q', time: at('10:21:00') })];
    for (let failAt = 1; failAt <= 5; failAt++) {
      const pipeline = await aPipeline(at('10:30:00'));
      await pipeline.put('w', [...busy, ...quiet]);
      const failing = new DynamoUsageStore(failingAfterAdds(failAt - 1), pipeline.tableName);

      const first = await rollUp(
        { source: pipeline.recent, usage: failing, lastUsed: pipeline.lastUsed, shards: USAGE_RECENT_SHARDS },
        at('11:05:00'),
      );
      const retry = await pipeline.rollUp(at('12:05:00'));

      expect(first.failures).toHaveLength(1);
      expect(retry.rolled.map((hour) => hour.hour)).toEqual(['2026-03-01T10']);
      expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(251);
      const keyDays = await pipeline.usage.days({
        organizationId: 'org_1',
        environment: 'live',
        keyId: KEY,
        from: DAY,
        to: DAY,
      });
      expect(Object.values(keyDays[0]?.counters ?? {}).filter((count) => count !== 1)).toEqual([]);
      expect(Object.keys(keyDays[0]?.counters ?? {}).filter((name) => name.startsWith('n|'))).toHaveLength(250);
    }
  });

  it("still flags a key from its day's total when the retried hour finds the key's item added to already", async () => {
    const pipeline = await aPipeline(at('10:30:00'));
    await pipeline.put(
      'busy',
      Array.from({ length: 150 }, (_, index) => aCall({ requestId: `r${index}`, time: at('10:20:00') + index })),
    );
    // The key's item is added to, the organization's item is not.
    const failing = new DynamoUsageStore(
      failingOn((command) => command instanceof UpdateCommand && String(command.input.Key?.sk).startsWith('DAY#')),
      pipeline.tableName,
    );
    const first = await rollUp(
      { source: pipeline.recent, usage: failing, lastUsed: pipeline.lastUsed, shards: USAGE_RECENT_SHARDS },
      at('11:05:00'),
    );

    const retry = await pipeline.rollUp(at('11:10:00'));

    expect(first.failures).toHaveLength(1);
    expect(retry.rolled[0]?.anomalies).toBe(1);
    expect(await pipeline.usage.anomalies({ organizationId: 'org_1', environment: 'live', day: DAY })).toEqual([
      { keyId: KEY, day: DAY, requests: 150, sevenDayAverage: 0, factor: null },
    ]);
    expect(await requestsSeen(pipeline, 'org_1', 'live')).toBe(150);
  });

  it('counts every call exactly once, rolled up or recent, whenever windows arrive and the rollup runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        someCalls,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 6 * 3600_000 }), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        // Up to 5 hours late: Firehose retries delivery for 24 hours, the queue redrives later still.
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 * 3600_000 })), { maxLength: 6 }),
        async (unordered, cuts, rollupOffsets, redelivered, delays) => {
          const calls = [...unordered].sort((a, b) => a.time - b.time);
          const start = Date.parse('2026-03-01T22:00:00.000Z');
          // Two shards: what matters is the hours around each marker, not the number of shards.
          const pipeline = await aPipeline(start, 2);
          // Consecutive pieces of the log, each an object created a little after its last call.
          const points = [...new Set(cuts.map((cut) => cut % (calls.length + 1)))].sort((a, b) => a - b);
          const objects: { id: string; createdAt: number; calls: AccessCall[]; delay: number }[] = [];
          let from = 0;
          for (const point of [...points, calls.length]) {
            const piece = calls.slice(from, point);
            from = point;
            // An object's calls span at most Firehose's buffering interval (900 s), as the call index
            // assumes (MAX_SECTION_SPAN_MS): a longer piece of the log is several objects.
            for (const windowCalls of windowsOf(piece, MAX_BUFFERING_MS)) {
              const last = windowCalls.at(-1)?.time ?? start;
              const delay = delays[objects.length] ?? 0;
              objects.push({ id: `w${objects.length}`, createdAt: last + 30_000, calls: windowCalls, delay });
            }
          }
          type Step = { at: number; run: () => Promise<unknown> };
          const steps: Step[] = [];
          const expected = new Map<string, CallSectionRef>();
          for (const object of objects) {
            const sections = sectionsOf(object.id, object.calls);
            for (const section of sections)
              expected.set(`${section.organizationId}/${section.environment}/${object.id}`, section.ref);
            const window = buildUsageWindow({
              id: object.id,
              createdAt: object.createdAt,
              calls: object.calls,
              sections,
            });
            const deliver = () => pipeline.recent.putWindow(window);
            // A late delivery (a slow queue, retries) may come after the rollup passed its hour.
            steps.push({ at: object.createdAt + object.delay, run: deliver });
          }
          for (const [index, pick] of redelivered.entries()) {
            const object = objects[pick % Math.max(objects.length, 1)];
            if (!object) continue;
            const sections = sectionsOf(object.id, object.calls);
            const later = object.createdAt + object.delay + (index + 1) * 50 * 60_000;
            const window = buildUsageWindow({
              id: object.id,
              createdAt: object.createdAt,
              calls: object.calls,
              sections,
            });
            steps.push({ at: later, run: () => pipeline.recent.putWindow(window) });
          }
          // Hourly at five past, as scheduled, and at random moments besides (retries, the local timer).
          const hourly = Array.from({ length: 6 }, (_, hour) => (hour + 1) * 3600_000 + 5 * 60_000);
          for (const offset of [...hourly, ...rollupOffsets]) {
            steps.push({ at: start + offset, run: () => pipeline.rollUp(start + offset) });
          }
          steps.sort((a, b) => a.at - b.at);
          for (const step of steps) {
            pipeline.clock.set(new Date(step.at));
            await step.run();
          }

          for (const { scope, counters } of aggregate(calls)) {
            if (scope.kind === 'stage') continue;
            const environment = scope.kind === 'organization' ? scope.environment : environmentOfKey(scope.keyId);
            const keyId = scope.kind === 'key' ? scope.keyId : undefined;
            const seen = await countersSeen(pipeline, scope.organizationId, environment, scope.day, scope.day, keyId);
            expect(seen[scope.day]).toEqual(counters);
          }
          const listed = await all(
            pipeline.recent.callSections({
              organizationId: 'org_1',
              environment: 'live',
              since: 0,
              until: Number.MAX_SAFE_INTEGER,
            }),
          );
          const wanted = [...expected].filter(([id]) => id.startsWith('org_1/live/')).map(([, ref]) => ref);
          expect(new Set(listed.map((ref) => ref.object))).toEqual(new Set(wanted.map((ref) => ref.object)));
          expect(listed.filter((ref) => ref.keys.includes(KEY) || ref.keys.includes(OTHER_KEY))).toHaveLength(
            listed.length,
          );
          expect(listed.map((ref) => ref.to)).toEqual([...listed.map((ref) => ref.to)].sort((a, b) => b - a));
          // A page that ends at a section's oldest call (a key's last use) lists it, however late it was filed.
          const filedLate = new Set(objects.filter((object) => object.delay > 2 * 3600_000).map((object) => object.id));
          const lateRefs = [...expected]
            .filter(([id]) => id.startsWith('org_1/live/') && filedLate.has(id.split('/')[2] as string))
            .map(([, ref]) => ref);
          for (const ref of lateRefs.slice(0, 2)) {
            const upTo = await all(
              pipeline.recent.callSections({ organizationId: 'org_1', environment: 'live', since: 0, until: ref.from }),
            );
            expect(upTo.map((listedRef) => listedRef.object)).toContain(ref.object);
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

const environmentOfKey = (keyId: string): KeyEnvironment => (keyId === 'key_SANDBOXSANDBOXSA' ? 'test' : 'live');

/** A section per organization and environment of the calls, as the archive would write them. */
function sectionsOf(id: string, calls: readonly AccessCall[]): WindowSection[] {
  const groups = new Map<string, { organizationId: string; environment: KeyEnvironment; calls: AccessCall[] }>();
  for (const call of calls) {
    if (call.keyId === '') continue;
    const environment: KeyEnvironment = call.stage === 'sandbox' ? 'test' : 'live';
    const group = groups.get(`${call.organizationId}/${environment}`) ?? {
      organizationId: call.organizationId,
      environment,
      calls: [],
    };
    group.calls.push(call);
    groups.set(`${call.organizationId}/${environment}`, group);
  }
  return [...groups.values()].map((group) => ({
    organizationId: group.organizationId,
    environment: group.environment,
    ref: aSection(`${id}-${group.organizationId}-${group.environment}`, group.calls),
  }));
}

/**
 * A window of two organizations at 11:59 filed in two parts (a part per organization: the limit is
 * just below both of them together), a store for it on a client, and a client whose write of
 * `failedPart` throws.
 */
function aWindowInTwoParts(pipeline: Pipeline, failedPart: number) {
  const window = buildUsageWindow({
    id: 'split',
    createdAt: at('11:59:30'),
    calls: [
      aCall({ time: at('11:59:00') }),
      aCall({ organizationId: 'org_2', keyId: OTHER_KEY, time: at('11:59:00') }),
    ],
  });
  const limit = (windowParts(window.organizations, Number.POSITIVE_INFINITY)[0] as Buffer).length - 1;
  const store = (client: DynamoDBDocumentClient) =>
    new DynamoRecentUsageStore(client, pipeline.tableName, pipeline.clock.clock, 1, limit);
  const failing = failingOn(
    (command) => command instanceof PutCommand && String(command.input.Item?.sk).endsWith(`#${failedPart}`),
  );
  return { window, store, failing };
}

/** The test's client, except that the commands `fails` picks throw (as a throttled write would). */
function failingOn(fails: (command: object) => boolean): DynamoDBDocumentClient {
  return {
    send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) =>
      fails(command) ? Promise.reject(new Error('throttled')) : documents.send(command),
  } as unknown as DynamoDBDocumentClient;
}

/** The test's client, except that every counter write (an ADD) after the first `succeeding` throws. */
function failingAfterAdds(succeeding: number): DynamoDBDocumentClient {
  let seen = 0;
  return failingOn(
    (command) =>
      command instanceof UpdateCommand &&
      String(command.input.UpdateExpression).includes(' ADD ') &&
      ++seen > succeeding,
  );
}

/** Firehose's longest buffering interval: no access-log object holds calls further apart. */
const MAX_BUFFERING_MS = 900_000;

/** Calls in time order, cut wherever one is more than `spanMs` after the first of its run. */
function windowsOf<T extends { time: number }>(calls: readonly T[], spanMs: number): T[][] {
  const windows: T[][] = [];
  for (const call of calls) {
    const current = windows.at(-1);
    if (current && call.time - (current[0] as T).time <= spanMs) current.push(call);
    else windows.push([call]);
  }
  return windows;
}
