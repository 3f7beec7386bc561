/**
 * The usage window: what one access-log object adds to usage, built once per object by
 * usage-ingest. Per (organization, environment) it holds each key's counters per day (the names of
 * counters.ts, so the rollup adds them to the day items unchanged) and its latest call; the
 * organization's own counters are the sum of its keys', so they are not stored twice. Calls no key
 * can be attributed to are counted per stage and day.
 */
import { createHash } from 'node:crypto';
import { environmentOfStage } from '../../definition/active-api';
import { USAGE_RECENT_SHARDS } from '../../definition/usage';
import type { KeyEnvironment } from '../keys/key-token';
import type { AccessCall } from './access-call';
import { aggregate, isAttributed } from './counters';
import type { CallSectionRef, OrgWindow, UsageWindow } from './usage-model';

export const HOUR_MS = 3600_000;

/** `YYYY-MM-DDTHH`: sorts as text in time order. */
export const hourOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 13);
export const hourStart = (hour: string) => Date.parse(`${hour}:00:00.000Z`);
export const nextHour = (hour: string) => hourOf(hourStart(hour) + HOUR_MS);

/**
 * The recent-store shard of an organization: FNV-1a of its id, so every run of every function puts
 * an organization in the same shard, and organizations spread evenly over the shards.
 */
export function usageShardOf(organizationId: string, shards: number = USAGE_RECENT_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < organizationId.length; index++) {
    hash ^= organizationId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * A window's id, from the access-log object's key alone: S3 notifies at least once, and a
 * redelivered notification must name the same window (and the same call-log object).
 */
export function windowIdOf(objectKey: string): string {
  return createHash('sha256').update(objectKey).digest('base64url').slice(0, 22);
}

export interface WindowSection {
  organizationId: string;
  environment: KeyEnvironment;
  ref: CallSectionRef;
}

export function buildUsageWindow(input: {
  id: string;
  createdAt: number;
  calls: readonly AccessCall[];
  /** Where each organization's calls sit in the call-log archive (call-archive.ts). */
  sections?: readonly WindowSection[];
}): UsageWindow {
  const organizations = new Map<string, OrgWindow>();
  const callsOfKey = new Map<string, { organization: OrgWindow; keyId: string; calls: AccessCall[] }>();
  const unattributed: AccessCall[] = [];
  for (const call of input.calls) {
    const environment = environmentOfStage(call.stage);
    if (!isAttributed(call) || !environment) {
      unattributed.push(call);
      continue;
    }
    const scope = `${call.organizationId}\n${environment}`;
    let organization = organizations.get(scope);
    if (!organization) {
      organization = { organizationId: call.organizationId, environment, keys: {} };
      organizations.set(scope, organization);
    }
    const id = `${scope}\n${call.keyId}`;
    let ofKey = callsOfKey.get(id);
    if (!ofKey) {
      ofKey = { organization, keyId: call.keyId, calls: [] };
      callsOfKey.set(id, ofKey);
    }
    ofKey.calls.push(call);
  }
  for (const { organization, keyId, calls } of callsOfKey.values()) {
    const days: Record<string, Record<string, number>> = {};
    for (const { scope, counters } of aggregate(calls)) if (scope.kind === 'key') days[scope.day] = counters;
    const lastUsed = calls.reduce((latest, call) => Math.max(latest, call.time), Number.NEGATIVE_INFINITY);
    organization.keys[keyId] = { lastUsed, days };
  }
  for (const section of input.sections ?? []) {
    const organization = organizations.get(`${section.organizationId}\n${section.environment}`);
    if (organization) organization.calls = section.ref;
  }
  const stages = aggregate(unattributed).flatMap(({ scope, counters }) =>
    scope.kind === 'stage' ? [{ stage: scope.stage, day: scope.day, counters }] : [],
  );
  return { id: input.id, createdAt: input.createdAt, organizations: [...organizations.values()], stages };
}

/** The window's organizations by recent-store shard; shards without data are left out. */
export function windowShards(window: UsageWindow, shards: number = USAGE_RECENT_SHARDS): Map<number, OrgWindow[]> {
  const byShard = new Map<number, OrgWindow[]>();
  for (const organization of window.organizations) {
    const shard = usageShardOf(organization.organizationId, shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), organization]);
  }
  return byShard;
}
