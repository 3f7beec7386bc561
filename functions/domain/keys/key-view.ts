/** The public representation of a key: what lists and responses show. Never the hash. */
import type { Caller } from '../caller';
import type { MemberStore } from '../members/member-model';
import type { ApiKeyRecord } from './key-model';
import { effectiveStatus } from './key-model';

const DAY_MS = 24 * 3600 * 1000;

/** Email addresses of the people who made keys, by member id. */
export type CreatorEmails = ReadonlyMap<string, string>;

/**
 * `createdBy` is a member id or the id of the key that acted (`key_…`). A view names the person by
 * email too: one read of just the page's distinct creators' member items (never the whole member
 * list), and none when every creator on it is a key or the calling person themself (whose email
 * the authorizer vouched for).
 */
export async function creatorEmailsOf(
  members: Pick<MemberStore, 'getMany'>,
  caller: Caller,
  keys: readonly ApiKeyRecord[],
): Promise<CreatorEmails> {
  const emails = new Map<string, string>();
  if (caller.actor.kind === 'member') emails.set(caller.actor.memberId, caller.actor.email);
  const unknown = new Set(
    keys.map((key) => key.createdBy).filter((creator) => !creator.startsWith('key_') && !emails.has(creator)),
  );
  if (unknown.size === 0) return emails;
  for (const member of await members.getMany(caller.organizationId, [...unknown])) emails.set(member.id, member.email);
  return emails;
}

export function keyView(key: ApiKeyRecord, now: Date, creators: CreatorEmails = new Map()) {
  const createdByEmail = creators.get(key.createdBy);
  return {
    id: key.id,
    name: key.name,
    last8: key.last8,
    environment: key.environment,
    status: effectiveStatus(key, now),
    permissions: key.permissions,
    accounts: key.accounts,
    ipAllowlist: key.ipAllowlist ?? null,
    expiresAt: key.expiresAt ?? null,
    rateLimitPerMinute: key.rateLimitPerMinute ?? null,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    ...(createdByEmail !== undefined && { createdByEmail }),
    lastUsedAt: key.lastUsedAt ?? null,
    rotationDueAt: key.rotationDueAt,
    ageDays: Math.floor((now.getTime() - Date.parse(key.createdAt)) / DAY_MS),
    rotatedFromKeyId: key.rotatedFromKeyId ?? null,
    rotatedToKeyId: key.rotatedToKeyId ?? null,
    lastReminderStage: key.lastReminderStage ?? null,
  };
}
export type KeyView = ReturnType<typeof keyView>;
