/**
 * Readers over the rollup: GET /v1/usage and lastUsedAt add the recent windows the hourly rollup has
 * not folded in yet to the day items and the stored lastUsedAt, so a call shows a window after it
 * was made, and once only after its hour is rolled up. On a manual clock; no sleeping.
 */
import fc from 'fast-check';
import { DynamoRecentUsageStore } from '../../functions/adapters/dynamo-recent-usage-store';
import { DynamoUsageStore } from '../../functions/adapters/dynamo-usage-store';
import { type UsageQuery, usageQueryInput } from '../../functions/definition/schemas/usage';
import { USAGE_ROLLUP_GRACE_SECONDS } from '../../functions/definition/usage';
import type { Caller } from '../../functions/domain/caller';
import type { Clock } from '../../functions/domain/clock';
import type { ApiKeyRecord, KeyStore } from '../../functions/domain/keys/key-model';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { aggregate } from '../../functions/domain/usage/counters';
import { latestUse, latestUseOf, withLatestUse } from '../../functions/domain/usage/last-use';
import { withRecentUsage } from '../../functions/domain/usage/recent';
import type { RecentOrgWindow } from '../../functions/domain/usage/usage-model';
import { type UsageReport, usageReport } from '../../functions/domain/usage/usage-report';
import { buildUsageWindow } from '../../functions/domain/usage/window';
import { aLocalDynamoDb } from '../support/local-table';
import { aUsagePipeline, MemoryRecentUsageStore } from '../support/recent-usage-memory';
import { ADMIN_KEY_ACTOR, aManualClock } from '../support/unit-factories';
import { aCall, MemoryKeyStore, MemoryUsageStore } from '../support/usage-memory';

const KEY = 'key_AAAAAAAAAAAAAAAA';
const QUIET = 'key_BBBBBBBBBBBBBBBB';
const SANDBOX_KEY = 'key_SANDBOXSANDBOXSA';
const OTHER_ORG_KEY = 'key_CCCCCCCCCCCCCCCC';
const HOUR_MS = 3600_000;
const GRACE_MS = USAGE_ROLLUP_GRACE_SECONDS * 1000;

const KEYS: (Pick<ApiKeyRecord, 'id' | 'organizationId'> & Partial<ApiKeyRecord>)[] = [
  { id: KEY, organizationId: 'org_1' },
  { id: QUIET, organizationId: 'org_1' },
  { id: SANDBOX_KEY, organizationId: 'org_1', environment: 'test' },
  { id: OTHER_ORG_KEY, organizationId: 'org_2' },
];
const STAGE_OF: Record<string, string> = { [SANDBOX_KEY]: 'sandbox' };
const ORGANIZATION_OF: Record<string, string> = { [OTHER_ORG_KEY]: 'org_2' };

const caller = (organizationId = 'org_1', environment: Caller['environment'] = 'live') =>
  ({ actor: ADMIN_KEY_ACTOR, organizationId, environment, keyId: 'key_ADMINADMINADMIN' }) as Caller;

/** A call of `keyId` at `time`, in its organization and environment. */
const callOf = (keyId: string, time: number, overrides: Partial<AccessCall> = {}) =>
  aCall({
    keyId,
    time,
    organizationId: ORGANIZATION_OF[keyId] ?? 'org_1',
    stage: STAGE_OF[keyId] ?? 'live',
    requestId: `req-${keyId}-${time}`,
    ...overrides,
  });

/** The read side on the in-memory pipeline: usage from the day items and the recent windows. */
function platform(start: Date, stores: (clock: Clock) => Parameters<typeof aUsagePipeline>[1] = () => ({})) {
  const clock = aManualClock(start);
  const pipeline = aUsagePipeline(clock.clock, stores(clock.clock));
  const { usage, recent, lastUsed } = pipeline;
  const keys = new MemoryKeyStore(KEYS) as unknown as KeyStore;
  const report = (query: Partial<UsageQuery> = {}, who = caller()) =>
    usageReport({ keys, usage, recent, clock: clock.clock }, who, usageQueryInput.parse(query));
  /** lastUsedAt of a key as GET /v1/keys/{id} shows it: the windows first, then the key, then its day item. */
  const lastUsedAt = async (keyId: string, who = caller()) => {
    const latest = await latestUseOf({ recent, usage }, who);
    const record = { ...(await keys.get(keyId)), lastUsedAt: lastUsed.lastUsedAt.get(keyId) } as ApiKeyRecord;
    return (await withLatestUse(latest, record)).lastUsedAt;
  };
  /** usage-rollup as scheduled now: every hour that ended more than the grace period ago. */
  const rollUp = () => pipeline.rollUp();
  return { clock, usage, recent, report, lastUsedAt, lastUsed, ingest: pipeline.ingest, rollUp };
}

