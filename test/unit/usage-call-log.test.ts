/** The call log over the archive: the cursor, and reading newest first across overlapping sections, with a manual clock. */
import fc from 'fast-check';
import type { Caller } from '../../functions/domain/caller';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import { SECTION_KEY_LIST_MAX } from '../../functions/domain/usage/call-archive';
import {
  CALL_LOG_RETENTION_MS,
  decodeCallCursor,
  encodeCallCursor,
  listCalls,
  MAX_SECTIONS_PER_PAGE,
  newestFirst,
} from '../../functions/domain/usage/call-log';
import type { LoggedCall } from '../../functions/domain/usage/usage-model';
import { archiveCalls, MemoryCallArchive, MemoryCallIndex } from '../support/call-archive-memory';
import { ADMIN_KEY_ACTOR, aCursorCodec, aManualClock } from '../support/unit-factories';
import { aCall, MemoryKeyStore, MemoryUsageStore } from '../support/usage-memory';

const KEY = 'key_AAAAAAAAAAAAAAAA';
const OTHER_KEY = 'key_BBBBBBBBBBBBBBBB';
const T = Date.parse('2026-03-01T12:00:00.000Z');

const caller = (organizationId = 'org_1', accounts: Caller['accounts'] = '*') =>
  ({ actor: ADMIN_KEY_ACTOR, organizationId, environment: 'live', keyId: 'key_ADMINADMINADMIN', accounts }) as Caller;
const keys = new MemoryKeyStore([
  { id: KEY, organizationId: 'org_1', accounts: '*' },
  { id: OTHER_KEY, organizationId: 'org_1' },
  { id: 'key_CCCCCCCCCCCCCCCC', organizationId: 'org_2' },
]) as unknown as KeyStore;

function setup(now = T) {
  const clock = aManualClock(new Date(now));
  const archive = new MemoryCallArchive();
  const callIndex = new MemoryCallIndex();
  const deps = {
    keys,
    callIndex,
    usage: new MemoryUsageStore(),
    archive,
    clock: clock.clock,
    cursors: aCursorCodec(clock.clock),
  };
  const ingest = (calls: Parameters<typeof archiveCalls>[1], windowId: string) =>
    archiveCalls({ archive, index: callIndex }, calls, windowId);
  return { clock, archive, callIndex, deps, ingest };
}

