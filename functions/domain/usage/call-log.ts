/**
 * The 7-day call log, read from the call-log archive (call-archive.ts): each usage window wrote one
 * gzip section per organization and environment, and the call index lists them with the keys they
 * hold and the span of their calls. A key's log reads, newest first, only the sections that list
 * the key, one ranged GET each, and merges them, because windows overlap in time.
 *
 * A page ends at a call, and the cursor is that call's position: the key, its time and its
 * requestId. The next page starts strictly below that position, re-reading the sections around
 * it, so calls archived in later windows for older times are still found and none is shown twice.
 * The log ends at the key's last use, and a page's work is bounded (MAX_SECTIONS_PER_PAGE,
 * MAX_INDEX_ENTRIES_PER_PAGE): a page may then end at a position between calls, short or empty.
 */
import { CALL_LOG_RETENTION_DAYS } from '../../definition/usage';
import type { Caller } from '../caller';
import type { Clock } from '../clock';
import { type CursorCodec, invalidCursor } from '../cursors';
import { ForbiddenError } from '../errors';
import { accountsWithin } from '../keys/grant-rule';
import type { KeyStore, Page, PageRequest } from '../keys/key-model';
import { getKey } from '../keys/key-service';
import { readSection, sectionHoldsKey } from './call-archive';
import { DAY_MS } from './days';
import { latestUse, withLatestUse } from './last-use';
import type { CallArchive, CallIndexSource, CallSectionRef, LoggedCall, UsageStore } from './usage-model';

export const CALL_LOG_RETENTION_MS = CALL_LOG_RETENTION_DAYS * DAY_MS;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first; calls of the same millisecond by requestId, descending. */
export function newestFirst(a: LoggedCall, b: LoggedCall): number {
  return b.time - a.time || compare(b.requestId, a.requestId);
}

