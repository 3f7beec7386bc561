/**
 * People of an organization item written before members had items of their own: its `members`
 * array, read as the member items DynamoMemberStore would write for them.
 */
import type { Member } from '../domain/members/member-model';
import type { MemberRole } from '../domain/organization';

/** A member of an organization item's legacy `members` array. */
export interface LegacyMember {
  id: string;
  email: string;
  role: MemberRole;
}

/** `invitedBy` of a member moved from a legacy array. */
export const MIGRATION = 'migration';

/**
 * What a removed member that came from a legacy `members` array leaves behind for a day: a migration
 * that read the array before the removal must not write the member again (its put needs no item).
 */
export const REMOVED = 'member-removed';

/** A member item, not a removed member's tombstone nor another item of the organization. */
export const isMemberItem = (item: Record<string, unknown>) =>
  String(item.sk).startsWith('MEMBER#') && item.type !== REMOVED;

export function legacyOf(items: readonly Record<string, unknown>[]): LegacyMember[] | undefined {
  const members = items.find((item) => item.sk === 'ORG')?.members;
  return Array.isArray(members) ? (members as LegacyMember[]) : undefined;
}

/**
 * The members of a legacy `members` array as member items would hold them, leaving out those that
 * have an item (or a tombstone) among `items` and each address after its first.
 */
export function legacyMembersOf(
  organizationId: string,
  legacy: readonly LegacyMember[],
  items: readonly Record<string, unknown>[],
): Member[] {
  const organization = items.find((item) => item.sk === 'ORG');
  const invitedAt = String(organization?.createdAt ?? new Date(0).toISOString());
  const stored = new Set(items.map((item) => item.sk));
  const emails = new Set(items.filter(isMemberItem).map((item) => String(item.email)));
  const members: Member[] = [];
  for (const old of legacy) {
    const email = old.email.toLowerCase();
    if (emails.has(email)) continue;
    emails.add(email);
    if (stored.has(`MEMBER#${old.id}`)) continue;
    members.push({
      id: old.id,
      organizationId,
      email,
      role: old.role,
      accounts: '*',
      permissions: [],
      status: 'active',
      invitedAt,
      invitedBy: MIGRATION,
      version: 1,
    });
  }
  return members;
}
