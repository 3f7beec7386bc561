/**
 * People of an organization, stored as items of their own (not in the organization item, which the
 * authorizer reads on every uncached call). docs/dynamodb.md lists the items.
 */
import { AppError } from '../errors';
import type { AccountScope } from '../keys/key-model';
import type { MemberRole } from '../organization';

export const MEMBER_STATUSES = ['invited', 'active'] as const;
/** `invited` until the person first signs in (a console link exchanged or an OIDC token mapped). */
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface Member {
  /** `mem_<16 hex>`. */
  id: string;
  organizationId: string;
  /** Lower-case; unique within the organization. */
  email: string;
  role: MemberRole;
  /** The sub-accounts the person may see: '*' or ids of the organization's sub-accounts. */
  accounts: AccountScope;
  /** Only a `member` holds these (scopes and presets of the API, never 'admin'); empty for the other roles. */
  permissions: string[];
  status: MemberStatus;
  invitedAt: string;
  /** Who invited them: a member id or a key id (actorLabel in domain/caller.ts). */
  invitedBy: string;
  joinedAt?: string;
  /** The identity provider's subject once an OIDC sign-in was mapped to this member (by email). */
  oidcSubject?: string;
  /** The issuer of `oidcSubject`: removing the member deletes its lookup item too. */
  oidcIssuer?: string;
  /** Optimistic-concurrency counter: every change is conditional on the version it read. */
  version: number;
}

/** One organization a person (an email or an OIDC subject) belongs to. */
export interface Membership {
  organizationId: string;
  memberId: string;
}

/**
 * How a lookup's member item is read to confirm it (the store's own strong read by default): the
 * management authorizer hands in its cached read, so the member it then maps is not read twice.
 */
export type MemberReader = (organizationId: string, memberId: string) => Promise<Member | undefined>;

export interface MemberStore {
  /** The organization's members, in no promised order (the service sorts). */
  list(organizationId: string): Promise<Member[]>;
  get(organizationId: string, memberId: string): Promise<Member | undefined>;
  /**
   * The members among `memberIds`, in no promised order, ids of nobody left out; eventually
   * consistent (a second-old answer does: it names who made a key). One read for any number of ids.
   */
  getMany(organizationId: string, memberIds: readonly string[]): Promise<Member[]>;
  findByEmail(organizationId: string, email: string): Promise<Member | undefined>;
  /** Every organization the email belongs to (for a sign-in by verified email). */
  membershipsOfEmail(email: string, readMember?: MemberReader): Promise<Membership[]>;
  /**
   * Writes the member, its email lookup and (for an owner) the owners item as single conditional
   * writes in an order that fails safe (no transactions: docs/design.md). ConflictError when the
   * email is already a member of the organization.
   */
  invite(member: Member): Promise<void>;
  /**
   * Writes `next` (role, accounts, permissions) if the stored version is `next.version - 1`, else
   * ConcurrentModificationError; a change from or to `owner` moves the owners item first (with a
   * lease, so a lost answer fails safe), and LastOwnerError when it would leave none.
   */
  update(next: Member): Promise<void>;
  /** Deletes the member and its lookups; LastOwnerError for the last owner; NotFoundError when gone. */
  remove(member: Member): Promise<void>;
  /** First sign-in: `active` and `joinedAt` (kept when already set). The member after it, or undefined when gone. */
  markJoined(organizationId: string, memberId: string, at: string): Promise<Member | undefined>;
  /** Records that an OIDC subject is this member, so later sign-ins map by subject. */
  linkOidcSubject(organizationId: string, memberId: string, issuer: string, subject: string): Promise<void>;
  membershipsOfOidcSubject(issuer: string, subject: string, readMember?: MemberReader): Promise<Membership[]>;
}

/** Removing or demoting the organization's only owner: someone must always be able to manage it. */
export class LastOwnerError extends AppError {
  readonly status = 409;
  readonly code = 'last_owner';
  constructor(options?: { cause?: unknown }) {
    super(
      'An organization keeps at least one owner: make another member owner first, then remove or demote this one.',
      options,
    );
  }
}
