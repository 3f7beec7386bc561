/**
 * Console sessions, as Svix's app portal hands them out: the team's backend (an admin key) or an
 * owner or admin asks for a session for one member and gets a bearer token and a one-time sign-in
 * link. Nothing here logs or echoes a token or link: errors name members, never credentials.
 */
import { actorLabel, type Caller, isReadOnly } from '../caller';
import type { Clock } from '../clock';
import { ExceedsOwnRightsError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { excessOf } from '../keys/grant-rule';
import type { KeyStore, Page, PageRequest } from '../keys/key-model';
import { type ActingPerson, actingPersonOf, SANDBOX_KEY_MESSAGE } from '../members/acting-person';
import type { Member, MemberStore } from '../members/member-model';
import { rightsOfMember } from '../members/member-rights';
import {
  type ConsoleSession,
  LINK_LIFETIME_SECONDS,
  LinkUsedOrExpiredError,
  SESSION_LIFETIME,
  type SessionStore,
} from './session-model';
import {
  isLinkToken,
  linkTokenHash,
  newLinkToken,
  newSessionId,
  newSessionToken,
  type RandomSource,
  sessionTokenHash,
} from './session-token';

export interface SessionServiceDeps {
  sessions: SessionStore;
  members: Pick<MemberStore, 'get' | 'findByEmail'>;
  /** The calling key, read afresh: its expiry, allowlist and answerable person bound what it hands out. */
  keys: Pick<KeyStore, 'get'>;
  sessionSecret: () => Promise<Buffer>;
  clock: Clock;
  random?: RandomSource;
}

export type SessionTarget = { email: string } | { memberId: string };

export interface CreateSessionInput {
  target: SessionTarget;
  expiresInSeconds?: number;
  readOnly?: boolean;
}

export interface CreatedSession {
  session: ConsoleSession;
  member: Member;
  /** The bearer token on the management routes: shown once, never stored. */
  token: string;
  /** The one-time sign-in link's token, for `<console>/sign-in#<linkToken>`. */
  linkToken: string;
}

export async function createSession(
  deps: SessionServiceDeps,
  caller: Caller,
  input: CreateSessionInput,
): Promise<CreatedSession> {
  assertMayCreateSessions(caller);
  const acting = await sessionActorOf(deps, caller, 'create');
  const member = await memberOf(deps, caller.organizationId, input.target);
  assertMayActAs(acting, member, caller.environment);
  const now = deps.clock();
  const lifetime = input.expiresInSeconds ?? SESSION_LIFETIME.defaultSeconds;
  const expiresAt = new Date(
    Math.min(now.getTime() + lifetime * 1000, await latestEndOf(deps, caller, acting)),
  ).toISOString();
  const sessionId = newSessionId(deps.random);
  const token = newSessionToken(sessionId, deps.random);
  const linkToken = newLinkToken(deps.random);
  const linkHash = linkTokenHash(linkToken);
  const session: ConsoleSession = {
    id: sessionId,
    organizationId: caller.organizationId,
    memberId: member.id,
    readOnly: input.readOnly ?? false,
    createdAt: now.toISOString(),
    expiresAt,
    createdBy: actorLabel(caller),
    tokenHash: sessionTokenHash(await deps.sessionSecret(), token),
    linkHash,
  };
  const linkExpiry = Math.min(Date.parse(expiresAt), now.getTime() + LINK_LIFETIME_SECONDS * 1000);
  await deps.sessions.create(session, {
    hash: linkHash,
    sessionId,
    organizationId: caller.organizationId,
    expiresAt: new Date(linkExpiry).toISOString(),
  });
  return { session, member, token, linkToken };
}

export interface ExchangeDeps extends Pick<SessionServiceDeps, 'sessions' | 'sessionSecret' | 'clock' | 'random'> {
  /** The member's first sign-in makes them `active`. */
  members?: Pick<MemberStore, 'markJoined'>;
  /** The link is spent by then, so a failure to mark the member joined does not fail the sign-in. */
  onJoinFailure?: (error: unknown) => void;
}

/** Signs a browser in with a link, once: a new token of the session, as the API's token is not the browser's. */
export async function exchangeLink(
  deps: ExchangeDeps,
  link: string,
): Promise<{ session: ConsoleSession; token: string }> {
  if (!isLinkToken(link)) throw new LinkUsedOrExpiredError();
  const secret = await deps.sessionSecret();
  let token = '';
  const session = await deps.sessions.exchange(
    linkTokenHash(link),
    (sessionId) => {
      token = newSessionToken(sessionId, deps.random);
      return sessionTokenHash(secret, token);
    },
    deps.clock(),
  );
  await deps.members
    ?.markJoined(session.organizationId, session.memberId, deps.clock().toISOString())
    .catch((error: unknown) => deps.onJoinFailure?.(error));
  return { session, token };
}

export async function revokeSession(
  deps: Pick<SessionServiceDeps, 'sessions' | 'members' | 'keys' | 'clock'>,
  caller: Caller,
  sessionId: string,
) {
  assertMayCreateSessions(caller);
  const acting = await sessionActorOf(deps, caller, 'revoke');
  if (acting.person.role !== 'owner') {
    // Nobody but an owner (or an owner's key) ends an owner's session, as only they may start one.
    const session = await deps.sessions.get(sessionId);
    const member =
      session?.organizationId === caller.organizationId
        ? await deps.members.get(caller.organizationId, session.memberId)
        : undefined;
    if (member?.role === 'owner')
      throw new ForbiddenError(`Only an owner may revoke an owner's session (${member.email}).${keyNote(acting)}`);
  }
  if (!(await deps.sessions.revoke(caller.organizationId, sessionId))) {
    throw new NotFoundError(`No console session ${sessionId} in this organization (it may have expired).`);
  }
}

/**
 * Signing out: the calling console session ends itself, whatever the person's role or the
 * session's read-only flag, since it takes nothing from anyone else. Keys and OIDC sign-ins have no
 * console session to end here.
 */
export async function endOwnSession(deps: Pick<SessionServiceDeps, 'sessions'>, caller: Caller) {
  if (caller.actor.kind !== 'member' || caller.actor.authMethod !== 'session' || !caller.actor.sessionId) {
    throw new ValidationError([
      {
        field: 'authorization',
        message:
          'must be a console session token (Bearer cs_…): only a console session signs itself out; revoke keys with POST /v1/keys/{id}/revoke, and OIDC sign-ins end at the identity provider',
      },
    ]);
  }
  // Already gone (revoked or expired meanwhile) is as good as ended: signing out twice is no error.
  await deps.sessions.revoke(caller.organizationId, caller.actor.sessionId);
}

export async function listSessions(
  deps: Pick<SessionServiceDeps, 'sessions' | 'clock'>,
  caller: Caller,
  page: PageRequest,
): Promise<Page<ConsoleSession>> {
  assertPeopleManager(caller);
  return deps.sessions.listActive(caller.organizationId, deps.clock(), page);
}

/** What the API shows of a session: never a hash. */
export function sessionView(session: ConsoleSession) {
  return {
    id: session.id,
    memberId: session.memberId,
    readOnly: session.readOnly,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    createdBy: session.createdBy,
    signedIn: session.browserTokenHash !== undefined,
  };
}

/**
 * Keys: only admin keys over every sub-account on live (a sandbox key must never hand out a person's
 * live rights). People: owners and admins, not read-only.
 */
function assertPeopleManager(caller: Caller): void {
  if (caller.actor.kind === 'key') {
    if (caller.environment !== 'live') throw new ForbiddenError(SANDBOX_KEY_MESSAGE);
    if (!caller.permissions.includes('admin') || caller.accounts !== '*') {
      throw new ForbiddenError("Console sessions need an admin key with accounts '*'.");
    }
    return;
  }
  if (caller.actor.role !== 'owner' && caller.actor.role !== 'admin') {
    throw new ForbiddenError('Only owners and admins manage console sessions.');
  }
}

function assertMayCreateSessions(caller: Caller): void {
  assertPeopleManager(caller);
  if (isReadOnly(caller)) throw new ForbiddenError('A read-only session cannot create or revoke sessions.');
}

/**
 * The acting person (`actingPersonOf`): an admin cannot lend a session beyond their own rights by
 * making a key first, nor keep handing sessions out with it once demoted or removed. A session's
 * token works from any address, so a key with an IP allowlist hands out none.
 */
async function sessionActorOf(
  deps: Pick<SessionServiceDeps, 'members' | 'keys' | 'clock'>,
  caller: Caller,
  purpose: 'create' | 'revoke',
): Promise<ActingPerson> {
  const acting = await actingPersonOf(deps, caller, 'console sessions');
  if (purpose === 'create' && (acting.key?.ipAllowlist?.length ?? 0) > 0) {
    throw new ForbiddenError(
      `Key ${acting.key?.id} has an IP allowlist, and a console session's token works from any address; create sessions with an admin key without an allowlist.`,
    );
  }
  return acting;
}

/**
 * The latest a new session may end: never after the key, the console session or the OIDC token that
 * asks for it, so a key's expiry, a 1-hour session or a 5-minute token can't be stretched into a
 * 7-day session: the identity provider vouches for the person only until the token's `exp`.
 */
async function latestEndOf(
  deps: Pick<SessionServiceDeps, 'sessions' | 'clock'>,
  caller: Caller,
  acting: ActingPerson,
): Promise<number> {
  if (acting.key?.expiresAt !== undefined) return Date.parse(acting.key.expiresAt);
  if (caller.actor.kind !== 'member') return Number.POSITIVE_INFINITY;
  if (caller.actor.authMethod === 'oidc') {
    // Fail closed without the expiry (an authorizer that did not pass it on): a guessed cap such as
    // an hour could outlast the token, and the person can always sign in again.
    const tokenEnd = Date.parse(caller.actor.credentialExpiresAt ?? '');
    if (!(tokenEnd > deps.clock().getTime())) {
      throw new ForbiddenError('The OIDC token has expired, or its expiry is unknown; sign in again.');
    }
    return tokenEnd;
  }
  // Read afresh, as the authorizer's answer may be a second old: a session revoked since hands out nothing.
  const own = caller.actor.sessionId ? await deps.sessions.get(caller.actor.sessionId) : undefined;
  if (!own || own.organizationId !== caller.organizationId || Date.parse(own.expiresAt) <= deps.clock().getTime()) {
    throw new ForbiddenError('The calling console session has ended (signed out, revoked or expired); sign in again.');
  }
  return Date.parse(own.expiresAt);
}

const keyNote = (acting: ActingPerson) =>
  acting.key ? ` Key ${acting.key.id} answers to ${acting.person.email}, who is a ${acting.person.role}.` : '';

/** A session hands out the target's rights: they must fit within the acting person's, and only owners sign owners in. */
function assertMayActAs(acting: ActingPerson, member: Member, environment: Caller['environment']): void {
  if (member.role === 'owner' && acting.person.role !== 'owner') {
    throw new ForbiddenError(`Only an owner may create a session for an owner (${member.email}).${keyNote(acting)}`);
  }
  const issues = excessOf(rightsOfMember(acting.person, environment), rightsOfMember(member, environment));
  if (issues.length > 0) throw new ExceedsOwnRightsError(issues);
}

async function memberOf(
  deps: Pick<SessionServiceDeps, 'members'>,
  organizationId: string,
  target: SessionTarget,
): Promise<Member> {
  if ('email' in target) {
    const member = await deps.members.findByEmail(organizationId, target.email.toLowerCase());
    if (!member) throw new NotFoundError(`No member with email ${target.email} in this organization.`);
    return member;
  }
  const member = await deps.members.get(organizationId, target.memberId);
  if (!member) throw new NotFoundError(`No member ${target.memberId} in this organization.`);
  return member;
}
