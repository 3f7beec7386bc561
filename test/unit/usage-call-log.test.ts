/** The packed call log: packing, the cursor and reading newest first across items, with a manual clock. */
import fc from 'fast-check';
import type { Caller } from '../../functions/domain/caller';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { KeyStore } from '../../functions/domain/keys/key-model';
import {
  CALL_LOG_RETENTION_MS,
  decodeCallCursor,
  decodeCalls,
  encodeCallCursor,
  encodeCalls,
  listCalls,
  newestFirst,
  packCalls,
} from '../../functions/domain/usage/call-log';
import { ingestCalls } from '../../functions/domain/usage/ingest';
import { LastUsedWriter } from '../../functions/domain/usage/last-used';
import type { LoggedCall } from '../../functions/domain/usage/usage-model';
import { aCursorCodec, aManualClock } from '../support/unit-factories';
import {
  aCall,
  MemoryCallLogStore,
  MemoryKeyStore,
  MemoryLastUsedStore,
  MemoryUsageStore,
} from '../support/usage-memory';

const KEY = 'key_AAAAAAAAAAAAAAAA';
const OTHER_KEY = 'key_BBBBBBBBBBBBBBBB';
const T = Date.parse('2026-03-01T12:00:00.000Z');

const caller = (organizationId = 'org_1') =>
  ({ organizationId, environment: 'live', keyId: 'key_ADMINADMINADMIN', accounts: '*' }) as Caller;
const keys = new MemoryKeyStore([
  { id: KEY, organizationId: 'org_1' },
  { id: OTHER_KEY, organizationId: 'org_1' },
  { id: 'key_CCCCCCCCCCCCCCCC', organizationId: 'org_2' },
]) as unknown as KeyStore;

