/**
 * Which member an OIDC sign-in is. By the provider's subject once it was linked; before that by the
 * token's email, when the provider vouches for it (`email_verified: true`), and the first such
 * sign-in links the subject, so a later change of address at the provider keeps the person.
 */
import { type Clock, systemClock } from '../clock';
import { AppError } from '../errors';
import type { Member, MemberStore, Membership } from './member-model';

/** What a sign-in reads and writes of the members: the management authorizer hands its cached reads in. */
export type OidcMemberStore = Pick<
  MemberStore,
  'get' | 'membershipsOfOidcSubject' | 'membershipsOfEmail' | 'linkOidcSubject' | 'markJoined'
>;

/** What a verified token says about the person (functions/adapters/oidc-verifier.ts). */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
}

export type OidcPerson =
  | { kind: 'member'; member: Member }
  /** A member of several organizations who sent no X-Organization-Id: they must name one. */
  | { kind: 'choose-organization'; organizationIds: string[] };

/**
 * A sign-in with a verified token: the person it names and, for a member, when the token expires
 * (its `exp`, ISO 8601). The provider vouches for the person only until then, so a console session
 * they create ends by then too (domain/sessions/session-service.ts).
 */
export type OidcSignIn =
  | Exclude<OidcPerson, { kind: 'member' }>
  | (Extract<OidcPerson, { kind: 'member' }> & { tokenExpiresAt: string });

/**
 * undefined: not a member (of the hinted organization), the email is unverified and no subject is
 * linked, or the member changed under the sign-in (removed, linked to another subject meanwhile).
 */
export async function personOfClaims(
  claims: OidcClaims,
  members: OidcMemberStore,
  organizationHint?: string,
  clock: Clock = systemClock,
): Promise<OidcPerson | undefined> {
  const bySubject = await members.membershipsOfOidcSubject(claims.issuer, claims.subject);
  const hinted = organizationHint && bySubject.find((m) => m.organizationId === organizationHint);
  if (hinted) return memberOf(await members.get(hinted.organizationId, hinted.memberId), members, clock);
  // Linked to one organization and naming none: that one. An invitation of the same address
  // elsewhere must not make them name it on every call, so the email is not even looked up.
  const [onlyLinked] = bySubject;
  if (!organizationHint && onlyLinked && bySubject.length === 1) {
    return memberOf(await members.get(onlyLinked.organizationId, onlyLinked.memberId), members, clock);
  }
  const linked = new Set(bySubject.map((m) => m.organizationId));
  const byEmail =
    claims.email && claims.emailVerified
      ? (await members.membershipsOfEmail(claims.email.toLowerCase())).filter((m) => !linked.has(m.organizationId))
      : [];
  const candidates: { membership: Membership; link: boolean }[] = [
    ...bySubject.map((membership) => ({ membership, link: false })),
    ...byEmail.map((membership) => ({ membership, link: true })),
  ];
  // Without a hint, the organizations this very account is linked to come first (several of them
  // here: the person chooses, among every candidate).
  const unhinted = bySubject.length > 0 ? candidates.filter((c) => !c.link) : candidates;
  const chosen = organizationHint
    ? candidates.find((c) => c.membership.organizationId === organizationHint)
    : unhinted.length === 1
      ? unhinted[0]
      : undefined;
  if (!chosen) {
    if (organizationHint || candidates.length === 0) return undefined;
    return {
      kind: 'choose-organization',
      organizationIds: [...new Set(candidates.map((c) => c.membership.organizationId))],
    };
  }
  const { organizationId, memberId } = chosen.membership;
  const member = await members.get(organizationId, memberId);
  if (!member) return undefined;
  if (chosen.link) {
    // Another account of the same provider already is this member: an address the provider now
    // gives someone else must not take the member over.
    if (member.oidcSubject && member.oidcIssuer === claims.issuer && member.oidcSubject !== claims.subject) {
      return undefined;
    }
    const link = await orRefused(members.linkOidcSubject(organizationId, memberId, claims.issuer, claims.subject));
    if (link === REFUSED) return undefined;
  }
  return memberOf(member, members, clock);
}

const REFUSED = Symbol('refused');

/**
 * A write of the sign-in refused by the store's own rules (the member removed meanwhile, or linked
 * to another subject by a concurrent sign-in) refuses the sign-in: a 401, not a 500. Anything else
 * (DynamoDB down) is the platform's failure and stays one.
 */
async function orRefused<T>(write: Promise<T>): Promise<T | typeof REFUSED> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof AppError) return REFUSED;
    throw error;
  }
}

/** An invited member who signs in has joined. */
async function memberOf(
  member: Member | undefined,
  members: OidcMemberStore,
  clock: Clock,
): Promise<OidcPerson | undefined> {
  if (!member) return undefined;
  if (member.status !== 'invited') return { kind: 'member', member };
  const joined = await orRefused(members.markJoined(member.organizationId, member.id, clock().toISOString()));
  return joined === REFUSED || !joined ? undefined : { kind: 'member', member: joined };
}
