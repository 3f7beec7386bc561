/**
 * The management authorizer (FUNCTIONS['management-authorizer']): API keys as the key authorizer
 * answers them, console session tokens and OIDC tokens as the person's role allows. API Gateway
 * does not cache it; what it reads is kept here for a second at most, so a revoked session, a
 * removed member or a changed role stops within one.
 */
import { DynamoMemberStore } from '../adapters/dynamo-member-store';
import { organizationUsageKeyReader } from '../adapters/dynamo-organization-store';
import { createOidcVerifier } from '../adapters/oidc-verifier';
import { keyAuthorizerFromEnvironment } from '../authorizer/key-authorizer-runtime';
import { createManagementAuthorizer } from '../authorizer/management-authorize';
import { keptForASecond, oidcPersonKeptForASecond } from '../authorizer/person-reads';
import { type OidcMemberStore, personOfClaims } from '../domain/members/oidc-person';
import { verifySessionToken } from '../domain/sessions/session-verify';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, loadOidcConfig, tableConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { sessionSecretFromEnvironment, sessionStore } from '../runtime/sessions';
import { ttlCache } from '../runtime/ttl-cache';

/** The organization's gateway API key changes only when its plan moves it: a minute is plenty. */
const USAGE_KEY_CACHE_MS = 60_000;

const { TABLE_NAME } = loadConfig(tableConfig);
const storedMembers = new DynamoMemberStore(dynamoDb, TABLE_NAME);
const sessionSecret = sessionSecretFromEnvironment();
const { session, member } = keptForASecond({
  // One strongly consistent GetItem of SESSION#<id>; a revoke deletes it.
  session: (token) => verifySessionToken({ sessions: sessionStore, sessionSecret }, token, new Date()),
  member: (organizationId, memberId) => storedMembers.get(organizationId, memberId),
});
// What an OIDC sign-in reads and writes of the members; its member reads, those confirming a lookup
// included, go through the same cache, so the member it maps is read once.
const oidcMembers: OidcMemberStore = {
  get: member,
  membershipsOfOidcSubject: (issuer, subject) => storedMembers.membershipsOfOidcSubject(issuer, subject, member),
  membershipsOfEmail: (email) => storedMembers.membershipsOfEmail(email, member),
  linkOidcSubject: (organizationId, memberId, issuer, subject) =>
    storedMembers.linkOidcSubject(organizationId, memberId, issuer, subject),
  markJoined: (organizationId, memberId, at) => storedMembers.markJoined(organizationId, memberId, at),
};
const oidc = loadOidcConfig();
const verifier =
  oidc &&
  createOidcVerifier({
    ...oidc,
    // Once per window (OIDC_ISSUER_RETRY_AFTER_MS); the error's message says which tokens fail meanwhile.
    onIssuerUnavailable: (error) => logger.error("The OIDC issuer's keys could not be fetched", { error }),
  });

export const handler = createManagementAuthorizer({
  // A key is read on every management call (1 RU; management rate, not product rate), so a stopped
  // key stops here at once, as a flushed gateway cache stops it on the team's routes.
  keyAuthorizer: keyAuthorizerFromEnvironment({ keepKeyRecords: () => false }),
  session,
  member,
  ...(verifier && {
    oidcPerson: oidcPersonKeptForASecond(async (token, organizationHint) => {
      const claims = await verifier.verify(token);
      if (!claims) return undefined;
      const person = await personOfClaims(claims, oidcMembers, organizationHint);
      return person?.kind === 'member' ? { ...person, tokenExpiresAt: claims.expiresAt } : person;
    }),
  }),
  organizationUsageKey: ttlCache(
    organizationUsageKeyReader(dynamoDb, TABLE_NAME),
    USAGE_KEY_CACHE_MS,
    Date.now,
    10_000,
  ),
  log: {
    personRefused: (reason, sourceIp) => logger.info('Person credential refused', { reason, sourceIp }),
  },
});
