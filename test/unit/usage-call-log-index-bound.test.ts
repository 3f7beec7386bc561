/** How much of the call index on DynamoDB (dynalite) one call-log page reads, below the key's last use. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRecentUsageStore } from '../../functions/adapters/dynamo-recent-usage-store';
import type { Caller } from '../../functions/domain/caller';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { archiveWindow } from '../../functions/domain/usage/call-archive';
import { listCalls } from '../../functions/domain/usage/call-log';
import type { CallSectionRef } from '../../functions/domain/usage/usage-model';
import { HOUR_MS, hourOf, usageShardOf } from '../../functions/domain/usage/window';
import { MemoryCallArchive } from '../support/call-archive-memory';
import { aLocalDynamoDb } from '../support/local-table';
import { ADMIN_KEY_ACTOR, aCursorCodec, aManualClock } from '../support/unit-factories';
import { aCall, MemoryKeyStore, MemoryUsageStore } from '../support/usage-memory';

const KEY = 'key_AAAAAAAAAAAAAAAA';
const OTHER_KEY = 'key_BBBBBBBBBBBBBBBB';
const START = Date.parse('2026-11-20T00:00:00Z');
const HOURS = 48;
const caller = {
  actor: ADMIN_KEY_ACTOR,
  organizationId: 'org_1',
  environment: 'live',
  keyId: 'key_ADMINADMINADMIN',
  accounts: '*',
} as Caller;

describe('a call-log page over the call index', () => {
  let dynamo: Awaited<ReturnType<typeof aLocalDynamoDb>>;
  let table = 0;
  const clock = aManualClock(new Date(START + (HOURS + 1) * HOUR_MS));

  beforeAll(async () => {
    dynamo = await aLocalDynamoDb();
  });
  afterAll(() => dynamo.close());

  /**
   * HOURS rolled-up hours of another key's calls, a window a quarter hour, and the key's calls in
   * windows filed under the hours given; index items read are counted.
   */
  async function anIndex(own: { call: AccessCall; filedUnder: number }[]) {
    const tableName = `call-index-bound-${table++}`;
    await dynamo.table(tableName);
    const { documents } = dynamo;
    const store = new DynamoRecentUsageStore(documents, tableName, clock.clock, 16);
    const archive = new MemoryCallArchive();
    for (let hour = 0; hour < HOURS; hour++) {
      const sections: CallSectionRef[] = [];
      for (let quarter = 0; quarter < 4; quarter++) {
        const time = START + hour * HOUR_MS + quarter * 15 * 60_000;
        const others = archiveWindow(
          [aCall({ keyId: OTHER_KEY, time, requestId: `o-${hour}-${quarter}` })],
          `w-${hour}-${quarter}`,
        );
        sections.push(...others.sections.map((section) => section.ref));
      }
      for (const [index, { call }] of own.entries()) {
        if (own[index]?.filedUnder !== hour) continue;
        const archived = archiveWindow([call], `mine-${index}`);
        await archive.put(archived.object, archived.body);
        sections.push(...archived.sections.map((section) => section.ref));
      }
      await store.putCallIndex([
        { organizationId: 'org_1', environment: 'live', hour: hourOf(START + hour * HOUR_MS), sections },
      ]);
    }
    await store.advanceMarker(usageShardOf('org_1'), hourOf(START + (HOURS - 1) * HOUR_MS));
    const lastUsedAt = new Date(Math.max(...own.map(({ call }) => call.time))).toISOString();
    const keys = new MemoryKeyStore([
      { id: KEY, organizationId: 'org_1', accounts: '*', lastUsedAt },
    ]) as unknown as KeyStore;
    const read = { indexItems: 0 };
    const send = documents.send.bind(documents);
    jest.spyOn(documents, 'send').mockImplementation((async (command: unknown) => {
      const result = await send(command as never);
      if (command instanceof QueryCommand && command.input.TableName === tableName) {
        read.indexItems += ((result as { Items?: unknown[] }).Items ?? []).length;
      }
      return result;
    }) as never);
    const usage = new MemoryUsageStore();
    const deps = { keys, callIndex: store, usage, archive, clock: clock.clock, cursors: aCursorCodec(clock.clock) };
    return { deps, read };
  }

  afterEach(() => jest.restoreAllMocks());

  it('reads no index hour more than an hour (a section’s span) after the key’s last use', async () => {
    const used = START + 8 * HOUR_MS + 30 * 60_000;
    const { deps, read } = await anIndex([{ call: aCall({ time: used, requestId: 'mine' }), filedUnder: 8 }]);

    const page = await listCalls(deps, caller, KEY, { limit: 10 });

    expect(page.items.map((call) => call.requestId)).toEqual(['mine']);
    // Hours 0 to the one after the last use, one index item each: not the 48 above them.
    const reached = Math.floor((used + HOUR_MS - START) / HOUR_MS);
    expect(read.indexItems).toBe(reached + 1);
  }, 60_000);

  it('finds a call filed a day late on a page that starts below it', async () => {
    // `late` is older than `timely` but was filed 30 hours after it was made (Firehose's S3 delivery
    // retried, then the queue's dead-letter queue redriven).
    const late = aCall({ time: START + 8 * HOUR_MS + 30 * 60_000, requestId: 'late' });
    const timely = aCall({ time: START + 9 * HOUR_MS + 50 * 60_000, requestId: 'timely' });
    const { deps } = await anIndex([
      { call: late, filedUnder: 38 },
      { call: timely, filedUnder: 9 },
    ]);

    const first = await listCalls(deps, caller, KEY, { limit: 1 });
    const second = await listCalls(deps, caller, KEY, { limit: 1, cursor: first.nextCursor as string });

    expect(first.items.map((call) => call.requestId)).toEqual(['timely']);
    expect(second.items.map((call) => call.requestId)).toEqual(['late']);
  }, 60_000);
});
