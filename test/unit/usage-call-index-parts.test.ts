import { DynamoRecentUsageStore } from '../../functions/adapters/dynamo-recent-usage-store';
import type { Caller } from '../../functions/domain/caller';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import { archiveWindow } from '../../functions/domain/usage/call-archive';
import { listCalls } from '../../functions/domain/usage/call-log';
import type { CallSectionRef } from '../../functions/domain/usage/usage-model';
import { usageShardOf } from '../../functions/domain/usage/window';
import { MemoryCallArchive } from '../support/call-archive-memory';
import { aLocalDynamoDb } from '../support/local-table';
import { seededRandom } from '../support/seeded-random';
import { ADMIN_KEY_ACTOR, aCursorCodec, aManualClock } from '../support/unit-factories';
import { aCall, MemoryKeyStore, MemoryUsageStore } from '../support/usage-memory';

const TABLE = 'call-index-parts';
const KEY = 'key_AAAAAAAAAAAAAAAA';
const HOUR = '2026-11-30T10';
const HOUR_START = Date.parse(`${HOUR}:00:00Z`);

/** `count` distinct key ids of the same shape as real ones. */
function keyPool(count: number, random: () => number): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: count }, () =>
    Array.from({ length: 16 }, () => letters[Math.floor(random() * letters.length)]).join(''),
  ).map((id) => `key_${id}`);
}

/** `count` of the pool drawn without replacement. */
function draw(pool: readonly string[], count: number, random: () => number): string[] {
  const copy = [...pool];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as string, copy[index] as string];
  }
  return copy.slice(0, count);
}

describe('DynamoRecentUsageStore call index over several parts per hour', () => {
  let dynamo: Awaited<ReturnType<typeof aLocalDynamoDb>>;
  let store: DynamoRecentUsageStore;
  const clock = aManualClock(new Date('2026-11-30T12:00:00Z'));

  beforeAll(async () => {
    dynamo = await aLocalDynamoDb();
    await dynamo.table(TABLE);
    store = new DynamoRecentUsageStore(dynamo.documents, TABLE, clock.clock, 16);
  });
  afterAll(() => dynamo.close());

  it("yields an hour's sections newest first, whatever part holds them", async () => {
    // Arrange: 60 windows of 1,000 keys among 5,000: the hour's index is several parts.
    const random = seededRandom(13);
    const pool = keyPool(5000, random);
    const sections: CallSectionRef[] = Array.from({ length: 60 }, (_, minute) => ({
      object: `call-log/2026-11-30/w${minute}.bin`,
      offset: minute * 1000,
      length: 1000,
      keys: draw(pool, 1000, random).sort(),
      from: HOUR_START + minute * 60_000,
      to: HOUR_START + minute * 60_000 + 59_000,
    }));
    await store.putCallIndex([{ organizationId: 'org_order', environment: 'live', hour: HOUR, sections }]);
    await store.advanceMarker(usageShardOf('org_order'), '2026-11-30T11');

    // Act
    const yielded: number[] = [];
    for await (const section of store.callSections({
      organizationId: 'org_order',
      environment: 'live',
      since: 0,
      until: Number.MAX_SAFE_INTEGER,
    })) {
      yielded.push(section.to);
    }

    // Assert
    expect(yielded).toEqual(sections.map((section) => section.to).sort((a, b) => b - a));
  }, 60_000);

  it("pages through a key's calls in such an hour, each call once", async () => {
    // Arrange: 60 windows of 600 other keys' calls and 3 of the key's.
    const random = seededRandom(7);
    const pool = keyPool(3000, random);
    const archive = new MemoryCallArchive();
    const sections: CallSectionRef[] = [];
    const expected: string[] = [];
    for (let minute = 0; minute < 60; minute++) {
      const start = HOUR_START + minute * 60_000;
      const others = draw(pool, 600, random).map((keyId, index) =>
        aCall({
          keyId,
          organizationId: 'org_1',
          stage: 'live',
          time: start + index * 90,
          requestId: `r-${minute}-${index}`,
        }),
      );
      const own = [0, 1, 2].map((index) =>
        aCall({
          keyId: KEY,
          organizationId: 'org_1',
          stage: 'live',
          time: start + 1000 * index,
          requestId: `k-${minute}-${index}`,
        }),
      );
      expected.push(...own.map((call) => call.requestId));
      const archived = archiveWindow([...others, ...own], `w${minute}`);
      await archive.put(archived.object, archived.body);
      sections.push(...archived.sections.map((section) => section.ref));
    }
    await store.putCallIndex([{ organizationId: 'org_1', environment: 'live', hour: HOUR, sections }]);
    await store.advanceMarker(usageShardOf('org_1'), '2026-11-30T11');
    // The key's lastUsedAt as the rollup of the hour wrote it: its last call, the hour's last minute.
    const lastUsedAt = new Date(HOUR_START + 59 * 60_000 + 2000).toISOString();
    const keys = new MemoryKeyStore([
      { id: KEY, organizationId: 'org_1', accounts: '*', lastUsedAt },
    ]) as unknown as KeyStore;
    const usage = new MemoryUsageStore();
    const deps = { keys, callIndex: store, usage, archive, clock: clock.clock, cursors: aCursorCodec(clock.clock) };
    const caller = {
      actor: ADMIN_KEY_ACTOR,
      organizationId: 'org_1',
      environment: 'live',
      keyId: 'key_ADMINADMINADMIN',
      accounts: '*',
    } as Caller;

    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await listCalls(deps, caller, KEY, { limit: 25, ...(cursor && { cursor }) });
      seen.push(...page.items.map((call) => call.requestId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }

    // Assert
    expect(seen.sort()).toEqual(expected.sort());
  }, 120_000);
});
