/**
 * Which member an OIDC sign-in is. By the provider's subject once it was linked; before that by the
 * token's email, when the provider vouches for it (`email_verified: true`), and the first such
 * sign-in links the subject, so a later change of address at the provider keeps the person.
 */
import { type Clock, systemClock } from '../clock';
import type { Member, MemberStore, Membership } from './member-model';

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

/** undefined: not a member (of the hinted organization), or the email is unverified and no subject is linked. */
export async function personOfClaims(
  claims: OidcClaims,
  members: MemberStore,
  organizationHint?: string,
  clock: Clock = systemClock,
): Promise<OidcPerson | undefined> {
  const bySubject = await members.membershipsOfOidcSubject(claims.issuer, claims.subject);
  const hinted = organizationHint && bySubject.find((m) => m.organizationId === organizationHint);
  if (hinted) return memberOf(await members.get(hinted.organizationId, hinted.memberId), members, clock);
  const linked = new Set(bySubject.map((m) => m.organizationId));
  const byEmail =
    claims.email && claims.emailVerified
      ? (await members.membershipsOfEmail(claims.email.toLowerCase())).filter((m) => !linked.has(m.organizationId))
      : [];
  const candidates: { membership: Membership; link: boolean }[] = [
    ...bySubject.map((membership) => ({ membership, link: false })),
    ...byEmail.map((membership) => ({ membership, link: true })),
  ];
  const chosen = organizationHint
    ? candidates.find((c) => c.membership.organizationId === organizationHint)
    : candidates.length === 1
      ? candidates[0]
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
    await members.linkOidcSubject(organizationId, memberId, claims.issuer, claims.subject);
  }
  return memberOf(member, members, clock);
}

/** An invited member who signs in has joined. */
async function memberOf(
  member: Member | undefined,
  members: MemberStore,
  clock: Clock,
): Promise<OidcPerson | undefined> {
  if (!member) return undefined;
  if (member.status !== 'invited') return { kind: 'member', member };
  const joined = await members.markJoined(member.organizationId, member.id, clock().toISOString());
  return joined && { kind: 'member', member: joined };
}
