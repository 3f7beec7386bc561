import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createAuthorizer } from '../../functions/authorizer/authorize';
import {
  createManagementAuthorizer,
  type ManagementAuthorizerDeps,
} from '../../functions/authorizer/management-authorize';
import { keptForASecond, oidcPersonKeptForASecond } from '../../functions/authorizer/person-reads';
import { personAuthorizerContext, platformContextOf } from '../../functions/domain/caller-context';
import type { Member } from '../../functions/domain/members/member-model';
import type { OidcSignIn } from '../../functions/domain/members/oidc-person';
import { type PolicyDocument, policyAllows } from '../../functions/domain/policy';
import type { ConsoleSession } from '../../functions/domain/sessions/session-model';
import { newSessionId, newSessionToken, sessionTokenHash } from '../../functions/domain/sessions/session-token';
import { verifySessionToken } from '../../functions/domain/sessions/session-verify';
import {
  aManualClock,
  aMethodArn,
  anAuthorizerEvent,
  aStoredKey,
  CALLER_SIGNING_SECRET,
  NOW,
  PEPPER,
} from '../support/unit-factories';

const SESSION_SECRET = Buffer.alloc(32, 0x6b);
const USAGE_KEY = 'gateway-key-of-org_1';

function aMember(overrides: Partial<Member> = {}): Member {
  return {
    id: 'mem_1',
    organizationId: 'org_1',
    email: 'ada@acme.example',
    role: 'admin',
    accounts: '*',
    permissions: [],
    status: 'active',
    invitedAt: '2026-01-01T00:00:00.000Z',
    invitedBy: 'key_1',
    version: 1,
    ...overrides,
  };
}

/** A stored session of `member` and a token of it, hashed as the session service hashes it. */
function aSession(member: Member, overrides: Partial<ConsoleSession> = {}) {
  const id = newSessionId();
  const token = newSessionToken(id);
  const session: ConsoleSession = {
    id,
    organizationId: member.organizationId,
    memberId: member.id,
    readOnly: false,
    createdAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    createdBy: 'key_1',
    tokenHash: sessionTokenHash(SESSION_SECRET, token),
    linkHash: 'link-hash',
    ...overrides,
  };
  return { session, token };
}

