/**
 * The call-log archive format. One usage window's attributed calls become one object,
 * `call-log/<day of the window's oldest call>/<windowId>-<hash of its bytes>.bin`: the concatenation of one gzip member
 * per (organization, environment). Each member is read on its own with a byte-range GET, so a key's
 * call log never downloads other organizations' calls, and one object (one PUT) holds the whole
 * window whatever the number of organizations.
 *
 * A section is JSON lines, one packed call per line (field names written once per format, not per
 * call), sorted by time then requestId. The keyId ends each line: a section holds all the
 * organization's keys, and the reader keeps the one it was asked for.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { environmentOfStage } from '../../definition/active-api';
import { CALL_LOG_OBJECT_PREFIX } from '../../definition/usage';
import type { KeyEnvironment } from '../keys/key-token';
import type { AccessCall } from './access-call';
import { creditsOf, isAttributed } from './counters';
import { dayOf } from './days';
import type { CallSectionRef, LoggedCall } from './usage-model';
import type { WindowSection } from './window';

/**
 * Keys a section's reference lists at most. A section of more keys lists none and is marked
 * `anyKey`: every key of its organization reads it, which costs those reads for an organization that
 * busy, and keeps the reference (in window items and the call index, both bounded by DynamoDB's
 * 400 KB) small whatever the organization's size.
 */
export const SECTION_KEY_LIST_MAX = 1000;

/** Whether a key's call log reads the section. */
export const sectionHoldsKey = (ref: CallSectionRef, keyId: string) => ref.anyKey === true || ref.keys.includes(keyId);

/** A call as stored: a JSON array in a fixed order instead of an object with named fields. */
type PackedCall = [number, string, string, number, number, string, string, number, string];
/** An archived call: the packed call, then the key that made it. */
type ArchivedCall = [...PackedCall, string];

function packedOf(call: LoggedCall): PackedCall {
  return [
    call.time,
    call.method,
    call.path,
    call.status,
    call.latencyMs,
    call.ip,
    call.userAgent,
    call.credits,
    call.requestId,
  ];
}

function unpacked([time, method, path, status, latencyMs, ip, userAgent, credits, requestId]:
  | PackedCall
  | ArchivedCall): LoggedCall {
  return { time, method, path, status, latencyMs, ip, userAgent, credits, requestId };
}

function loggedCallOf(call: AccessCall): LoggedCall {
  return {
    time: call.time,
    method: call.method,
    path: call.path,
    status: call.status,
    latencyMs: call.latencyMs,
    ip: call.ip,
    userAgent: call.userAgent,
    credits: creditsOf(call),
    requestId: call.requestId,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface ArchivedWindow {
  /** The object's key in the usage bucket. */
  object: string;
  body: Uint8Array;
  /** One per (organization, environment) with calls, in the order of the body. */
  sections: WindowSection[];
}

/**
 * The archive object of one window. `windowId` must be the same when the same access-log object
 * is delivered again, so the redelivery writes the same object with the same sections. A window
 * without attributed calls has no sections and nothing to write (its body is empty).
 */
export function archiveWindow(calls: readonly AccessCall[], windowId: string): ArchivedWindow {
  const groups = new Map<string, { organizationId: string; environment: KeyEnvironment; calls: AccessCall[] }>();
  let oldest = Number.POSITIVE_INFINITY;
  for (const call of calls) {
    const environment = environmentOfStage(call.stage);
    if (!isAttributed(call) || !environment) continue;
    const id = `${call.organizationId}\n${environment}`;
    let group = groups.get(id);
    if (!group) {
      group = { organizationId: call.organizationId, environment, calls: [] };
      groups.set(id, group);
    }
    group.calls.push(call);
    oldest = Math.min(oldest, call.time);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => compare(a.organizationId, b.organizationId) || compare(a.environment, b.environment),
  );
  const members: Buffer[] = [];
  const sections: WindowSection[] = [];
  let offset = 0;
  for (const group of ordered) {
    group.calls.sort((a, b) => a.time - b.time || compare(a.requestId, b.requestId));
    const lines = group.calls.map((call) => JSON.stringify([...packedOf(loggedCallOf(call)), call.keyId]));
    const member = gzipSync(`${lines.join('\n')}\n`);
    members.push(member);
    const keys = [...new Set(group.calls.map((call) => call.keyId))].sort(compare);
    const listed = keys.length <= SECTION_KEY_LIST_MAX;
    sections.push({
      organizationId: group.organizationId,
      environment: group.environment,
      ref: {
        object: '',
        offset,
        length: member.length,
        keys: listed ? keys : [],
        ...(!listed && { anyKey: true as const }),
        from: group.calls[0]?.time ?? 0,
        to: group.calls.at(-1)?.time ?? 0,
      },
    });
    offset += member.length;
  }
  const body = Buffer.concat(members);
  // The bytes' hash in the key: a redelivery compressed differently (another zlib) gets an object of
  // its own, so the offsets each window item holds always point into the bytes they were made from.
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const object = `${CALL_LOG_OBJECT_PREFIX}${dayOf(Number.isFinite(oldest) ? oldest : 0)}/${windowId}-${hash}.bin`;
  for (const section of sections) section.ref.object = object;
  return { object, body: new Uint8Array(body), sections };
}

/** One key's calls in a section (the bytes of its range), oldest first. */
export function readSection(bytes: Uint8Array, keyId: string): LoggedCall[] {
  const calls: LoggedCall[] = [];
  for (const line of gunzipSync(bytes).toString('utf8').split('\n')) {
    if (line === '') continue;
    const archived = JSON.parse(line) as ArchivedCall;
    if (archived[9] === keyId) calls.push(unpacked(archived));
  }
  return calls;
}