async function readAll(deps: Parameters<typeof listCalls>[0], keyId: string, limit: number) {
  const pages: LoggedCall[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listCalls(deps, caller(), keyId, { limit, ...(cursor && { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 1000);
  return pages;
}

describe('the cursor', () => {
  const position = { keyId: KEY, time: T, requestId: 'abc-123' };
  const cursors = aCursorCodec();

  it('round-trips a position of the key, and shows none of it', async () => {
    const cursor = await encodeCallCursor(cursors, 'org_1', position);

    expect(await decodeCallCursor(cursors, cursor, 'org_1', KEY)).toEqual(position);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('abc-123');
  });

  it.each([
    ['garbage', async () => 'not a cursor!'],
    [
      'the unsealed form cursors had before',
      async () => Buffer.from(JSON.stringify({ k: KEY, t: T, r: 'x' })).toString('base64url'),
    ],
    ['another key’s cursor', () => encodeCallCursor(cursors, 'org_1', { ...position, keyId: OTHER_KEY })],
    ['another organization’s cursor for the same key id', () => encodeCallCursor(cursors, 'org_2', position)],
    ['a sealed time that is not a whole number', () => cursors.seal({ t: 1.5, r: 'x' }, `calls\norg_1\n${KEY}`)],
    ['a sealed request id with odd characters', () => cursors.seal({ t: T, r: '#ORG' }, `calls\norg_1\n${KEY}`)],
  ])('rejects %s with a 400 naming the cursor', async (_name, cursorOf) => {
    const cursor = await cursorOf();
    const caught = await decodeCallCursor(cursors, cursor, 'org_1', KEY).catch((error: unknown) => error);

    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues.map((issue) => issue.field)).toEqual(['cursor']);
  });
});

describe('reading the call log', () => {
  it('shows calls newest first across windows that overlap in time', async () => {
    const { deps, ingest } = setup(T + 600_000);
    await ingest([aCall({ time: T + 1000, requestId: 'a' }), aCall({ time: T + 65_000, requestId: 'c' })], 'one');
    await ingest([aCall({ time: T + 2000, requestId: 'b' }), aCall({ time: T + 500, requestId: 'z' })], 'two');

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['c', 'b', 'a', 'z']);
    expect(page.nextCursor).toBeUndefined();
  });

  it("finds calls after the key item's stored lastUsedAt that the rollup put on the key's day item", async () => {
    const { deps, ingest, callIndex } = setup(T + 600_000);
    await ingest([aCall({ time: T + 1000, requestId: 'a' })], 'one');
    await ingest([aCall({ time: T + 65_000, requestId: 'c' })], 'two');
    // Rolled up: the windows show nothing; the key item has the day's first hour, its day item the later call.
    callIndex.lastUsed.clear();
    const usage = new MemoryUsageStore();
    usage.lastUses.set(`${KEY}/2026-03-01`, new Set([T + 1000, T + 65_000]));
    const stored = new MemoryKeyStore([
      { id: KEY, organizationId: 'org_1', accounts: '*', lastUsedAt: new Date(T + 1000).toISOString() },
    ]) as unknown as KeyStore;

    const page = await listCalls({ ...deps, keys: stored, usage }, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['c', 'a']);
  });

  it('orders calls of one millisecond from different windows by requestId', async () => {
    const { deps, ingest } = setup(T + 600_000);
    await ingest([aCall({ time: T + 5, requestId: 'a' })], 'one');
    await ingest([aCall({ time: T + 5, requestId: 'b' })], 'two');

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['b', 'a']);
  });

  it('pages through every call exactly once, whatever the page size, overlaps and redeliveries', async () => {
    const window = fc.record({
      calls: fc.array(
        fc.record({
          // Few distinct times too, so calls of one millisecond meet across windows.
          offset: fc.oneof(fc.integer({ min: 0, max: 5 * 60_000 }), fc.integer({ min: 0, max: 3 })),
          key: fc.constantFrom(KEY, OTHER_KEY),
          stage: fc.constantFrom('live', 'live', 'sandbox'),
        }),
        { maxLength: 15 },
      ),
      // Delivered again: under the same window id (the same object), or archived under another id.
      redelivered: fc.constantFrom('no', 'same id', 'new id'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(window, { maxLength: 6 }), fc.integer({ min: 1, max: 7 }), async (windows, limit) => {
        const { deps, ingest } = setup(T + 3_600_000);
        let sequence = 0;
        const all: ReturnType<typeof aCall>[] = [];
        for (const [index, { calls: shapes, redelivered }] of windows.entries()) {
          const calls = shapes.map(({ offset, key, stage }) =>
            aCall({ time: T + offset, keyId: key, stage, requestId: `r${String(sequence++).padStart(3, '0')}` }),
          );
          all.push(...calls);
          await ingest(calls, `w${index}`);
          if (redelivered !== 'no') await ingest(calls, redelivered === 'same id' ? `w${index}` : `w${index}-again`);
        }

        const pages = await readAll(deps, KEY, limit);

        const expected = all
          .filter((call) => call.keyId === KEY && call.stage === 'live')
          .map((call) => ({ time: call.time, requestId: call.requestId }))
          .sort((a, b) => newestFirst(a as LoggedCall, b as LoggedCall));
        expect(pages.flat().map((c) => ({ time: c.time, requestId: c.requestId }))).toEqual(expected);
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      }),
      { numRuns: 80 },
    );
  });

  it('pages through every call exactly once with small budgets, for a key with few calls among many', async () => {
    const HOUR = 3_600_000;
    const window = fc.record({
      hour: fc.integer({ min: 0, max: 30 }),
      calls: fc.array(
        fc.record({
          offset: fc.oneof(fc.integer({ min: 0, max: 70 * 60_000 }), fc.integer({ min: 0, max: 3 })),
          // Mostly other keys: the key's calls are sparse, most sections do not list it.
          key: fc.constantFrom(KEY, OTHER_KEY, OTHER_KEY, OTHER_KEY, OTHER_KEY),
        }),
        { maxLength: 8 },
      ),
      redelivered: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(window, { maxLength: 10 }),
        fc.integer({ min: 1, max: 5 }),
        fc.record({ reads: fc.integer({ min: 1, max: 4 }), indexEntries: fc.integer({ min: 1, max: 8 }) }),
        async (windows, limit, budgets) => {
          const { deps, ingest } = setup(T + 40 * HOUR);
          let sequence = 0;
          const all: ReturnType<typeof aCall>[] = [];
          for (const [index, { hour, calls: shapes, redelivered }] of windows.entries()) {
            const calls = shapes.map(({ offset, key }) =>
              aCall({
                time: T + hour * HOUR + offset,
                keyId: key,
                requestId: `r${String(sequence++).padStart(3, '0')}`,
              }),
            );
            all.push(...calls);
            await ingest(calls, `w${index}`);
            if (redelivered) await ingest(calls, `w${index}-again`);
          }

          const pages = await readAll({ ...deps, budgets }, KEY, limit);

          const expected = all
            .filter((call) => call.keyId === KEY)
            .map((call) => ({ time: call.time, requestId: call.requestId }))
            .sort((a, b) => newestFirst(a as LoggedCall, b as LoggedCall));
          expect(pages.flat().map((c) => ({ time: c.time, requestId: c.requestId }))).toEqual(expected);
          expect(pages.length).toBeLessThan(1000);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('answers a key never used with an empty page and no index read', async () => {
    const { deps, ingest, archive } = setup(T + 600_000);
    await ingest([aCall({ keyId: OTHER_KEY, requestId: 'o' })], 'w');
    const callSections = jest.spyOn(deps.callIndex, 'callSections');

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page).toEqual({ items: [] });
    expect(callSections).not.toHaveBeenCalled();
    expect(archive.reads).toBe(0);
  });

  it('reads no index hour after the key’s last use', async () => {
    const { deps, ingest } = setup(T + 12 * 3_600_000);
    await ingest([aCall({ time: T, requestId: 'mine' })], 'w-mine');
    for (let hour = 1; hour <= 10; hour++) {
      await ingest([aCall({ keyId: OTHER_KEY, time: T + hour * 3_600_000, requestId: `o${hour}` })], `w${hour}`);
    }

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['mine']);
    expect(deps.callIndex.hoursRead).toBe(1);
  });

  it('goes through at most its index budget a page, and the next page goes on below', async () => {
    const { deps, ingest } = setup(T + 600_000);
    await ingest([aCall({ time: T, requestId: 'mine' })], 'w-mine');
    for (let minute = 1; minute <= 20; minute++) {
      await ingest([aCall({ keyId: OTHER_KEY, time: T + minute * 1000, requestId: `o${minute}` })], `w${minute}`);
    }
    // Ahead of every other key's call: the cap at the last use leaves them all in the range.
    await ingest([aCall({ time: T + 30_000, requestId: 'latest' })], 'w-latest');
    const budgets = { reads: MAX_SECTIONS_PER_PAGE, indexEntries: 10 };

    const perPage: number[] = [];
    const shown: string[] = [];
    let cursor: string | undefined;
    do {
      const before = deps.callIndex.entriesGoneThrough;
      const page = await listCalls({ ...deps, budgets }, caller(), KEY, { limit: 10, ...(cursor && { cursor }) });
      perPage.push(deps.callIndex.entriesGoneThrough - before);
      shown.push(...page.items.map((c) => c.requestId));
      cursor = page.nextCursor;
    } while (cursor && perPage.length < 100);

    expect(shown).toEqual(['latest', 'mine']);
    // A section's entries (itself and its keys) may cross the budget by one section, read ahead.
    for (const entries of perPage) expect(entries).toBeLessThanOrEqual(10 + 1);
    expect(perPage.length).toBeGreaterThan(2);
  });

  it('reads only the sections that list the key', async () => {
    const { deps, ingest, archive } = setup(T + 600_000);
    for (let minute = 0; minute < 5; minute++) {
      await ingest([aCall({ keyId: OTHER_KEY, time: T + minute * 60_000, requestId: `o${minute}` })], `w${minute}`);
    }
    await ingest([aCall({ time: T + 30_000, requestId: 'mine' })], 'w-mine');

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['mine']);
    expect(archive.reads).toBe(1);
  });

  it('reads, for any key, a section of more keys than a reference lists', async () => {
    const { deps, ingest, archive } = setup(T + 600_000);
    const crowd = Array.from({ length: SECTION_KEY_LIST_MAX }, (_, index) =>
      aCall({ keyId: `key_${String(index).padStart(16, 'X')}`, time: T + index, requestId: `c${index}` }),
    );
    await ingest([...crowd, aCall({ time: T + 30_000, requestId: 'mine' })], 'w-crowd');

    const page = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(page.items.map((c) => c.requestId)).toEqual(['mine']);
    expect(archive.reads).toBe(1);
  });

  it('stops a page after its read budget with a cursor that moves on, and still shows every call once', async () => {
    const { deps, ingest, archive } = setup(T + 600_000);
    // The same call archived under many window ids, each section ending at another time.
    const windows = MAX_SECTIONS_PER_PAGE + 10;
    for (let index = 0; index < windows; index++) {
      await ingest(
        [aCall({ requestId: 'same' }), aCall({ keyId: OTHER_KEY, time: T + 1 + index, requestId: `o${index}` })],
        `w${index}`,
      );
    }

    const first = await listCalls(deps, caller(), KEY, { limit: 10 });

    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    expect(archive.reads).toBe(MAX_SECTIONS_PER_PAGE);
    const pages = await readAll(deps, KEY, 10);
    expect(pages.flat().map((c) => c.requestId)).toEqual(['same']);
    expect(pages).toHaveLength(2);
  });

  it('drops calls older than 7 days as the clock moves on, with no sleeping', async () => {
    const { deps, clock, ingest } = setup(T);
    await ingest([aCall({ time: T - 1000, requestId: 'old' }), aCall({ time: T, requestId: 'new' })], 'w');
    const shown = async () => (await listCalls(deps, caller(), KEY, { limit: 10 })).items.map((c) => c.requestId);

    expect(await shown()).toEqual(['new', 'old']);
    clock.set(new Date(T - 1000 + CALL_LOG_RETENTION_MS));
    expect(await shown()).toEqual(['new', 'old']);
    clock.advance(1);
    expect(await shown()).toEqual(['new']);
    clock.advance(24 * 3600 * 1000);
    expect(await shown()).toEqual([]);
  });

  it('ends the log at a cursor whose call has passed 7 days', async () => {
    const edge = T - CALL_LOG_RETENTION_MS;
    const { deps, ingest, clock } = setup(T);
    await ingest([aCall({ time: edge + 2, requestId: 'a' }), aCall({ time: edge + 1, requestId: 'b' })], 'w');
    const first = await listCalls(deps, caller(), KEY, { limit: 1 });
    expect(first.nextCursor).toBeDefined();

    clock.advance(3);

    expect(await listCalls(deps, caller(), KEY, { limit: 1, cursor: first.nextCursor as string })).toEqual({
      items: [],
    });
  });

  it('leaves out, and tells of, a section whose bytes do not decode, and shows the others', async () => {
    const { deps, ingest, archive } = setup(T + 1000);
    await ingest([aCall({ time: T - 2, requestId: 'older' })], 'good');
    await ingest([aCall({ time: T - 1, requestId: 'torn' })], 'torn');
    const [torn] = [...archive.objects.keys()].filter((object) => object.includes('/torn-'));
    archive.objects.set(torn as string, new TextEncoder().encode('not gzip at all'));
    const unreadable: string[] = [];

    const page = await listCalls({ ...deps, unreadable: (ref) => unreadable.push(ref.object) }, caller(), KEY, {
      limit: 10,
    });

    expect(page.items.map((call) => call.requestId)).toEqual(['older']);
    expect(unreadable).toEqual([torn]);
  });

  it('shows a call archived twice under different windows once', async () => {
    const { deps, ingest } = setup(T + 1000);
    await ingest([aCall({ requestId: 'same' })], 'first');
    await ingest([aCall({ requestId: 'same' })], 'redelivered');

    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items).toHaveLength(1);
  });

  it('never shows another organization’s calls, nor the key’s calls on the other stage', async () => {
    const { deps, ingest } = setup(T + 1000);
    await ingest(
      [
        aCall({ requestId: 'mine' }),
        aCall({ organizationId: 'org_2', requestId: 'theirs' }),
        aCall({ stage: 'sandbox', requestId: 'sandbox' }),
      ],
      'w',
    );

    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items.map((c) => c.requestId)).toEqual(['mine']);
  });

  it('answers 404 for a key of another organization, 403 to a narrower key, and 400 for another key’s cursor', async () => {
    const { deps, ingest } = setup(T + 1000);
    await ingest([aCall({ requestId: 'a' }), aCall({ requestId: 'b' })], 'w');

    await expect(listCalls(deps, caller('org_2'), KEY, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCalls(deps, caller('org_1', ['acct_1']), KEY, { limit: 10 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const { nextCursor } = await listCalls(deps, caller(), KEY, { limit: 1 });
    await expect(
      listCalls(deps, caller(), OTHER_KEY, { limit: 1, cursor: nextCursor as string }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      listCalls(deps, caller('org_2'), KEY, { limit: 1, cursor: nextCursor as string }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
