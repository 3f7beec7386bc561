import fc from 'fast-check';
import { flushAfterExpiry, flushBatch } from '../../functions/domain/key-expiry/flush';
import type { ExpiryMessage } from '../../functions/domain/key-expiry/schedule';
import { aFlushSetup, isoAfter } from '../support/key-expiry-memory';
import { NOW } from '../support/unit-factories';

const live = (expiresAt: string): ExpiryMessage => ({ environment: 'live', expiresAt });
const asBatch = (messages: ExpiryMessage[]) => messages.map((message, index) => ({ id: String(index), message }));
const noFailure = (id: string, error: unknown) => {
  throw new Error(`message ${id} failed: ${String(error)}`);
};

describe('flushAfterExpiry', () => {
  it('flushes an isolated expiry at its own time, waiting out a message that came early', async () => {
    const { deps, cache, state } = aFlushSetup({ windowMs: 5000 });
    const expiresAt = isoAfter(NOW, 400);

    const outcome = await flushAfterExpiry(deps, live(expiresAt));

    expect(outcome).toBe('flushed');
    expect(cache.flushes).toEqual([{ environment: 'live', at: Date.parse(expiresAt) }]);
    expect(state.items.get('live')).toEqual({ lastFlushAt: Date.parse(expiresAt), flushes: 1 });
  });

  it('does nothing for an expiry a later flush already covered, but one read', async () => {
    const { deps, cache, state } = aFlushSetup();
    state.items.set('live', { lastFlushAt: NOW.getTime(), flushes: 1 });

    const outcome = await flushAfterExpiry(deps, live(isoAfter(NOW, -10)));

    expect(outcome).toBe('covered');
    expect(cache.flushes).toEqual([]);
    expect(state.reads).toBe(1);
  });

  it('holds an expiry that comes less than a window after the last flush until the window ends', async () => {
    const { deps, cache, state } = aFlushSetup({ windowMs: 5000 });
    state.items.set('live', { lastFlushAt: NOW.getTime() - 1000, flushes: 1 });

    await flushAfterExpiry(deps, live(NOW.toISOString()));

    expect(cache.flushes).toEqual([{ environment: 'live', at: NOW.getTime() + 4000 }]);
  });

  it('gives the claim back when the flush fails, so the retried message flushes', async () => {
    const { deps, cache, state } = aFlushSetup();
    cache.failNext = 1;
    const message = live(NOW.toISOString());

    await expect(flushAfterExpiry(deps, message)).rejects.toThrow('FlushStageAuthorizersCache failed');
    expect(state.items.get('live')).toEqual({ flushes: 0 });

    await expect(flushAfterExpiry(deps, message)).resolves.toBe('flushed');
    expect(cache.flushes).toHaveLength(1);
    expect(state.items.get('live')?.flushes).toBe(1);
  });

  it('reads again after losing its claim, and leaves the flush to the worker that won', async () => {
    const { deps, cache, state } = aFlushSetup();
    const claim = state.claim.bind(state);
    // Another worker records a flush between this one's read and its claim.
    state.claim = async (environment, previous, at) => {
      state.claim = claim;
      await claim(environment, previous, at + 10);
      return false;
    };

    const outcome = await flushAfterExpiry(deps, live(NOW.toISOString()));

    expect(outcome).toBe('covered');
    expect(cache.flushes).toEqual([]);
  });

  it('refuses a message that arrives far ahead of its expiry, instead of waiting in the worker', async () => {
    const { deps } = aFlushSetup();
    await expect(flushAfterExpiry(deps, live(isoAfter(NOW, 60_000)))).rejects.toThrow('60 s early');
  });
});

describe('flushBatch', () => {
  it('flushes once for many keys expiring at the same moment', async () => {
    const { deps, cache } = aFlushSetup();
    const expiresAt = isoAfter(NOW, 700);

    const result = await flushBatch(deps, asBatch(Array.from({ length: 50 }, () => live(expiresAt))), noFailure);

    expect(cache.flushes).toEqual([{ environment: 'live', at: Date.parse(expiresAt) }]);
    expect(result.outcomes.filter((outcome) => outcome === 'flushed')).toHaveLength(1);
    expect(result.failed).toEqual([]);
  });

  it('flushes once more at the end of the window for a burst of expiries inside it', async () => {
    const { deps, cache, state } = aFlushSetup({ windowMs: 5000 });
    state.items.set('live', { lastFlushAt: NOW.getTime(), flushes: 1 });
    const burst = Array.from({ length: 20 }, (_, index) => live(isoAfter(NOW, 100 + index * 200)));

    await flushBatch(deps, asBatch(burst.reverse()), noFailure);

    expect(cache.flushes).toEqual([{ environment: 'live', at: NOW.getTime() + 5000 }]);
    expect(state.items.get('live')?.flushes).toBe(2);
  });

  it('flushes each environment on its own', async () => {
    const { deps, cache } = aFlushSetup();
    const expiresAt = NOW.toISOString();

    await flushBatch(deps, asBatch([live(expiresAt), { environment: 'test', expiresAt }]), noFailure);

    expect(cache.flushes.map((flush) => flush.environment).sort()).toEqual(['live', 'test']);
  });

  it('reports the failed messages and carries on with the others', async () => {
    const { deps, cache } = aFlushSetup();
    cache.failNext = 1;
    const failed: string[] = [];

    const result = await flushBatch(
      deps,
      [
        { id: 'a', message: live(NOW.toISOString()) },
        { id: 'b', message: { environment: 'test', expiresAt: NOW.toISOString() } },
      ],
      (id) => failed.push(id),
    );

    expect(result.failed).toHaveLength(1);
    expect(failed).toEqual(result.failed);
    expect(cache.flushes).toHaveLength(1);
  });

  it('never lets an expiry wait longer than a window, nor flushes a stage twice within one', async () => {
    const windowMs = 1000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 40 }),
        async (offsets) => {
          const { deps, cache } = aFlushSetup({ windowMs });
          const expiries = offsets.map((offset) => NOW.getTime() + offset);

          await flushBatch(deps, asBatch(expiries.map((at) => live(new Date(at).toISOString()))), noFailure);

          const times = cache.flushes.map((flush) => flush.at);
          for (let index = 1; index < times.length; index += 1) {
            expect((times[index] as number) - (times[index - 1] as number)).toBeGreaterThanOrEqual(windowMs);
          }
          for (const expiry of expiries) {
            expect(times.some((at) => at >= expiry && at <= expiry + windowMs)).toBe(true);
          }
        },
      ),
    );
  });
});