const aRecentWindow = (overrides: Partial<RecentOrgWindow> = {}): RecentOrgWindow => ({
  windowId: 'w1',
  createdAt: Date.parse('2026-03-04T15:01:00.000Z'),
  organizationId: 'org_1',
  environment: 'live',
  keys: {},
  ...overrides,
});

describe('withRecentUsage', () => {
  const query = { organizationId: 'org_1', environment: 'live' as const, from: '2026-03-03', to: '2026-03-04' };

  it("adds every key's window counters to the day items of their day, and days the items lack, oldest first", () => {
    const days = [{ day: '2026-03-04', counters: { 'n|GET /v1/contacts|200': 5 } }];
    const window = aRecentWindow({
      keys: {
        [KEY]: { lastUsed: 0, days: { '2026-03-04': { 'n|GET /v1/contacts|200': 2, 'c|POST /v1/search': 1 } } },
        [QUIET]: { lastUsed: 0, days: { '2026-03-03': { 'n|GET /v1/contacts|500': 1 } } },
      },
    });

    expect(withRecentUsage(days, [window], query)).toEqual([
      { day: '2026-03-03', counters: { 'n|GET /v1/contacts|500': 1 } },
      { day: '2026-03-04', counters: { 'n|GET /v1/contacts|200': 7, 'c|POST /v1/search': 1 } },
    ]);
    expect(days[0]?.counters).toEqual({ 'n|GET /v1/contacts|200': 5 });
  });

  it("takes one key's counters with keyId, and leaves out days outside the range", () => {
    const window = aRecentWindow({
      keys: {
        [KEY]: {
          lastUsed: 0,
          days: { '2026-03-02': { 'n|GET /v1/x|200': 9 }, '2026-03-03': { 'n|GET /v1/x|200': 1 } },
        },
        [QUIET]: { lastUsed: 0, days: { '2026-03-03': { 'n|GET /v1/x|200': 4 } } },
      },
    });

    expect(withRecentUsage([], [window], { ...query, keyId: KEY })).toEqual([
      { day: '2026-03-03', counters: { 'n|GET /v1/x|200': 1 } },
    ]);
  });

  it('adds nothing from a window of another organization or environment', () => {
    const counters = { 'n|GET /v1/x|200': 1 };
    const windows = [
      aRecentWindow({
        organizationId: 'org_2',
        keys: { [OTHER_ORG_KEY]: { lastUsed: 0, days: { '2026-03-04': counters } } },
      }),
      aRecentWindow({
        environment: 'test',
        keys: { [SANDBOX_KEY]: { lastUsed: 0, days: { '2026-03-04': counters } } },
      }),
    ];

    expect(withRecentUsage([], windows, query)).toEqual([]);
  });
});