/** The management authorizer over in-memory sessions and members, the real key authorizer for keys. */
function managementAuthorizer(
  options: {
    members?: Member[];
    sessions?: ConsoleSession[];
    keys?: ReturnType<typeof aStoredKey>['record'][];
    oidcPerson?: ManagementAuthorizerDeps['oidcPerson'];
    now?: () => number;
  } = {},
) {
  const members = new Map((options.members ?? []).map((m) => [`${m.organizationId}/${m.id}`, m]));
  const sessions = new Map((options.sessions ?? []).map((s) => [s.id, s]));
  const clock = options.now ? () => new Date((options.now as () => number)()) : () => NOW;
  const keyAuthorizer = createAuthorizer({
    headerMode: 'x-api-key',
    findKey: async (keyId) => options.keys?.find((key) => key.id === keyId),
    pepper: async () => PEPPER,
    callerSigningSecret: async () => CALLER_SIGNING_SECRET,
    organizationAccounts: async () => ['acc_1'],
    clock,
  });
  const reads = keptForASecond(
    {
      session: (token) =>
        verifySessionToken(
          { sessions: { get: async (id) => sessions.get(id) }, sessionSecret: async () => SESSION_SECRET },
          token,
          clock(),
        ),
      member: async (organizationId, memberId) => members.get(`${organizationId}/${memberId}`),
    },
    options.now,
  );
  const refused = jest.fn();
  const authorize = createManagementAuthorizer({
    keyAuthorizer,
    ...reads,
    ...(options.oidcPerson && { oidcPerson: options.oidcPerson }),
    organizationUsageKey: async (organizationId) => (organizationId === 'org_1' ? USAGE_KEY : undefined),
    log: { personRefused: refused },
  });
  return { authorize, keyAuthorizer, members, sessions, refused };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function allows(result: APIGatewayAuthorizerResult, method: string, path: string, stage = 'live') {
  return policyAllows(result.policyDocument as unknown as PolicyDocument, aMethodArn({ stage, method, path }));
}

describe('createManagementAuthorizer', () => {
  describe('an API key', () => {
    it('gets exactly the key authorizer’s answer, marked as a key', async () => {
      const { token, record } = aStoredKey();
      const { authorize, keyAuthorizer } = managementAuthorizer({ keys: [record] });
      const event = anAuthorizerEvent({ method: 'POST', path: '/v1/keys', headers: { 'x-api-key': token } });

      const [management, key] = await Promise.all([authorize(event), keyAuthorizer(event)]);

      expect(management).toEqual(key);
      expect(management.context).toMatchObject({ actorType: 'key', keyId: record.id });
    });

    it('wins over a person’s Bearer token beside it, as before people could sign in', async () => {
      const member = aMember();
      const { session, token: sessionToken } = aSession(member);
      const { token, record } = aStoredKey();
      const { authorize } = managementAuthorizer({ keys: [record], members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token, ...bearer(sessionToken) } }));

      expect(result.principalId).toBe(record.id);
    });

    it('answers 401 for a garbage Bearer, through the key authorizer', async () => {
      const { authorize, refused } = managementAuthorizer();

      await expect(authorize(anAuthorizerEvent({ headers: bearer('garbage') }))).rejects.toThrow('Unauthorized');
      await expect(authorize(anAuthorizerEvent({ headers: {} }))).rejects.toThrow('Unauthorized');
      expect(refused).not.toHaveBeenCalled();
    });
  });

  describe('a console session token', () => {
    it('answers as the member: principal, usage plan key and the person’s context, all strings', async () => {
      const member = aMember({ role: 'member', accounts: ['acc_1'], permissions: ['read'] });
      const { session, token } = aSession(member);
      const { authorize } = managementAuthorizer({ members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ stage: 'sandbox', path: '/v1/keys', headers: bearer(token) }));

      expect(result.principalId).toBe('mem_1');
      expect(result.usageIdentifierKey).toBe(USAGE_KEY);
      expect(result.context).toMatchObject({
        actorType: 'member',
        memberId: 'mem_1',
        email: 'ada@acme.example',
        role: 'member',
        readOnly: 'false',
        authMethod: 'session',
        sessionId: session.id,
        organizationId: 'org_1',
        environment: 'test',
        permissions: '["read"]',
        accounts: '["acc_1"]',
        callerPermissions: 'read',
        callerAccounts: 'acc_1',
      });
      expect(result.context).not.toHaveProperty('keyId');
      // A session's own end is read afresh where it matters (domain/sessions/session-service.ts).
      expect(result.context).not.toHaveProperty('credentialExpiresAt');
      expect(Object.values(result.context ?? {}).every((value) => typeof value === 'string')).toBe(true);
      expect(personAuthorizerContext.safeParse(result.context).success).toBe(true);
    });

    it('allows the role’s routes on the calling stage only', async () => {
      const member = aMember({ role: 'member', accounts: ['acc_1'], permissions: ['read'] });
      const { session, token } = aSession(member);
      const { authorize } = managementAuthorizer({ members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ path: '/v1/keys', headers: bearer(token) }));

      expect(allows(result, 'GET', '/v1/keys')).toBe(true);
      expect(allows(result, 'POST', '/v1/keys')).toBe(true);
      expect(allows(result, 'GET', '/v1/keys', 'sandbox')).toBe(false);
      expect(allows(result, 'GET', '/v1/audit-log')).toBe(false);
      expect(allows(result, 'POST', '/v1/webhooks')).toBe(false);
    });

    it('lets a read-only session read and says why a write is refused', async () => {
      const member = aMember({ role: 'owner' });
      const { session, token } = aSession(member, { readOnly: true });
      const { authorize } = managementAuthorizer({ members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ method: 'POST', path: '/v1/keys', headers: bearer(token) }));

      expect(allows(result, 'GET', '/v1/keys')).toBe(true);
      expect(allows(result, 'POST', '/v1/keys')).toBe(false);
      expect(result.context).toMatchObject({ readOnly: 'true', errorCode: 'read_only_session' });
      expect(result.context?.errorMessage).toMatch(/read-only/);
    });

    it('names the role when the role may not call the route', async () => {
      const member = aMember({ role: 'member', accounts: ['acc_1'] });
      const { session, token } = aSession(member);
      const { authorize } = managementAuthorizer({ members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ path: '/v1/audit-log', headers: bearer(token) }));

      expect(allows(result, 'GET', '/v1/audit-log')).toBe(false);
      expect(result.context).toMatchObject({
        errorCode: 'insufficient_role',
        errorMessage: expect.stringContaining('Your role (member) may not call this route'),
      });
    });

    it('marks a viewer read-only whatever the session says', async () => {
      const member = aMember({ role: 'viewer' });
      const { session, token } = aSession(member);
      const { authorize } = managementAuthorizer({ members: [member], sessions: [session] });

      const result = await authorize(anAuthorizerEvent({ path: '/v1/keys', headers: bearer(token) }));

      expect(result.context).toMatchObject({ readOnly: 'true', permissions: '[]' });
      expect(allows(result, 'POST', '/v1/keys')).toBe(false);
    });

    it.each([
      ['a token with another secret', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
      ['a malformed token', () => 'cs_nothing'],
      ['an unknown session', () => newSessionToken(newSessionId())],
    ])('answers 401 for %s', async (_, tokenFrom) => {
      const member = aMember();
      const { session, token } = aSession(member);
      const { authorize, refused } = managementAuthorizer({ members: [member], sessions: [session] });

      await expect(authorize(anAuthorizerEvent({ headers: bearer(tokenFrom(token)) }))).rejects.toThrow('Unauthorized');
      expect(refused).toHaveBeenCalledWith('session-invalid', '203.0.113.7');
    });

    it('answers 401 for an expired session and for a removed member', async () => {
      const member = aMember();
      const expired = aSession(member, { expiresAt: NOW.toISOString() });
      const gone = aSession(aMember({ id: 'mem_gone' }));
      const { authorize } = managementAuthorizer({ members: [member], sessions: [expired.session, gone.session] });

      await expect(authorize(anAuthorizerEvent({ headers: bearer(expired.token) }))).rejects.toThrow('Unauthorized');
      await expect(authorize(anAuthorizerEvent({ headers: bearer(gone.token) }))).rejects.toThrow('Unauthorized');
    });

    it('answers 401 for two different person tokens', async () => {
      const member = aMember();
      const first = aSession(member);
      const second = aSession(member);
      const { authorize, refused } = managementAuthorizer({
        members: [member],
        sessions: [first.session, second.session],
      });
      const event = anAuthorizerEvent();
      event.multiValueHeaders = { Authorization: [`Bearer ${first.token}`, `Bearer ${second.token}`] };

      await expect(authorize(event)).rejects.toThrow('Unauthorized');
      expect(refused).toHaveBeenCalledWith('ambiguous', '203.0.113.7');
    });

    it('stops a revoked session, a removed member and a role change within a second', async () => {
      const clock = aManualClock();
      const member = aMember({ role: 'admin' });
      const revoked = aSession(member);
      const kept = aSession(member);
      const { authorize, sessions, members } = managementAuthorizer({
        members: [member],
        sessions: [revoked.session, kept.session],
        now: clock.now,
      });
      const call = (token: string) => authorize(anAuthorizerEvent({ headers: bearer(token) }));
      await call(revoked.token);
      await call(kept.token);

      sessions.delete(revoked.session.id);
      members.set('org_1/mem_1', { ...member, role: 'viewer' });
      clock.advance(999);
      const within = await call(revoked.token);
      clock.advance(2);

      expect(within.context?.role).toBe('admin');
      await expect(call(revoked.token)).rejects.toThrow('Unauthorized');
      expect((await call(kept.token)).context?.role).toBe('viewer');
      members.clear();
      clock.advance(1001);
      await expect(call(kept.token)).rejects.toThrow('Unauthorized');
    });
  });

  describe('an OIDC token', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
    const TOKEN_EXPIRES_AT = new Date(NOW.getTime() + 300_000).toISOString();

    it('answers 401 when OIDC is not configured', async () => {
      const { authorize, refused } = managementAuthorizer();

      await expect(authorize(anAuthorizerEvent({ headers: bearer(jwt) }))).rejects.toThrow('Unauthorized');
      expect(refused).toHaveBeenCalledWith('oidc-off', '203.0.113.7');
    });

    it('answers as the member it maps to, passing the X-Organization-Id hint', async () => {
      const member = aMember({ role: 'owner' });
      const oidcPerson = jest.fn(
        async (): Promise<OidcSignIn | undefined> => ({ kind: 'member', member, tokenExpiresAt: TOKEN_EXPIRES_AT }),
      );
      const { authorize } = managementAuthorizer({ oidcPerson });

      const result = await authorize(anAuthorizerEvent({ headers: { ...bearer(jwt), 'X-Organization-Id': 'org_1' } }));

      expect(oidcPerson).toHaveBeenCalledWith(jwt, 'org_1');
      expect(result.principalId).toBe('mem_1');
      expect(result.context).toMatchObject({ authMethod: 'oidc', readOnly: 'false', permissions: '["admin"]' });
      expect(result.context).not.toHaveProperty('sessionId');
    });

    it("carries the token's expiry to the handlers, as a string, so a session it creates ends by then", async () => {
      const member = aMember({ role: 'owner' });
      const { authorize } = managementAuthorizer({
        oidcPerson: async () => ({ kind: 'member', member, tokenExpiresAt: TOKEN_EXPIRES_AT }),
      });

      const result = await authorize(anAuthorizerEvent({ headers: bearer(jwt) }));

      expect(result.context).toMatchObject({ credentialExpiresAt: TOKEN_EXPIRES_AT });
      expect(Object.values(result.context ?? {}).every((value) => typeof value === 'string')).toBe(true);
      expect(platformContextOf(result.context).actor).toMatchObject({
        authMethod: 'oidc',
        credentialExpiresAt: TOKEN_EXPIRES_AT,
      });
    });

    it('maps a token once a second per organization named, so a burst reads the member store once', async () => {
      const clock = aManualClock();
      const member = aMember({ role: 'owner' });
      const mapped = jest.fn(
        async (): Promise<OidcSignIn | undefined> => ({ kind: 'member', member, tokenExpiresAt: TOKEN_EXPIRES_AT }),
      );
      const { authorize } = managementAuthorizer({ oidcPerson: oidcPersonKeptForASecond(mapped, clock.now) });
      const call = (headers: Record<string, string> = {}) =>
        authorize(anAuthorizerEvent({ headers: { ...bearer(jwt), ...headers } }));

      await Promise.all([call(), call(), call()]);
      await call({ 'X-Organization-Id': 'org_1' });
      clock.advance(999);
      await call();
      const withinTheSecond = mapped.mock.calls.length;
      clock.advance(2);
      await call();

      expect(withinTheSecond).toBe(2);
      expect(mapped.mock.calls).toEqual([
        [jwt, undefined],
        [jwt, 'org_1'],
        [jwt, undefined],
      ]);
    });

    it('answers 401 for a token that maps to nobody', async () => {
      const { authorize } = managementAuthorizer({ oidcPerson: async () => undefined });

      await expect(authorize(anAuthorizerEvent({ headers: bearer(jwt) }))).rejects.toThrow('Unauthorized');
    });

    it('denies with the organizations to choose from when the person is in several', async () => {
      const { authorize } = managementAuthorizer({
        oidcPerson: async () => ({ kind: 'choose-organization', organizationIds: ['org_1', 'org_2'] }),
      });

      const result = await authorize(anAuthorizerEvent({ headers: bearer(jwt) }));

      expect(allows(result, 'GET', '/v1/whoami')).toBe(false);
      expect(result.context).toMatchObject({ errorCode: 'organization_required' });
      expect(result.context?.errorMessage).toContain('org_1, org_2');
    });
  });
});
