/**
 * The 7-day call log. Calls are packed: one item per key, UTC minute and ingest batch holds all of
 * that key's calls of the minute in the batch, so logging costs one write per item, not per call.
 *
 * Reading newest first: items come newest minute first; all items of a minute are merged and
 * sorted by (time, requestId) descending, because batches overlap in time. A page ends at a call,
 * and the cursor is that call's position: the key, its time and its requestId. The next page
 * starts strictly below that position, re-reading the rest of its minute, so calls that arrive in
 * later batches for older minutes are still found and none is shown twice.
 */
import { CALL_LOG_RETENTION_DAYS } from '../../definition/usage';
import type { Caller } from '../caller';
import type { Clock } from '../clock';
import { type CursorCodec, invalidCursor } from '../cursors';
import { ForbiddenError } from '../errors';
import { accountsWithin } from '../keys/grant-rule';
import type { KeyStore, Page, PageRequest } from '../keys/key-model';
import { getKey } from '../keys/key-service';
import type { AccessCall } from './access-call';
import { loggedCallOf, type PackedCall, packedOf, unpacked } from './call-archive';
import { isAttributed } from './counters';
import { DAY_MS, minuteOf } from './days';
import type { CallLogItem, CallLogStore, LoggedCall } from './usage-model';

export const CALL_LOG_RETENTION_MS = CALL_LOG_RETENTION_DAYS * DAY_MS;

/** Packed calls per item, in bytes of their JSON: well below DynamoDB's 400 KB item limit. */
export const MAX_PACKED_BYTES = 300_000;

export function encodeCalls(calls: readonly LoggedCall[]): string {
  return JSON.stringify(calls.map(packedOf));
}

export function decodeCalls(text: string): LoggedCall[] {
  return (JSON.parse(text) as PackedCall[]).map(unpacked);
}

/**
 * Packs a batch's attributed calls into items per key and minute, splitting a minute whose calls
 * would not fit in one item. `batchId` must be the same when the same batch is delivered again, so
 * a redelivery rewrites the same items instead of adding copies.
 */
export function packCalls(calls: readonly AccessCall[], batchId: string, maxBytes = MAX_PACKED_BYTES): CallLogItem[] {
  const groups = new Map<string, { organizationId: string; keyId: string; minute: string; calls: LoggedCall[] }>();
  for (const call of calls) {
    if (!isAttributed(call)) continue;
    const minute = minuteOf(call.time);
    const id = `${call.organizationId}/${call.keyId}/${minute}`;
    let group = groups.get(id);
    if (!group) {
      group = { organizationId: call.organizationId, keyId: call.keyId, minute, calls: [] };
      groups.set(id, group);
    }
    group.calls.push(loggedCallOf(call));
  }
  const items: CallLogItem[] = [];
  for (const group of groups.values()) {
    group.calls.sort((a, b) => a.time - b.time || compare(a.requestId, b.requestId));
    let part: LoggedCall[] = [];
    let bytes = 2;
    let partNumber = 0;
    const close = () => {
      if (part.length === 0) return;
      const newest = part.at(-1) as LoggedCall;
      items.push({
        organizationId: group.organizationId,
        keyId: group.keyId,
        minute: group.minute,
        id: `${batchId}#${partNumber++}`,
        calls: part,
        expiresAt: Math.ceil((newest.time + CALL_LOG_RETENTION_MS) / 1000),
      });
      part = [];
      bytes = 2;
    };
    for (const call of group.calls) {
      const size = Buffer.byteLength(JSON.stringify(packedOf(call))) + 1;
      if (part.length > 0 && bytes + size > maxBytes) close();
      part.push(call);
      bytes += size;
    }
    close();
  }
  return items;
}

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

const isBefore = (call: LoggedCall, position: CallPosition) =>
  call.time < position.time || (call.time === position.time && compare(call.requestId, position.requestId) < 0);

export interface CallLogDeps {
  keys: KeyStore;
  callLog: CallLogStore;
  clock: Clock;
  cursors: CursorCodec;
}

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
  const key = await getKey(deps, caller, keyId);
  // The calls name the sub-accounts they acted on: a key limited to some reads only keys within them.
  if (!accountsWithin(caller.accounts, key.accounts)) {
    throw new ForbiddenError(`Key ${keyId} reaches sub-accounts this key does not; read its calls with a wider key.`);
  }
  const after = await decodeCallCursor(deps.cursors, page.cursor, caller.organizationId, keyId);
  const oldest = deps.clock().getTime() - CALL_LOG_RETENTION_MS;
  if (after && after.time < oldest) return { items: [] };
  const found: LoggedCall[] = [];
  let group: CallLogItem[] = [];
  const takeGroup = () => {
    const seen = new Set<string>();
    const calls = group
      .flatMap((item) => item.calls)
      .filter((call) => call.time >= oldest && (!after || isBefore(call, after)))
      // A batch delivered twice under different ids must not show its calls twice.
      .filter((call) => !call.requestId || (!seen.has(call.requestId) && seen.add(call.requestId)));
    found.push(...calls.sort(newestFirst));
    group = [];
  };
  const items = deps.callLog.newestFirst({
    organizationId: caller.organizationId,
    keyId,
    fromMinute: minuteOf(oldest),
    toMinute: after ? minuteOf(after.time) : '9999',
  });
  for await (const item of items) {
    if (group.length > 0 && item.minute !== group[0]?.minute) {
      takeGroup();
      if (found.length > page.limit) break;
    }
    group.push(item);
  }
  takeGroup();
  const shown = found.slice(0, page.limit);
  const last = shown.at(-1);
  if (found.length <= page.limit || !last) return { items: shown };
  return { items: shown, nextCursor: await encodeCallCursor(deps.cursors, caller.organizationId, { keyId, ...last }) };
}