describe('latestUse', () => {
  const key = (lastUsedAt?: string, id = KEY) =>
    ({ id, organizationId: 'org_1', environment: 'live', ...(lastUsedAt && { lastUsedAt }) }) as const;
  const used = (lastUsed: number, overrides: Partial<RecentOrgWindow> = {}) =>
    aRecentWindow({ keys: { [KEY]: { lastUsed, days: {} } }, ...overrides });
  /** A usage store whose key days hold these `lastUsed` sets, by `<keyId>/<day>`. */
  const dayItems = (sets: Record<string, number[]> = {}) => {
    const usage = new MemoryUsageStore();
    for (const [id, uses] of Object.entries(sets)) usage.lastUses.set(id, new Set(uses));
    return usage;
  };

  it("moves lastUsedAt up to the key's latest call in the windows", async () => {
    const at = Date.parse('2026-03-04T15:00:30.000Z');
    const latest = latestUse([used(at - 1000), used(at)], dayItems());

    expect((await latest([key('2026-03-04T14:00:00.000Z')]))[0]?.lastUsedAt).toBe('2026-03-04T15:00:30.000Z');
    expect((await latest([key()]))[0]?.lastUsedAt).toBe('2026-03-04T15:00:30.000Z');
  });

  it('never moves lastUsedAt back: a stored later time wins over an earlier window and day item', async () => {
    const stored = key('2026-03-04T15:59:55.000Z');
    const usage = dayItems({ [`${KEY}/2026-03-04`]: [Date.parse('2026-03-04T15:00:00.000Z')] });
    expect(await latestUse([used(Date.parse('2026-03-04T15:59:50.000Z'))], usage)([stored])).toEqual([stored]);
  });

  it("moves lastUsedAt up to the latest of the stored day's item, which the rollup adds later hours to", async () => {
    const usage = dayItems({
      [`${KEY}/2026-03-04`]: [Date.parse('2026-03-04T09:10:00.000Z'), Date.parse('2026-03-04T17:45:00.000Z')],
      [`${QUIET}/2026-03-03`]: [Date.parse('2026-03-03T23:59:00.000Z')],
    });

    const shown = await latestUse([], usage)([key('2026-03-04T09:10:00.000Z'), key('2026-03-03T08:00:00.000Z', QUIET)]);

    expect(shown.map((each) => each.lastUsedAt)).toEqual(['2026-03-04T17:45:00.000Z', '2026-03-03T23:59:00.000Z']);
    expect(usage.lastUseReads).toBe(1);
  });

  it('reads no day item for keys never used', async () => {
    const usage = dayItems();
    expect(await latestUse([], usage)([key(), key(undefined, QUIET)])).toEqual([key(), key(undefined, QUIET)]);
    expect(usage.lastUseReads).toBe(0);
  });

  it("ignores another organization's or environment's window that names the key", async () => {
    const at = Date.parse('2026-03-04T15:00:30.000Z');
    const latest = latestUse([used(at, { organizationId: 'org_2' }), used(at, { environment: 'test' })], dayItems());
    expect(await latest([key()])).toEqual([key()]);
  });
});

describe('latestUseOf', () => {
  it("reads the caller's windows once and the day items once, for every key shown", async () => {
    const recent = new MemoryRecentUsageStore();
    const usage = new MemoryUsageStore();
    await recent.putWindow(
      buildUsageWindow({ id: 'w', createdAt: 1000, calls: [callOf(KEY, 900), callOf(QUIET, 800)] }),
    );

    const latest = await latestUseOf({ recent, usage }, caller());
    const shown = await latest(
      KEYS.slice(0, 2).map((each) => ({
        ...each,
        environment: 'live' as const,
        lastUsedAt: new Date(500).toISOString(),
      })),
    );

    expect(recent.reads).toBe(1);
    expect(usage.lastUseReads).toBe(1);
    expect(shown.map((each) => each.lastUsedAt)).toEqual([new Date(900).toISOString(), new Date(800).toISOString()]);
  });
});

