/**
 * The expiry schedule. API Gateway keeps an authorizer answer for its cache TTL, so a key whose
 * `expiresAt` passes would keep working from the cache; each expiry therefore gets a flush of its
 * stage's cache, queued as a delayed message once it is within the horizon (SQS delays at most
 * 15 minutes). The key handlers write a schedule entry before the key itself (an entry whose key
 * write then fails costs one spare, coalesced flush) and queue near expiries at once; the sweep
 * queues the others as they come within the horizon.
 */
import type { Clock } from '../clock';
import type { ApiKeyRecord } from '../keys/key-model';
import type { KeyEnvironment } from '../keys/key-token';

export interface KeyExpiry {
  keyId: string;
  environment: KeyEnvironment;
  /** ISO 8601, UTC. */
  expiresAt: string;
}

/** What the flush worker needs: which stages, and from when. */
export interface ExpiryMessage {
  environment: KeyEnvironment;
  expiresAt: string;
}

export interface QueuedExpiry {
  message: ExpiryMessage;
  /** 0–900: the message becomes visible about when the key expires. */
  delaySeconds: number;
}

/** Arranges the cache flush of a key's expiry; called before the key with that expiry is written. */
export interface ExpiryScheduler {
  schedule(expiry: KeyExpiry): Promise<void>;
}

export interface ExpiryScheduleStore {
  /** Writes the entry; `queuedAt` when its message is being sent now. */
  put(expiry: KeyExpiry, queuedAt?: string): Promise<void>;
  /** Entries expiring in [from, to] whose message is not queued yet. */
  unqueuedBetween(from: Date, to: Date): AsyncIterable<KeyExpiry>;
  /** Marks the entry queued; false when it already was (another sweep has it). */
  markQueued(expiry: KeyExpiry, at: string): Promise<boolean>;
  unmarkQueued(expiry: KeyExpiry): Promise<void>;
}

export interface ExpiryQueue {
  send(messages: QueuedExpiry[]): Promise<void>;
}

export interface ExpiryScheduleDeps {
  store: ExpiryScheduleStore;
  queue: ExpiryQueue;
  clock: Clock;
  horizonSeconds: number;
}

/** Schedules a key's expiry when it is new or changed; the key service calls this before writing `record`. */
export async function scheduleExpiryOf(
  scheduler: ExpiryScheduler | undefined,
  record: ExpiringKey,
  previous?: ExpiringKey,
): Promise<void> {
  if (!scheduler || record.expiresAt === undefined || record.expiresAt === previous?.expiresAt) return;
  await scheduler.schedule({ keyId: record.id, environment: record.environment, expiresAt: record.expiresAt });
}

export type ExpiringKey = Pick<ApiKeyRecord, 'id' | 'environment' | 'expiresAt'>;

/**
 * Schedules the expiry of keys written before the schedule existed (an upgrade). An entry that is
 * already there is written again: at worst one spare message, which the flush coalesces.
 */
export async function scheduleExpiriesOf(keys: AsyncIterable<ExpiringKey>, scheduler: ExpiryScheduler) {
  let read = 0;
  for await (const key of keys) {
    read += 1;
    await scheduleExpiryOf(scheduler, key);
  }
  return { read };
}

/** Seconds to wait before a message about `expiresAt` should be handled: whole seconds, 0–900. */
export function delaySecondsUntil(expiresAt: string, now: Date): number {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  return Math.min(900, Math.max(0, seconds));
}

export class KeyExpiryScheduler implements ExpiryScheduler {
  constructor(
    private readonly deps: ExpiryScheduleDeps,
    /** The entry is stored either way, so a failed send only delays the flush to the next sweep. */
    private readonly onQueueError: (error: unknown) => void,
  ) {}

