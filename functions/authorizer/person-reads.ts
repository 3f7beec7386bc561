/**
 * What the management authorizer reads for a person, kept per instance for at most
 * IN_AUTHORIZER_CACHE_MS (a second): API Gateway does not cache its answers, so this bounds how late
 * a revoked session, a removed member or a changed role stops, and a person's burst of calls costs
 * one read of each per second per instance.
 */
import { IN_AUTHORIZER_CACHE_MS } from '../definition/api';
import type { Member } from '../domain/members/member-model';
import type { OidcSignIn } from '../domain/members/oidc-person';
import type { VerifiedSession } from '../domain/sessions/session-verify';
import { ttlCache } from '../runtime/ttl-cache';

export interface PersonReads {
  session: (token: string) => Promise<VerifiedSession | undefined>;
  member: (organizationId: string, memberId: string) => Promise<Member | undefined>;
}

/** A stream of distinct tokens cannot grow the caches past this. */
const MAX_ENTRIES = 10_000;

export function keptForASecond(reads: PersonReads, now: () => number = Date.now): PersonReads {
  const session = ttlCache(reads.session, IN_AUTHORIZER_CACHE_MS, now, MAX_ENTRIES);
  const member = ttlCache(
    (key) => {
      const [organizationId, memberId] = JSON.parse(key) as [string, string];
      return reads.member(organizationId, memberId);
    },
    IN_AUTHORIZER_CACHE_MS,
    now,
    MAX_ENTRIES,
  );
  return { session, member: (organizationId, memberId) => member(JSON.stringify([organizationId, memberId])) };
}

/** The person an OIDC token names (verified, mapped to a member), for an X-Organization-Id hint. */
export type OidcPersonRead = (token: string, organizationHint: string | undefined) => Promise<OidcSignIn | undefined>;

/** Tokens are JWTs of a few KB each: fewer of them than of session ids. */
const MAX_OIDC_ENTRIES = 1000;

/**
 * The mapped person kept per token and hint for a second, as sessions are: a burst of OIDC calls
 * costs one subject lookup (a Query of OIDC#) and one member read per second per instance, not two
 * reads per call, and a removal or a role change still shows within the second.
 */
export function oidcPersonKeptForASecond(read: OidcPersonRead, now: () => number = Date.now): OidcPersonRead {
  const kept = ttlCache(
    (key) => {
      const [token, organizationHint] = JSON.parse(key) as [string, string | null];
      return read(token, organizationHint ?? undefined);
    },
    IN_AUTHORIZER_CACHE_MS,
    now,
    MAX_OIDC_ENTRIES,
  );
  return (token, organizationHint) => kept(JSON.stringify([token, organizationHint ?? null]));
}
