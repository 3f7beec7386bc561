/** lastUsedAt from the ingest: one write per key and batch at most, bounded, never on the request path. */
import { LastUsedWriter, latestCallByKey } from '../../functions/domain/usage/last-used';
import { aCall, MemoryLastUsedStore } from '../support/usage-memory';

const T = Date.parse('2026-03-01T12:00:00.000Z');
const A = 'key_AAAAAAAAAAAAAAAA';
const B = 'key_BBBBBBBBBBBBBBBB';

describe('latestCallByKey', () => {
  it("takes each key's latest call, 403s and 429s included, and ignores calls without a key", () => {
    const latest = latestCallByKey([
      aCall({ keyId: A, time: T + 5 }),
      aCall({ keyId: A, time: T + 9, status: 429 }),
      aCall({ keyId: A, time: T + 1 }),
      aCall({ keyId: B, time: T, status: 403 }),
      aCall({ keyId: '', organizationId: '', time: T + 99, status: 401 }),
    ]);
    expect(latest).toEqual(
      new Map([
        [A, T + 9],
        [B, T],
      ]),
    );
  });
});

describe('LastUsedWriter', () => {
  it('writes each key of a batch once, with its latest call', async () => {
    const store = new MemoryLastUsedStore();
    const writer = new LastUsedWriter(store);

    const written = await writer.record(Array.from({ length: 500 }, (_, index) => aCall({ time: T + index })));

    expect(written).toBe(1);
    expect(store.writes).toBe(1);
    expect(store.lastUsedAt.get(A)).toBe(new Date(T + 499).toISOString());
  });

  it('writes a key again only once its interval has passed, so a busy key costs a write a minute', async () => {
    const store = new MemoryLastUsedStore();
    const writer = new LastUsedWriter(store, 60_000);

    await writer.record([aCall({ time: T })]);
    await writer.record([aCall({ time: T + 59_999 })]);
    expect(store.writes).toBe(1);

    await writer.record([aCall({ time: T + 60_000 })]);
    expect(store.writes).toBe(2);
    expect(store.lastUsedAt.get(A)).toBe(new Date(T + 60_000).toISOString());
  });

  it('keeps at most 8 writes in flight however many keys a batch holds', async () => {
    let inFlight = 0;
    let most = 0;
    const store = {
      recordLastUsed: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
      },
    };
    const calls = Array.from({ length: 1000 }, (_, index) =>
      aCall({ keyId: `key_${String(index).padStart(16, '0')}` }),
    );

    expect(await new LastUsedWriter(store).record(calls)).toBe(1000);
    expect(most).toBe(8);
  });
});