  async schedule(expiry: KeyExpiry): Promise<void> {
    const now = this.deps.clock();
    const expiresAt = Date.parse(expiry.expiresAt);
    // Past already: the write that sets it stops the key itself (a rotation without grace flushes).
    if (expiresAt <= now.getTime()) return;
    const queueNow = expiresAt - now.getTime() <= this.deps.horizonSeconds * 1000;
    await this.deps.store.put(expiry, queueNow ? now.toISOString() : undefined);
    if (!queueNow) return;
    try {
      await this.deps.queue.send([queuedExpiry(expiry, now)]);
    } catch (error) {
      this.onQueueError(error);
      await this.deps.store.unmarkQueued(expiry).catch(this.onQueueError);
    }
  }
}

export interface SweepDeps extends ExpiryScheduleDeps {
  /**
   * How far back to pick up entries that were never queued (a failed send): no further than the
   * cache TTL, since by then no cached answer of the key can be left.
   */
  lookbackSeconds: number;
}

/** Sends at most this many messages per SendMessageBatch, and marks that many entries before each. */
const CHUNK = 10;

/**
 * Queues every entry expiring within the horizon that is not queued yet. Each entry is marked with
 * a conditional update before its message is sent, so two sweeps queue it once; if the send fails,
 * the marks are taken back and the sweep fails (the schedule retries it, and the next run sees them).
 */
export async function sweepExpiries(deps: SweepDeps): Promise<{ read: number; queued: number; messages: number }> {
  const now = deps.clock();
  const from = new Date(now.getTime() - deps.lookbackSeconds * 1000);
  const to = new Date(now.getTime() + deps.horizonSeconds * 1000);
  const totals = { read: 0, queued: 0, messages: 0 };
  const sentMoments = new Set<string>();
  let chunk: KeyExpiry[] = [];
  const queueChunk = async () => {
    const marked = await markAll(deps.store, chunk, now.toISOString());
    chunk = [];
    const messages = distinctMessages(marked, sentMoments).map((message) => ({
      message,
      delaySeconds: delaySecondsUntil(message.expiresAt, now),
    }));
    if (messages.length === 0) {
      totals.queued += marked.length;
      return;
    }
    try {
      await deps.queue.send(messages);
    } catch (error) {
      await Promise.allSettled(marked.map((expiry) => deps.store.unmarkQueued(expiry)));
      throw error;
    }
    totals.queued += marked.length;
    totals.messages += messages.length;
  };
  for await (const expiry of deps.store.unqueuedBetween(from, to)) {
    totals.read += 1;
    chunk.push(expiry);
    if (chunk.length === CHUNK) await queueChunk();
  }
  await queueChunk();
  return totals;
}

async function markAll(store: ExpiryScheduleStore, expiries: KeyExpiry[], at: string): Promise<KeyExpiry[]> {
  const marked = await Promise.all(expiries.map((expiry) => store.markQueued(expiry, at)));
  return expiries.filter((_, index) => marked[index]);
}

/** Keys expiring at the same moment in the same environment need one message per sweep. */
function distinctMessages(expiries: KeyExpiry[], sentMoments: Set<string>): ExpiryMessage[] {
  const messages: ExpiryMessage[] = [];
  for (const { environment, expiresAt } of expiries) {
    const moment = `${environment} ${expiresAt}`;
    if (sentMoments.has(moment)) continue;
    sentMoments.add(moment);
    messages.push({ environment, expiresAt });
  }
  return messages;
}

function queuedExpiry(expiry: KeyExpiry, now: Date): QueuedExpiry {
  return {
    message: { environment: expiry.environment, expiresAt: expiry.expiresAt },
    delaySeconds: delaySecondsUntil(expiry.expiresAt, now),
  };
}

/** The UTC hours (`2026-12-01T04`) that [from, to] touches: the schedule's partitions to read. */
export function hourBucketsBetween(from: Date, to: Date): string[] {
  const hourMs = 3600_000;
  const buckets: string[] = [];
  for (let at = Math.floor(from.getTime() / hourMs) * hourMs; at <= to.getTime(); at += hourMs) {
    buckets.push(hourBucketOf(new Date(at).toISOString()));
  }
  return buckets;
}

export function hourBucketOf(isoDate: string): string {
  return new Date(isoDate).toISOString().slice(0, 13);
}