export interface CallPosition {
  keyId: string;
  time: number;
  requestId: string;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{0,128}$/;

/** The list a call log cursor belongs to: one key's log in one organization. */
const callLogOf = (organizationId: string, keyId: string) => `calls\n${organizationId}\n${keyId}`;

export function encodeCallCursor(
  cursors: CursorCodec,
  organizationId: string,
  position: CallPosition,
): Promise<string> {
  return cursors.seal({ t: position.time, r: position.requestId }, callLogOf(organizationId, position.keyId));
}

/**
 * A cursor names a position in one key's log. It opens only for the key and organization it was
 * sealed for, so it can neither be replayed against another key nor steer the read anywhere else;
 * the key itself was already checked to be the caller's.
 */
export async function decodeCallCursor(
  cursors: CursorCodec,
  cursor: string | undefined,
  organizationId: string,
  keyId: string,
): Promise<CallPosition | undefined> {
  if (cursor === undefined) return undefined;
  const decoded = await cursors.open(cursor, callLogOf(organizationId, keyId));
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalidCursor();
  const { t, r } = decoded as Record<string, unknown>;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw invalidCursor();
  if (typeof r !== 'string' || !REQUEST_ID.test(r)) throw invalidCursor();
  return { keyId, time: t, requestId: r };
}

type Position = Pick<CallPosition, 'time' | 'requestId'>;

const isBefore = (call: Position, position: Position) =>
  call.time < position.time || (call.time === position.time && compare(call.requestId, position.requestId) < 0);

export interface CallLogDeps {
  keys: KeyStore;
  callIndex: CallIndexSource;
  /** The key's day item of its stored lastUsedAt, for its last use (last-use.ts). */
  usage: Pick<UsageStore, 'latestUses'>;
  archive: CallArchive;
  clock: Clock;
  cursors: CursorCodec;
  /** Smaller budgets than MAX_SECTIONS_PER_PAGE and MAX_INDEX_ENTRIES_PER_PAGE, for tests. */
  budgets?: { reads: number; indexEntries: number };
  /** Told of a section whose bytes do not decode (the page goes on without it). */
  unreadable?: (ref: CallSectionRef, error: unknown) => void;
}

/**
 * Sections one page reads at most (ranged GETs, $0.0004 per 1,000 on S3). A section that lists
 * the key holds at least one of its calls, so a full page of 100 needs about 100 reads; past this
 * budget the page answers with the calls it has and a cursor, maybe with none. The budget gives way
 * only where stopping would hand back a cursor that does not move on (more sections than the
 * budget overlapping one instant, which only redeliveries make): such a page reads on to its end,
 * so paging always ends.
 */
export const MAX_SECTIONS_PER_PAGE = 120;
/**
 * The index a page goes through at most, in entries: one per section and one per key it lists
 * (what the index's bytes grow with: about 10 gzipped bytes an entry). A quiet key in a busy
 * organization finds few sections among many, so without it a page could go through the whole 7
 * days of index (~56 MB for an organization with 600 keys active a minute) and time out. Past it
 * the page answers with what it has, maybe nothing, and a cursor just above the last section it
 * went through; the next page reads the index from there down (the store skips later hours). Like
 * the read budget, it gives way only where stopping would not move on.
 */
export const MAX_INDEX_ENTRIES_PER_PAGE = 400_000;
/** Sections read ahead in parallel, so a page does not wait for its reads one by one. */
const READ_AHEAD = 4;

/** What the API shows of a call. */
export function callView(call: LoggedCall) {
  const { time, ...rest } = call;
  return { time: new Date(time).toISOString(), ...rest };
}

/** A key of the caller's organization: its calls of the last 7 days, newest first. */
export async function listCalls(
  deps: CallLogDeps,
  caller: Caller,
  keyId: string,
  page: PageRequest,
): Promise<Page<LoggedCall>> {
  // The recent windows before the key (as latestUseOf): a call the rollup folded in between is on
  // the key or its day item, so the key's latest use is never missed.
  const recent = await deps.callIndex.recentCalls(caller.organizationId, caller.environment);
  const key = await getKey(deps, caller, keyId);
  // The calls name the sub-accounts they acted on: a key limited to some reads only keys within them.
  if (!accountsWithin(caller.accounts, key.accounts)) {
    throw new ForbiddenError(`Key ${keyId} reaches sub-accounts this key does not; read its calls with a wider key.`);
  }
  const after = await decodeCallCursor(deps.cursors, page.cursor, caller.organizationId, keyId);
  const oldest = deps.clock().getTime() - CALL_LOG_RETENTION_MS;
  // No call after the key's last use: a key unused for 7 days reads no index at all.
  const { lastUsedAt: lastUse } = await withLatestUse(latestUse(recent.windows, deps.usage), key);
  const until = Math.min(after ? after.time : Number.MAX_SAFE_INTEGER, lastUse ? Date.parse(lastUse) : -1);
  if (until < oldest) return { items: [] };
  const sections = deps.callIndex.callSections({
    organizationId: caller.organizationId,
    environment: key.environment,
    since: oldest,
    until,
    recent,
  });
  const merged = await mergeSections({
    sections,
    keyId,
    read: (ref) => deps.archive.read(ref),
    oldest,
    after,
    enough: page.limit + 1,
    budgets: deps.budgets ?? { reads: MAX_SECTIONS_PER_PAGE, indexEntries: MAX_INDEX_ENTRIES_PER_PAGE },
    unreadable: deps.unreadable ?? (() => undefined),
  });
  const shown = merged.calls.slice(0, page.limit);
  const last = shown.at(-1);
  const resumeAt = merged.calls.length > page.limit ? last : merged.resumeAt;
  if (!resumeAt) return { items: shown };
  return {
    items: shown,
    nextCursor: await encodeCallCursor(deps.cursors, caller.organizationId, {
      keyId,
      time: resumeAt.time,
      requestId: resumeAt.requestId,
    }),
  };
}

/**
 * Merges a key's calls from sections that come newest first by their newest call (`to`) and may
 * overlap in time. A section's calls are all at or before its `to`, so a call read so far is final
 * once it is newer than the `to` of every section not read yet: the next one's. Stops after
 * `enough` calls, or when the read budget is spent: then every wanted call newer than the first
 * unread section's `to` is in `calls`, and `resumeAt` is the position just above that `to`. Once
 * the index budget is spent it pulls no more sections, reads the ones it holds, and resumes just
 * above the `to` of the last section it went through.
 */
async function mergeSections(input: {
  sections: AsyncIterable<CallSectionRef>;
  keyId: string;
  read: (ref: CallSectionRef) => Promise<Uint8Array>;
  oldest: number;
  after: Position | undefined;
  enough: number;
  budgets: { reads: number; indexEntries: number };
  unreadable: (ref: CallSectionRef, error: unknown) => void;
}): Promise<{ calls: LoggedCall[]; resumeAt?: Position }> {
  const { keyId, after } = input;
  const calls: LoggedCall[] = [];
  const pending: LoggedCall[] = [];
  // A window delivered twice, or archived twice under different ids, must not show its calls twice.
  const seen = new Set<string>();
  const queue: { ref: CallSectionRef; bytes?: Promise<Uint8Array> }[] = [];
  const iterator = input.sections[Symbol.asyncIterator]();
  let exhausted = false;
  let reads = 0;
  let budget = input.budgets.reads;
  let entries = 0;
  let entryBudget = input.budgets.indexEntries;
  // Once the index budget is spent: the `to` of the last section gone through. Every section newer
  // than it has been gone through, so every wanted call newer than it is known once read.
  let stoppedAt: number | undefined;
  const startRead = (entry: (typeof queue)[number]) => {
    reads++;
    entry.bytes = input.read(entry.ref);
    // A read left in flight when the page is full is never awaited; its failure must not go unhandled.
    entry.bytes.catch(() => undefined);
    return entry.bytes;
  };
  let merged = 0;
  // A section whose bytes do not decode (a torn or foreign object) costs the page its calls, not a 500.
  const decoded = (bytes: Uint8Array, ref: CallSectionRef) => {
    try {
      return readSection(bytes, keyId);
    } catch (error) {
      input.unreadable(ref, error);
      return [];
    }
  };
  try {
    for (;;) {
      while (!exhausted && stoppedAt === undefined && queue.length < READ_AHEAD) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        if (sectionHoldsKey(next.value, keyId)) queue.push({ ref: next.value });
        entries += 1 + next.value.keys.length;
        if (entries >= entryBudget) stoppedAt = next.value.to;
      }
      const head = queue.shift();
      const unreadFrom = head?.ref.to ?? stoppedAt ?? Number.NEGATIVE_INFINITY;
      while (pending.length > 0 && (pending[0] as LoggedCall).time > unreadFrom) {
        calls.push(pending.shift() as LoggedCall);
        if (calls.length >= input.enough) return { calls };
      }
      if (!head && stoppedAt !== undefined) {
        const resumeAt = { time: stoppedAt + 1, requestId: '' };
        if (calls.length > 0 || !after || isBefore(resumeAt, after)) return { calls, resumeAt };
        // As for the read budget below: a next page would go through the same sections again.
        entryBudget = Number.POSITIVE_INFINITY;
        stoppedAt = undefined;
        continue;
      }
      if (!head) return { calls };
      // Reads ahead only once a section has not filled the page: a busy key's page needs one or two.
      const ahead = [head, ...queue].slice(0, Math.min(READ_AHEAD, 1 + merged));
      for (const entry of ahead) if (!entry.bytes && reads < budget) startRead(entry);
      if (!head.bytes) {
        const resumeAt = { time: unreadFrom + 1, requestId: '' };
        if (calls.length > 0 || !after || isBefore(resumeAt, after)) return { calls, resumeAt };
        // Stopping here would not move on: the page reads on to its end instead of stopping once
        // it could, since a next page would read the same overlapping sections again.
        budget = Number.POSITIVE_INFINITY;
      }
      for (const call of decoded(await (head.bytes ?? startRead(head)), head.ref)) {
        if (call.time < input.oldest || (after && !isBefore(call, after))) continue;
        if (call.requestId && seen.has(call.requestId)) continue;
        seen.add(call.requestId);
        pending.push(call);
      }
      merged++;
      pending.sort(newestFirst);
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
