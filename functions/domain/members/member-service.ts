/**
 * Member management: invite, list, read, change and remove the people of an organization. One rule
 * governs it, as for keys: a person (or key) never grants more than they hold (grant-rule.ts). On
 * top of it, only an owner signed in as a person grants, changes or removes the owner role, the
 * last owner stays (the store guards it against races), and sandbox keys manage no people: people
 * span live and sandbox, and a sandbox key must not grant live rights. A key changes people only
 * while the person answerable for it is an owner or admin, and within their rights as well as its
 * own (acting-person.ts), as for console sessions.
 */
import { randomBytes } from 'node:crypto';
import { actorLabel, type Caller, isReadOnly } from '../caller';
import type { Clock } from '../clock';
import { ExceedsOwnRightsError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { excessOf, type Rights } from '../keys/grant-rule';
import type { AccountScope, KeyStore } from '../keys/key-model';
import { assertAccountsBelong, type MemberRole, type Organization, type OrganizationStore } from '../organization';
import { actingPersonOf, SANDBOX_KEY_MESSAGE } from './acting-person';
import type { InviteEmail } from './invite-email';
import { renderInviteEmail } from './invite-email';
import type { Member, MemberStore } from './member-model';
import { rightsOfMember } from './member-rights';

export const MEMBER_ID_PATTERN = /^mem_[A-Za-z0-9_-]{1,64}$/;

export interface InviteSender {
  send(email: InviteEmail & { to: string[] }): Promise<void>;
}

export interface MemberServiceDeps {
  members: MemberStore;
  organizations: Pick<OrganizationStore, 'get'>;
  clock: Clock;
  /** The calling key, read afresh: it and the person answerable for it bound what it grants. */
  keys: Pick<KeyStore, 'get'>;
  /** Sends the invitation; without it (no email sender configured) none is sent. */
  invitations?: InviteSender;
  /** Where people sign in, named in the invitation when known. */
  consoleUrl?: string;
  /** An invitation that could not be sent does not undo the invite; it is reported here. */
  onInviteFailure?: (error: unknown, memberId: string) => void;
  random?: (bytes: number) => Buffer;
}

export interface InviteInput {
  email: string;
  role?: MemberRole;
  accounts?: AccountScope;
  permissions?: string[];
}

export type MemberPatch = Partial<Pick<Member, 'role' | 'accounts' | 'permissions'>>;

/** What the API shows of a member: never how they signed in. */
export function memberView(member: Member) {
  return {
    id: member.id,
    email: member.email,
    role: member.role,
    accounts: member.accounts,
    permissions: member.permissions,
    status: member.status,
    invitedAt: member.invitedAt,
    invitedBy: member.invitedBy,
    joinedAt: member.joinedAt ?? null,
  };
}

export async function inviteMember(deps: MemberServiceDeps, caller: Caller, input: InviteInput): Promise<Member> {
  assertManagesPeople(caller);
  const organization = await organizationOf(deps, caller);
  const role = input.role ?? 'member';
  const settings = settled(role, input.accounts, input.permissions, undefined);
  assertAccountsBelong(organization, settings.accounts, 'accounts');
  const actor = await actorBounds(deps, caller);
  if (role === 'owner') assertOwnerActs(caller);
  assertFits(actor, rightsOfMember({ role, ...settings }, caller.environment));
  const member: Member = {
    id: `mem_${(deps.random ?? randomBytes)(8).toString('hex')}`,
    organizationId: caller.organizationId,
    email: input.email.trim().toLowerCase(),
    role,
    ...settings,
    status: 'invited',
    invitedAt: deps.clock().toISOString(),
    invitedBy: actorLabel(caller),
    version: 1,
  };
  await deps.members.invite(member);
  if (deps.invitations) {
    await deps.invitations
      .send({ to: [member.email], ...renderInviteEmail(organization, member, deps.consoleUrl) })
      .catch((error: unknown) => deps.onInviteFailure?.(error, member.id));
  }
  return member;
}

/** The organization's members, owners first, then by email. */
export async function listMembers(deps: Pick<MemberServiceDeps, 'members'>, caller: Caller): Promise<Member[]> {
  assertPeopleCaller(caller);
  const order: Record<string, number> = { owner: 0, admin: 1, member: 2, viewer: 3 };
  return (await deps.members.list(caller.organizationId)).sort(
    (a, b) => (order[a.role] ?? 9) - (order[b.role] ?? 9) || a.email.localeCompare(b.email),
  );
}

export async function getMember(
  deps: Pick<MemberServiceDeps, 'members'>,
  caller: Caller,
  memberId: string,
): Promise<Member> {
  assertPeopleCaller(caller);
  const member = await deps.members.get(caller.organizationId, memberId);
  if (!member) throw new NotFoundError(`No member ${memberId} in this organization; GET /v1/members lists them.`);
  return member;
}

export async function updateMember(
  deps: MemberServiceDeps,
  caller: Caller,
  memberId: string,
  patch: MemberPatch,
): Promise<Member> {
  assertManagesPeople(caller);
  const current = await getMember(deps, caller, memberId);
  const organization = await organizationOf(deps, caller);
  const role = patch.role ?? current.role;
  const settings = settled(role, patch.accounts, patch.permissions, current);
  assertAccountsBelong(organization, settings.accounts, 'accounts');
  const actor = await actorBounds(deps, caller);
  if (role !== current.role && (role === 'owner' || current.role === 'owner')) assertOwnerActs(caller);
  // A member is managed only by someone who could have invited them as they are, and made what they become.
  assertFits(actor, rightsOfMember(current, caller.environment));
  assertFits(actor, rightsOfMember({ role, ...settings }, caller.environment));
  const next: Member = { ...current, role, ...settings, version: current.version + 1 };
  await deps.members.update(next);
  return next;
}

export async function removeMember(deps: MemberServiceDeps, caller: Caller, memberId: string): Promise<Member> {
  assertManagesPeople(caller);
  const current = await getMember(deps, caller, memberId);
  const actor = await actorBounds(deps, caller);
  if (current.role === 'owner') assertOwnerActs(caller);
  assertFits(actor, rightsOfMember(current, caller.environment));
  await deps.members.remove(current);
  return current;
}

/**
 * The accounts and permissions a member of `role` ends up with: owners reach everything; only a
 * `member` holds permissions of their own; a `member` must be told which sub-accounts they see.
 */
function settled(
  role: MemberRole,
  accounts: AccountScope | undefined,
  permissions: string[] | undefined,
  current: Member | undefined,
): Pick<Member, 'accounts' | 'permissions'> {
  const issues = [];
  if (role === 'owner' && accounts !== undefined && accounts !== '*') {
    issues.push({ field: 'accounts', message: "an owner reaches every sub-account: send '*' or leave it out" });
  }
  if (role !== 'member' && permissions !== undefined && permissions.length > 0) {
    issues.push({
      field: 'permissions',
      message: `only a member holds permissions of their own; ${role === 'viewer' ? 'a viewer reads only' : `an ${role} holds admin`}: leave it out`,
    });
  }
  if (role === 'member' && permissions?.includes('admin')) {
    issues.push({ field: 'permissions', message: "a member cannot hold 'admin': make them an admin instead" });
  }
  const resolvedAccounts = role === 'owner' ? '*' : (accounts ?? current?.accounts ?? defaultAccounts(role));
  if (resolvedAccounts === undefined) {
    issues.push({
      field: 'accounts',
      message: "is required for a member: list the sub-accounts they may see, or '*' for all",
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    accounts: resolvedAccounts as AccountScope,
    permissions: role === 'member' ? (permissions ?? (current?.role === 'member' ? current.permissions : [])) : [],
  };
}

const defaultAccounts = (role: MemberRole): AccountScope | undefined => (role === 'member' ? undefined : '*');

function assertFits(bounds: readonly Rights[], granted: Rights) {
  for (const bound of bounds) {
    const issues = excessOf(bound, granted);
    if (issues.length > 0) throw new ExceedsOwnRightsError(issues);
  }
}

/** People span live and sandbox, so only live keys and people manage them. */
function assertPeopleCaller(caller: Caller) {
  if (caller.actor.kind === 'key' && caller.environment !== 'live') {
    throw new ForbiddenError(SANDBOX_KEY_MESSAGE);
  }
}

function assertManagesPeople(caller: Caller) {
  assertPeopleCaller(caller);
  if (caller.actor.kind === 'member' && caller.actor.role !== 'owner' && caller.actor.role !== 'admin') {
    throw new ForbiddenError('Only owners and admins manage the members of an organization.');
  }
  if (isReadOnly(caller))
    throw new ForbiddenError("This session is read-only (or a viewer's): it may read members, not change them.");
}

function assertOwnerActs(caller: Caller) {
  if (caller.actor.kind !== 'member' || caller.actor.role !== 'owner') {
    throw new ForbiddenError('Only an owner, signed in as a person, grants, changes or removes the owner role.');
  }
}

/**
 * Every bound of what the actor may grant, read afresh (a change takes effect at once): a person's
 * rights; for a key both its own and those of the person answerable for it (actingPersonOf), so a
 * key grants no more than its maker holds now, and nothing once they are demoted or gone.
 */
async function actorBounds(deps: MemberServiceDeps, caller: Caller): Promise<Rights[]> {
  const { person, key } = await actingPersonOf(deps, caller, 'members');
  const personRights = rightsOfMember(person, caller.environment);
  if (!key) {
    if (caller.actor.kind === 'member' && person.role !== caller.actor.role) {
      throw new ForbiddenError('Your role changed while you were signed in; sign in again.');
    }
    return [personRights];
  }
  return [{ environment: key.environment, permissions: key.permissions, accounts: key.accounts }, personRights];
}

async function organizationOf(deps: Pick<MemberServiceDeps, 'organizations'>, caller: Caller): Promise<Organization> {
  const organization = await deps.organizations.get(caller.organizationId);
  if (!organization) throw new NotFoundError(`No organization ${caller.organizationId}.`);
  return organization;
}
