/** The key expiry ports in memory, with the same conditional semantics as the DynamoDB adapters. */
import type { Clock } from '../../functions/domain/clock';
import type { ExpiryFlushDeps, FlushStateStore } from '../../functions/domain/key-expiry/flush';
import type {
  ExpiryQueue,
  ExpiryScheduleStore,
  KeyExpiry,
  QueuedExpiry,
} from '../../functions/domain/key-expiry/schedule';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import { aManualClock } from './unit-factories';

export class MemoryFlushState implements FlushStateStore {
  readonly items = new Map<KeyEnvironment, { lastFlushAt?: number; flushes: number }>();
  reads = 0;

  async lastFlushAt(environment: KeyEnvironment) {
    this.reads += 1;
    return this.items.get(environment)?.lastFlushAt;
  }

  async claim(environment: KeyEnvironment, previous: number | undefined, at: number) {
    const item = this.items.get(environment) ?? { flushes: 0 };
    if (item.lastFlushAt !== previous) return false;
    this.items.set(environment, { lastFlushAt: at, flushes: item.flushes + 1 });
    return true;
  }

  async release(environment: KeyEnvironment, at: number, previous: number | undefined) {
    const item = this.items.get(environment);
    if (item?.lastFlushAt !== at) return;
    this.items.set(environment, {
      ...(previous !== undefined && { lastFlushAt: previous }),
      flushes: item.flushes - 1,
    });
  }
}

/** An authorizer cache that records when each environment was flushed, by the injected clock. */
export class RecordingFlusher {
  readonly flushes: { environment: KeyEnvironment; at: number }[] = [];
  failNext = 0;

  constructor(private readonly now: () => number) {}

  async flush(environment: KeyEnvironment) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('FlushStageAuthorizersCache failed');
    }
    this.flushes.push({ environment, at: this.now() });
  }
}

/** Flush deps on a manual clock whose sleep moves time forward instead of waiting. */
export function aFlushSetup(options: { start?: Date; windowMs?: number } = {}) {
  const time = aManualClock(options.start);
  const state = new MemoryFlushState();
  const cache = new RecordingFlusher(time.now);
  const deps: ExpiryFlushDeps = {
    state,
    cache,
    clock: time.clock,
    sleep: async (ms) => time.advance(ms),
    windowMs: options.windowMs ?? 1000,
  };
  return { deps, state, cache, time };
}

export class MemoryExpirySchedule implements ExpiryScheduleStore {
  readonly entries = new Map<string, KeyExpiry & { queuedAt?: string }>();
  readonly ranges: { from: Date; to: Date }[] = [];
  /** Entries another sweep marks first. */
  readonly takenElsewhere = new Set<string>();

  async put(expiry: KeyExpiry, queuedAt?: string) {
    this.entries.set(entryKey(expiry), { ...expiry, ...(queuedAt && { queuedAt }) });
  }

  async *unqueuedBetween(from: Date, to: Date) {
    this.ranges.push({ from, to });
    const inRange = [...this.entries.values()].filter(
      (entry) =>
        !entry.queuedAt && Date.parse(entry.expiresAt) >= from.getTime() && Date.parse(entry.expiresAt) <= to.getTime(),
    );
    for (const { keyId, environment, expiresAt } of inRange) yield { keyId, environment, expiresAt };
  }

  async markQueued(expiry: KeyExpiry, at: string) {
    const entry = this.entries.get(entryKey(expiry));
    if (!entry || entry.queuedAt || this.takenElsewhere.has(expiry.keyId)) return false;
    entry.queuedAt = at;
    return true;
  }

  async unmarkQueued(expiry: KeyExpiry) {
    const entry = this.entries.get(entryKey(expiry));
    if (entry) delete entry.queuedAt;
  }
}

export class RecordingExpiryQueue implements ExpiryQueue {
  readonly sent: QueuedExpiry[][] = [];
  failNext = 0;

  async send(messages: QueuedExpiry[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SQS is unavailable');
    }
    this.sent.push(messages);
  }

  get messages() {
    return this.sent.flat();
  }
}

export function aScheduleSetup(clock: Clock) {
  const store = new MemoryExpirySchedule();
  const queue = new RecordingExpiryQueue();
  return { store, queue, deps: { store, queue, clock, horizonSeconds: 900 } };
}

const entryKey = (expiry: KeyExpiry) => `${expiry.expiresAt}#${expiry.keyId}`;

/** `ms` after `from`, as ISO. */
export const isoAfter = (from: Date | number, ms: number) => new Date(new Date(from).getTime() + ms).toISOString();