function setup(now = T) {
  const clock = aManualClock(new Date(now));
  const callLog = new MemoryCallLogStore();
  const deps = { keys, callLog, clock: clock.clock, cursors: aCursorCodec(clock.clock) };
  const ingest = (calls: Parameters<typeof ingestCalls>[1], batchId: string) =>
    ingestCalls(
      { callLog, usage: new MemoryUsageStore(), lastUsed: new LastUsedWriter(new MemoryLastUsedStore()) },
      calls,
      batchId,
    );
  return { clock, callLog, deps, ingest };
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

describe('packing', () => {
  it('packs a batch into one item per key and minute, with the same ids when delivered again', () => {
    const calls = [
      aCall({ time: T + 1000, requestId: 'a' }),
      aCall({ time: T + 2000, requestId: 'b' }),
      aCall({ time: T + 61_000, requestId: 'c' }),
      aCall({ keyId: OTHER_KEY, requestId: 'd' }),
      aCall({ keyId: '', organizationId: '', status: 401, requestId: 'e' }),
    ];
    const items = packCalls(calls, 'batch1');
    expect(items.map((item) => [item.keyId, item.minute, item.id, item.calls.map((c) => c.requestId)])).toEqual([
      [KEY, '2026-03-01T12:00', 'batch1#0', ['a', 'b']],
      [KEY, '2026-03-01T12:01', 'batch1#0', ['c']],
      [OTHER_KEY, '2026-03-01T12:00', 'batch1#0', ['d']],
    ]);
    expect(packCalls(calls, 'batch1')).toEqual(items);
    expect(items[0]?.expiresAt).toBe(Math.ceil((T + 2000 + CALL_LOG_RETENTION_MS) / 1000));
  });

  it('splits a minute that does not fit in one item', () => {
    const calls = Array.from({ length: 50 }, (_, index) =>
      aCall({ time: T + index, requestId: `r${index}`, userAgent: 'x'.repeat(400) }),
    );
    const items = packCalls(calls, 'b', 5_000);
    expect(items.length).toBeGreaterThan(4);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    for (const item of items) expect(encodeCalls(item.calls).length).toBeLessThanOrEqual(5_000);
    expect(items.flatMap((item) => item.calls.map((c) => c.requestId))).toEqual(calls.map((c) => c.requestId));
  });

  it('stores calls compactly and reads them back unchanged', () => {
    const calls = packCalls([aCall({ method: 'POST', resourcePath: '/v1/search', status: 200 })], 'b')[0]?.calls ?? [];
    expect(decodeCalls(encodeCalls(calls))).toEqual(calls);
    expect(calls[0]).toMatchObject({ credits: 1, latencyMs: 10, ip: '203.0.113.7', userAgent: 'test' });
  });
});

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
  it('shows calls newest first across minutes and batches that overlap in time', async () => {
    const { deps, ingest } = setup(T + 600_000);
    await ingest([aCall({ time: T + 1000, requestId: 'a' }), aCall({ time: T + 65_000, requestId: 'c' })], 'one');
    await ingest([aCall({ time: T + 2000, requestId: 'b' }), aCall({ time: T + 500, requestId: 'z' })], 'two');
    const page = await listCalls(deps, caller(), KEY, { limit: 10 });
    expect(page.items.map((c) => c.requestId)).toEqual(['c', 'b', 'a', 'z']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages through every call exactly once, whatever the page size and however batches overlap', async () => {
    const batches = fc.array(
      fc.array(fc.record({ offset: fc.integer({ min: 0, max: 5 * 60_000 }), key: fc.constantFrom(KEY, OTHER_KEY) }), {
        maxLength: 15,
      }),
      { maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(batches, fc.integer({ min: 1, max: 7 }), async (shapes, limit) => {
        const { deps, ingest } = setup(T + 3_600_000);
        let sequence = 0;
        const all: ReturnType<typeof aCall>[] = [];
        for (const [index, batch] of shapes.entries()) {
          const calls = batch.map(({ offset, key }) =>
            aCall({ time: T + offset, keyId: key, requestId: `r${String(sequence++).padStart(3, '0')}` }),
          );
          all.push(...calls);
          await ingest(calls, `b${index}`);
        }
        const pages = await readAll(deps, KEY, limit);
        const expected = all
          .filter((call) => call.keyId === KEY)
          .map((call) => ({ time: call.time, requestId: call.requestId }))
          .sort((a, b) => newestFirst(a as LoggedCall, b as LoggedCall));
        expect(pages.flat().map((c) => ({ time: c.time, requestId: c.requestId }))).toEqual(expected);
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      }),
      { numRuns: 60 },
    );
  });

  it('drops calls older than 7 days as the clock moves on, with no sleeping', async () => {
    const { deps, clock, ingest } = setup(T);
    await ingest([aCall({ time: T - 1000, requestId: 'old' }), aCall({ time: T, requestId: 'new' })], 'b');
    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items.map((c) => c.requestId)).toEqual(['new', 'old']);
    clock.set(new Date(T - 1000 + CALL_LOG_RETENTION_MS));
    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items.map((c) => c.requestId)).toEqual(['new', 'old']);
    clock.advance(1);
    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items.map((c) => c.requestId)).toEqual(['new']);
    clock.advance(24 * 3600 * 1000);
    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items).toEqual([]);
  });

  it('ends the log at a cursor whose call has passed 7 days', async () => {
    const edge = T - CALL_LOG_RETENTION_MS;
    const { deps, ingest, clock } = setup(T);
    await ingest([aCall({ time: edge + 2, requestId: 'a' }), aCall({ time: edge + 1, requestId: 'b' })], 'b');
    const first = await listCalls(deps, caller(), KEY, { limit: 1 });
    expect(first.nextCursor).toBeDefined();
    clock.advance(3);
    expect(await listCalls(deps, caller(), KEY, { limit: 1, cursor: first.nextCursor as string })).toEqual({
      items: [],
    });
  });

  it('shows a call delivered twice in different batches once', async () => {
    const { deps, ingest } = setup(T + 1000);
    await ingest([aCall({ requestId: 'same' })], 'first');
    await ingest([aCall({ requestId: 'same' })], 'redelivered');
    expect((await listCalls(deps, caller(), KEY, { limit: 10 })).items).toHaveLength(1);
  });

  it('answers 404 for a key of another organization, and 400 for another key’s cursor', async () => {
    const { deps, ingest } = setup(T + 1000);
    await ingest([aCall({ requestId: 'a' }), aCall({ requestId: 'b' })], 'b');
    await expect(listCalls(deps, caller('org_2'), KEY, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    const { nextCursor } = await listCalls(deps, caller(), KEY, { limit: 1 });
    await expect(
      listCalls(deps, caller(), OTHER_KEY, { limit: 1, cursor: nextCursor as string }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      listCalls(deps, caller('org_2'), KEY, { limit: 1, cursor: nextCursor as string }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