describe('usage and lastUsedAt freshness', () => {
  const T = Date.parse('2026-03-04T15:20:00.000Z');

  it('show a window at once, without a rollup, and exactly once after the rollup of its hour', async () => {
    const { clock, report, lastUsedAt, ingest, rollUp } = platform(new Date(T));
    await ingest([callOf(KEY, T - 40_000), callOf(KEY, T - 20_000, { status: 500 }), callOf(QUIET, T - 30_000)]);

    const fresh = await report();
    expect(fresh.totals).toMatchObject({ requests: 3, succeeded: 2, failed: 1 });
    expect((await report({ keyId: KEY })).totals.requests).toBe(2);
    expect(await lastUsedAt(KEY)).toBe(new Date(T - 20_000).toISOString());

    clock.set(new Date(Date.parse('2026-03-04T16:00:00.000Z') + GRACE_MS));
    await rollUp();

    expect(await report()).toEqual(fresh);
    expect((await report({ keyId: KEY })).totals.requests).toBe(2);
    expect(await lastUsedAt(KEY)).toBe(new Date(T - 20_000).toISOString());
  });

  it('count a window filed after its hour was rolled up once, in the next hour', async () => {
    const { clock, report, ingest, rollUp } = platform(new Date(T));
    await ingest([callOf(KEY, T)]);
    clock.set(new Date(Date.parse('2026-03-04T16:00:00.000Z') + GRACE_MS));
    await rollUp();
    // An object delayed past the rollup: usage-ingest files it under the next hour.
    await ingest([callOf(KEY, T + 1000)], T + 2000);

    expect((await report()).totals.requests).toBe(2);
    clock.advance(HOUR_MS);
    await rollUp();
    expect((await report()).totals.requests).toBe(2);
  });

  it('never move lastUsedAt back, through windows, late windows and rollups', async () => {
    const { clock, lastUsedAt, ingest, rollUp } = platform(new Date(T));
    const seen: string[] = [];
    const look = async () => seen.push((await lastUsedAt(KEY)) ?? '');

    await ingest([callOf(KEY, T - 1000)]);
    await look();
    clock.set(new Date(Date.parse('2026-03-04T15:59:58.000Z')));
    await ingest([callOf(KEY, clock.now() - 3000)]);
    await look();
    clock.set(new Date(Date.parse('2026-03-04T16:01:00.000Z')));
    // Delivered late: a call older than the latest one already shown.
    await ingest([callOf(KEY, Date.parse('2026-03-04T15:59:50.000Z'))]);
    await look();
    clock.set(new Date(Date.parse('2026-03-04T16:00:00.000Z') + GRACE_MS));
    await rollUp();
    await look();

    expect(seen).toEqual([...seen].sort());
    expect(seen.at(-1)).toBe('2026-03-04T15:59:55.000Z');
  });

  it("show a key's later use of the day after the rollup of its hour, though the key item keeps the day's first", async () => {
    const { clock, lastUsedAt, lastUsed, ingest, rollUp } = platform(new Date(T));
    await ingest([callOf(KEY, T - 20_000)]);
    clock.set(new Date(Date.parse('2026-03-04T16:00:00.000Z') + GRACE_MS));
    await rollUp();
    const later = Date.parse('2026-03-04T16:30:00.000Z');
    clock.set(new Date(later + 10_000));
    await ingest([callOf(KEY, later)]);
    clock.set(new Date(Date.parse('2026-03-04T17:00:00.000Z') + GRACE_MS));

    await rollUp();

    expect(lastUsed.lastUsedAt.get(KEY)).toBe(new Date(T - 20_000).toISOString());
    expect(await lastUsedAt(KEY)).toBe(new Date(later).toISOString());
  });

  it('hold on the DynamoDB stores (dynalite): at once from the window, once after the rollup', async () => {
    const dynamo = await aLocalDynamoDb();
    try {
      const { documents } = dynamo;
      await dynamo.table('usage');
      const { clock, report, lastUsedAt, lastUsed, ingest, rollUp } = platform(new Date(T), (now) => ({
        usage: new DynamoUsageStore(documents, 'usage'),
        recent: new DynamoRecentUsageStore(documents, 'usage', now),
      }));
      await ingest([callOf(KEY, T - 40_000), callOf(QUIET, T - 30_000), callOf(SANDBOX_KEY, T - 20_000)]);

      const fresh = await report();
      expect(fresh.totals.requests).toBe(2);
      expect(await lastUsedAt(QUIET)).toBe(new Date(T - 30_000).toISOString());
      clock.set(new Date(Date.parse('2026-03-04T16:00:00.000Z') + GRACE_MS));
      await rollUp();

      expect(await report()).toEqual(fresh);
      expect((await report({}, caller('org_1', 'test'))).totals.requests).toBe(1);
      expect(await lastUsedAt(QUIET)).toBe(new Date(T - 30_000).toISOString());
      // A later hour of the same day: on the day item's `lastUsed` number set, not the key item.
      const later = Date.parse('2026-03-04T16:30:00.000Z');
      clock.set(new Date(later + 10_000));
      await ingest([callOf(QUIET, later)]);
      clock.set(new Date(Date.parse('2026-03-04T17:00:00.000Z') + GRACE_MS));
      await rollUp();
      expect(lastUsed.writes).toBe(3);
      expect(await lastUsedAt(QUIET)).toBe(new Date(later).toISOString());
    } finally {
      await dynamo.close();
    }
  });

  it("keep a sandbox caller's window out of the live report and the other way round", async () => {
    const { report, lastUsedAt, ingest } = platform(new Date(T));
    await ingest([callOf(SANDBOX_KEY, T - 1000), callOf(KEY, T - 2000), callOf(OTHER_ORG_KEY, T - 3000)]);

    expect((await report()).totals.requests).toBe(1);
    expect((await report({}, caller('org_1', 'test'))).totals.requests).toBe(1);
    expect((await report({}, caller('org_2'))).totals.requests).toBe(1);
    expect(await lastUsedAt(SANDBOX_KEY, caller('org_1', 'test'))).toBe(new Date(T - 1000).toISOString());
    expect(await lastUsedAt(SANDBOX_KEY, caller('org_1', 'live'))).toBeUndefined();
  });
});

