import { parseExpiryMessage } from '../../functions/adapters/sqs-expiry-queue';
import {
  delaySecondsUntil,
  hourBucketsBetween,
  type KeyExpiry,
  KeyExpiryScheduler,
  scheduleExpiryOf,
  sweepExpiries,
} from '../../functions/domain/key-expiry/schedule';
import { aScheduleSetup, isoAfter } from '../support/key-expiry-memory';
import { aKeyRecord, aManualClock, NOW } from '../support/unit-factories';

const MINUTE = 60_000;
const anExpiry = (offsetMs: number, keyId = `key_${offsetMs}`): KeyExpiry => ({
  keyId,
  environment: 'live',
  expiresAt: isoAfter(NOW, offsetMs),
});

function aScheduler() {
  const time = aManualClock(NOW);
  const setup = aScheduleSetup(time.clock);
  const errors: unknown[] = [];
  const scheduler = new KeyExpiryScheduler(setup.deps, (error) => errors.push(error));
  return { ...setup, scheduler, errors, time };
}

describe('KeyExpiryScheduler', () => {
  it('queues an expiry within 15 minutes at once, delayed to it, and marks its entry queued', async () => {
    const { scheduler, store, queue } = aScheduler();

    await scheduler.schedule(anExpiry(14 * MINUTE + 1500, 'key_soon'));

    expect(queue.messages).toEqual([
      { message: { environment: 'live', expiresAt: isoAfter(NOW, 14 * MINUTE + 1500) }, delaySeconds: 841 },
    ]);
    expect([...store.entries.values()]).toEqual([
      expect.objectContaining({ keyId: 'key_soon', queuedAt: NOW.toISOString() }),
    ]);
  });

  it('only stores an expiry further ahead, for the sweep', async () => {
    const { scheduler, store, queue } = aScheduler();

    await scheduler.schedule(anExpiry(16 * MINUTE, 'key_later'));

    expect(queue.messages).toEqual([]);
    expect([...store.entries.values()]).toEqual([expect.not.objectContaining({ queuedAt: expect.anything() })]);
  });

  it('schedules nothing for an expiry already past: the write that sets it stops the key itself', async () => {
    const { scheduler, store, queue } = aScheduler();
    await scheduler.schedule(anExpiry(0));
    expect(store.entries.size).toBe(0);
    expect(queue.messages).toEqual([]);
  });

  it('leaves the entry to the sweep when the send fails, without failing the key write', async () => {
    const { scheduler, store, queue, errors } = aScheduler();
    queue.failNext = 1;

    await scheduler.schedule(anExpiry(MINUTE));

    expect(errors).toHaveLength(1);
    expect([...store.entries.values()][0]?.queuedAt).toBeUndefined();
  });
});

describe('scheduleExpiryOf', () => {
  it('schedules a new or changed expiry, and nothing for an unchanged or absent one', async () => {
    const scheduled: KeyExpiry[] = [];
    const scheduler = { schedule: async (expiry: KeyExpiry) => void scheduled.push(expiry) };
    const before = aKeyRecord({ expiresAt: '2026-03-02T00:00:00.000Z' });

    await scheduleExpiryOf(scheduler, aKeyRecord());
    await scheduleExpiryOf(scheduler, aKeyRecord({ expiresAt: before.expiresAt, name: 'renamed' }), before);
    await scheduleExpiryOf(scheduler, { ...before, expiresAt: '2026-03-03T00:00:00.000Z' }, before);
    await scheduleExpiryOf(undefined, before);

    expect(scheduled).toEqual([{ keyId: before.id, environment: 'live', expiresAt: '2026-03-03T00:00:00.000Z' }]);
  });
});

describe('sweepExpiries', () => {
  function aSweep() {
    const time = aManualClock(NOW);
    const setup = aScheduleSetup(time.clock);
    return { ...setup, time, sweep: () => sweepExpiries({ ...setup.deps, lookbackSeconds: 300 }) };
  }

  it('reads from one cache TTL back to 15 minutes ahead', async () => {
    const { sweep, store } = aSweep();
    await sweep();
    expect(store.ranges).toEqual([
      { from: new Date(NOW.getTime() - 5 * MINUTE), to: new Date(NOW.getTime() + 15 * MINUTE) },
    ]);
  });

  it('queues each unqueued entry once, delayed to its expiry, and a missed one at once', async () => {
    const { sweep, store, queue } = aSweep();
    await store.put(anExpiry(10 * MINUTE, 'key_a'));
    await store.put(anExpiry(-2 * MINUTE, 'key_missed'));
    await store.put(anExpiry(MINUTE, 'key_queued'), NOW.toISOString());

    expect(await sweep()).toEqual({ read: 2, queued: 2, messages: 2 });
    expect(await sweep()).toEqual({ read: 0, queued: 0, messages: 0 });

    expect(queue.messages.map((queued) => queued.delaySeconds).sort((a, b) => a - b)).toEqual([0, 600]);
  });

  it('sends one message for keys expiring at the same moment, 10 per batch', async () => {
    const { sweep, store, queue } = aSweep();
    for (let index = 0; index < 30; index += 1) await store.put(anExpiry(5 * MINUTE, `key_same${index}`));
    for (let index = 0; index < 12; index += 1) await store.put(anExpiry(6 * MINUTE + index * 1000));

    const result = await sweep();

    expect(result).toEqual({ read: 42, queued: 42, messages: 13 });
    expect(queue.sent.every((batch) => batch.length <= 10)).toBe(true);
  });

  it('skips entries another sweep marked first', async () => {
    const { sweep, store, queue } = aSweep();
    await store.put(anExpiry(MINUTE, 'key_theirs'));
    store.takenElsewhere.add('key_theirs');

    expect(await sweep()).toEqual({ read: 1, queued: 0, messages: 0 });
    expect(queue.sent).toEqual([]);
  });

  it('takes its marks back when the send fails, so the next run queues them', async () => {
    const { sweep, store, queue } = aSweep();
    await store.put(anExpiry(MINUTE));
    queue.failNext = 1;

    await expect(sweep()).rejects.toThrow('SQS is unavailable');
    expect(await sweep()).toEqual({ read: 1, queued: 1, messages: 1 });
  });
});

describe('delaySecondsUntil', () => {
  it.each([
    [-5000, 0],
    [999, 0],
    [1999, 1],
    [900_000, 900],
    [3_600_000, 900],
  ])('%d ms ahead waits %d s', (offset, seconds) => {
    expect(delaySecondsUntil(isoAfter(NOW, offset), NOW)).toBe(seconds);
  });
});

describe('hourBucketsBetween', () => {
  it('lists every UTC hour the range touches, across midnight', () => {
    expect(hourBucketsBetween(new Date('2026-03-01T23:55:00Z'), new Date('2026-03-02T00:10:00Z'))).toEqual([
      '2026-03-01T23',
      '2026-03-02T00',
    ]);
    expect(hourBucketsBetween(new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T10:15:00Z'))).toEqual([
      '2026-03-01T10',
    ]);
  });
});

describe('parseExpiryMessage', () => {
  it('reads what the schedule sends', () => {
    const message = { environment: 'test', expiresAt: NOW.toISOString() };
    expect(parseExpiryMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    '{"environment":"prod","expiresAt":"2026-03-01T12:00:00.000Z"}',
    '{"environment":"live","expiresAt":"soon"}',
    '{"environment":"live"}',
  ])('refuses %s, so it ends in the DLQ', (body) => {
    expect(() => parseExpiryMessage(body)).toThrow('Not a key expiry message');
  });
});