/** The report without anomalies: those come from the rollup alone, hourly. */
const figures = ({ anomalies: _anomalies, anomaly: _anomaly, ...rest }: UsageReport) => rest;

describe('the report over rolled-up and recent usage', () => {
  const START = Date.parse('2026-03-03T21:00:00.000Z');
  const SPAN_MS = 30 * HOUR_MS; // across two midnights
  const END = START + SPAN_MS + HOUR_MS;
  const anEvent = fc.record({
    key: fc.constantFrom(KEY, QUIET, SANDBOX_KEY, OTHER_ORG_KEY),
    at: fc.integer({ min: 0, max: SPAN_MS - 1 }),
    route: fc.constantFrom(
      { method: 'GET', resourcePath: '/v1/contacts' },
      { method: 'POST', resourcePath: '/v1/search' },
    ),
    status: fc.constantFrom(200, 201, 404, 429, 500),
  });

  it('equals the report of every call counted at once, wherever the windows and the rollups fall', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anEvent, { maxLength: 80 }),
        fc.integer({ min: 1, max: 90 }), // window length, minutes
        fc.integer({ min: 0, max: 15 * 60 }), // delivery delay of each object, seconds
        fc.uniqueArray(fc.integer({ min: 0, max: SPAN_MS + HOUR_MS }), { maxLength: 6 }), // rollup runs
        async (events, windowMinutes, delaySeconds, rollupRuns) => {
          const calls = events.map(({ key, at, route, status }, index) =>
            callOf(key, START + at, { ...route, status, requestId: `req-${index}` }),
          );
          const { clock, report, lastUsedAt, ingest, rollUp } = platform(new Date(START));
          // Objects and rollup runs in the order their times come.
          const windowMs = windowMinutes * 60_000;
          const objects = new Map<number, AccessCall[]>();
          for (const call of calls) {
            const closes = START + (Math.floor((call.time - START) / windowMs) + 1) * windowMs;
            objects.set(closes, [...(objects.get(closes) ?? []), call]);
          }
          const steps = [
            ...[...objects].map(([closes, batch]) => ({
              at: closes + delaySeconds * 1000,
              run: () => ingest(batch, closes),
            })),
            ...rollupRuns.map((run) => ({ at: START + run, run: rollUp })),
          ].sort((a, b) => a.at - b.at);
          for (const step of steps) {
            clock.set(new Date(Math.max(clock.now(), step.at)));
            await step.run();
          }
          clock.set(new Date(Math.max(clock.now(), END)));

          const counted = platform(clock.clock());
          await counted.usage.add(aggregate(calls));
          const range = { from: '2026-03-03', to: '2026-03-05' };
          const views = [
            [range, caller()],
            [{ ...range, granularity: 'week' }, caller()],
            [range, caller('org_1', 'test')],
            [range, caller('org_2')],
            [{ ...range, keyId: KEY }, caller()],
            [{ ...range, keyId: QUIET, granularity: 'month' }, caller()],
          ] as const;
          for (const [query, who] of views) {
            expect(figures(await report(query, who))).toEqual(figures(await counted.report(query, who)));
          }
          for (const { id, organizationId, environment = 'live' } of KEYS) {
            const times = calls.filter((call) => call.keyId === id).map((call) => call.time);
            const latest = times.length ? new Date(Math.max(...times)).toISOString() : undefined;
            expect(await lastUsedAt(id, caller(organizationId, environment))).toBe(latest);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
