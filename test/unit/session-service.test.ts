import type { Caller, MemberActor } from '../../functions/domain/caller';
import { ExceedsOwnRightsError, ForbiddenError, NotFoundError } from '../../functions/domain/errors';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import type { Member } from '../../functions/domain/members/member-model';
import { LinkUsedOrExpiredError } from '../../functions/domain/sessions/session-model';
import {
  createSession,
  exchangeLink,
  listSessions,
  revokeSession,
  type SessionServiceDeps,
  sessionView,
} from '../../functions/domain/sessions/session-service';
import { verifySessionToken } from '../../functions/domain/sessions/session-verify';
import { aPerson, InMemorySessions, keysOf, membersOf } from '../support/session-memory';
import { aKeyRecord, aManualClock, NOW } from '../support/unit-factories';

const SECRET = Buffer.alloc(32, 0x42);
const HOUR_MS = 3_600_000;

const ADMIN_KEY_ID = 'key_AAAAAAAAAAAAAAAA';
const theOwner = aPerson({
  id: 'mem_owner',
  email: 'owner@acme.example',
  role: 'owner',
  accounts: '*',
  permissions: [],
});
/** The person callers below act as; their member item decides what they may do, not the caller. */
const CALLER_ID = 'mem_00000000000000c0';
const callerAs = (overrides: Partial<Member>) =>
  aPerson({ id: CALLER_ID, email: 'caller@acme.example', accounts: '*', permissions: [], ...overrides });

/** The live admin key the team's backend holds, answerable to the owner (as provisioning makes it). */
function anAdminKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return aKeyRecord({
    id: ADMIN_KEY_ID,
    permissions: ['admin'],
    accounts: '*',
    createdBy: theOwner.id,
    ownerMemberId: theOwner.id,
    ...overrides,
  });
}

function aKeyCaller(overrides: Partial<Caller> = {}, keyId = ADMIN_KEY_ID): Caller {
  return {
    actor: { kind: 'key', keyId, memberId: 'mem_owner' },
    keyId,
    organizationId: 'org_1',
    memberId: 'mem_owner',
    environment: 'live',
    permissions: ['admin'],
    accounts: '*',
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

function aPersonCaller(
  actor: Partial<MemberActor> & Pick<MemberActor, 'role'>,
  overrides: Partial<Caller> = {},
): Caller {
  return {
    actor: {
      kind: 'member',
      memberId: CALLER_ID,
      email: 'caller@acme.example',
      readOnly: false,
      // Signed in through the identity provider unless a test names its console session (sessionId),
      // with a token that outlasts the sessions asked for below unless a test says otherwise.
      ...(actor.sessionId
        ? { authMethod: 'session' }
        : { authMethod: 'oidc', credentialExpiresAt: new Date(NOW.getTime() + 24 * HOUR_MS).toISOString() }),
      ...actor,
    },
    organizationId: 'org_1',
    memberId: CALLER_ID,
    environment: 'live',
    permissions: ['admin'],
    accounts: '*',
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

function aService(people: Member[] = [aPerson()], keys: ApiKeyRecord[] = [anAdminKey()]) {
  const time = aManualClock(NOW);
  const sessions = new InMemorySessions();
  const members = membersOf([theOwner, ...people]);
  const deps: SessionServiceDeps & { members: typeof members } = {
    sessions,
    members,
    keys: keysOf(keys),
    sessionSecret: async () => SECRET,
    clock: time.clock,
  };
  const verify = (token: string) => verifySessionToken(deps, token, time.clock());
  return { deps, sessions, members, time, verify };
}

const ada = { email: 'ada@acme.example' };

describe('createSession', () => {
  it('lasts an hour unless told otherwise, and its link an hour at most', async () => {
    const { deps, sessions } = aService();

    const { session } = await createSession(deps, aKeyCaller(), { target: ada });

    expect(session.expiresAt).toBe(new Date(NOW.getTime() + HOUR_MS).toISOString());
    expect([...sessions.links.values()][0]?.expiresAt).toBe(session.expiresAt);
  });

  it('gives a 7-day session a link that still expires within the hour', async () => {
    const { deps, sessions } = aService();

    const { session } = await createSession(deps, aKeyCaller(), { target: ada, expiresInSeconds: 604_800 });

    expect(session.expiresAt).toBe(new Date(NOW.getTime() + 7 * 24 * HOUR_MS).toISOString());
    expect([...sessions.links.values()][0]?.expiresAt).toBe(new Date(NOW.getTime() + HOUR_MS).toISOString());
  });

  it('stores hashes only: neither the token nor the link is in the store', async () => {
    const { deps, sessions } = aService();

    const { token, linkToken } = await createSession(deps, aKeyCaller(), { target: ada });

    const stored = JSON.stringify([...sessions.sessions.values(), ...sessions.links.values()]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(linkToken);
    expect(stored).not.toContain(token.slice(36));
  });

  it('finds the member by email in any letter case, or by id', async () => {
    const { deps } = aService();

    const byEmail = await createSession(deps, aKeyCaller(), { target: { email: 'ADA@acme.example' } });
    const byId = await createSession(deps, aKeyCaller(), { target: { memberId: aPerson().id } });

    expect(byEmail.member.id).toBe(aPerson().id);
    expect(byId.member.email).toBe('ada@acme.example');
  });

  it('answers 404 naming an unknown email or member id', async () => {
    const { deps } = aService();

    await expect(createSession(deps, aKeyCaller(), { target: { email: 'nobody@acme.example' } })).rejects.toThrow(
      new NotFoundError('No member with email nobody@acme.example in this organization.'),
    );
    await expect(createSession(deps, aKeyCaller(), { target: { memberId: 'mem_missing' } })).rejects.toThrow(
      /mem_missing/,
    );
  });

  it("never finds another organization's member", async () => {
    const { deps } = aService([aPerson({ organizationId: 'org_2' })]);

    await expect(createSession(deps, aKeyCaller(), { target: ada })).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['a sandbox admin key', aKeyCaller({ environment: 'test' }), /live admin key/],
    ['an admin key limited to some sub-accounts', aKeyCaller({ accounts: ['acct_1'] }), /accounts '\*'/],
    ['a member', aPersonCaller({ role: 'member' }, { permissions: ['read'] }), /owners and admins/],
    ['a viewer', aPersonCaller({ role: 'viewer' }, { permissions: [] }), /owners and admins/],
    ['a read-only session of an owner', aPersonCaller({ role: 'owner', readOnly: true }), /read-only/],
  ])('refuses %s (403)', async (_case, caller, message) => {
    const { deps, sessions } = aService();

    const attempt = createSession(deps, caller, { target: ada });

    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt).rejects.toThrow(message);
    expect(sessions.sessions.size).toBe(0);
  });

  it('lets an owner sign in anyone, an owner included', async () => {
    const owner = aPerson({ id: 'mem_00000000000000b1', email: 'boss@acme.example', role: 'owner', accounts: '*' });
    const { deps } = aService([owner, callerAs({ role: 'owner' })]);

    const { member } = await createSession(deps, aPersonCaller({ role: 'owner' }), {
      target: { email: owner.email },
    });

    expect(member.role).toBe('owner');
  });

  it('refuses an admin a session for an owner', async () => {
    const owner = aPerson({ email: 'boss@acme.example', role: 'owner', accounts: '*' });
    const { deps } = aService([owner, callerAs({ role: 'admin' })]);

    await expect(
      createSession(deps, aPersonCaller({ role: 'admin' }), { target: { email: owner.email } }),
    ).rejects.toThrow(/Only an owner/);
  });

  it('refuses an admin a session for a member who sees more sub-accounts than the admin', async () => {
    const wide = aPerson({ accounts: ['acct_1', 'acct_2'] });
    const { deps } = aService([wide, callerAs({ role: 'admin', accounts: ['acct_1'] })]);
    const admin = aPersonCaller({ role: 'admin' }, { accounts: ['acct_1'] });

    await expect(createSession(deps, admin, { target: ada })).rejects.toBeInstanceOf(ExceedsOwnRightsError);
  });

  it('records who asked: the key id, or the person', async () => {
    const { deps } = aService([aPerson(), callerAs({ role: 'owner' })]);

    const byKey = await createSession(deps, aKeyCaller(), { target: ada });
    const byPerson = await createSession(deps, aPersonCaller({ role: 'owner' }), { target: ada });

    expect(byKey.session.createdBy).toBe('key_AAAAAAAAAAAAAAAA');
    expect(byPerson.session.createdBy).toBe('mem_00000000000000c0');
  });
});

describe('createSession and revokeSession by a key: bound by the person answerable for it', () => {
  const admin = aPerson({ id: 'mem_00000000000000d1', email: 'admin@acme.example', role: 'admin', accounts: '*' });
  const adminsKey = anAdminKey({ id: 'key_DDDDDDDDDDDDDDDD', createdBy: admin.id, ownerMemberId: admin.id });
  const asAdminsKey = aKeyCaller({ memberId: admin.id }, adminsKey.id);

  it("refuses an admin's key a session for an owner: an admin cannot become an owner by making a key first", async () => {
    const { deps, sessions } = aService([admin], [anAdminKey(), adminsKey]);

    const attempt = createSession(deps, asAdminsKey, { target: { email: theOwner.email } });

    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt).rejects.toThrow(/Only an owner may create a session for an owner .*admin@acme\.example/);
    expect(sessions.sessions.size).toBe(0);
  });

  it("refuses a key a session for a member beyond its person's sub-accounts", async () => {
    const narrowAdmin = { ...admin, accounts: ['acct_2'] };
    const { deps } = aService([aPerson(), narrowAdmin], [anAdminKey(), adminsKey]);

    await expect(createSession(deps, asAdminsKey, { target: ada })).rejects.toBeInstanceOf(ExceedsOwnRightsError);
  });

  it.each([
    ['is no longer a member', [], /no longer a member/],
    ['is now a member', [{ ...admin, role: 'member' as const }], /now a member/],
  ])('refuses a key whose person %s (403)', async (_case, people, message) => {
    const { deps } = aService([aPerson(), ...people], [anAdminKey(), adminsKey]);

    await expect(createSession(deps, asAdminsKey, { target: ada })).rejects.toThrow(message);
  });

  it("refuses an admin's key the revocation of an owner's session, and leaves it working", async () => {
    const { deps, verify } = aService([admin], [anAdminKey(), adminsKey]);
    const { token, session } = await createSession(deps, aKeyCaller(), { target: { email: theOwner.email } });

    await expect(revokeSession(deps, asAdminsKey, session.id)).rejects.toThrow(/Only an owner may revoke/);
    await expect(verify(token)).resolves.toBeDefined();
  });

  it("ends a session by the calling key's expiry, however long it was asked for", async () => {
    const keyExpiry = new Date(NOW.getTime() + 2 * HOUR_MS).toISOString();
    const { deps, sessions } = aService([aPerson()], [anAdminKey({ expiresAt: keyExpiry })]);

    const { session } = await createSession(deps, aKeyCaller(), { target: ada, expiresInSeconds: 604_800 });

    expect(session.expiresAt).toBe(keyExpiry);
    expect([...sessions.links.values()][0]?.expiresAt).toBe(new Date(NOW.getTime() + HOUR_MS).toISOString());
  });

  it("refuses a key with an IP allowlist: a session's token is bound to no address (403)", async () => {
    const { deps, sessions } = aService([aPerson()], [anAdminKey({ ipAllowlist: ['203.0.113.0/24'] })]);

    const attempt = createSession(deps, aKeyCaller(), { target: ada });

    await expect(attempt).rejects.toThrow(/IP allowlist/);
    expect(sessions.sessions.size).toBe(0);
  });

  it.each([
    ['revoked', { status: 'revoked' as const }],
    ['expired', { expiresAt: NOW.toISOString() }],
    ['gone', { id: 'key_GONEGONEGONEGONE' }],
  ])('refuses a key %s since the authorizer saw it (read afresh)', async (_case, change) => {
    const { deps } = aService([aPerson()], [anAdminKey(change)]);

    await expect(createSession(deps, aKeyCaller(), { target: ada })).rejects.toThrow(/no longer active/);
  });
});

describe("createSession by a person: their member item now, not the authorizer's second-old answer", () => {
  it('refuses an admin demoted to member a moment ago', async () => {
    const { deps } = aService([aPerson(), callerAs({ role: 'member', permissions: ['read'] })]);

    await expect(createSession(deps, aPersonCaller({ role: 'admin' }), { target: ada })).rejects.toThrow(
      /Only owners and admins/,
    );
  });

  it('refuses a person removed a moment ago', async () => {
    const { deps } = aService([aPerson()]);

    await expect(createSession(deps, aPersonCaller({ role: 'owner' }), { target: ada })).rejects.toThrow(
      /no longer a member/,
    );
  });
});

describe('createSession by a console session: never outlives the session that asks', () => {
  it("ends the new session by the caller's own session's end, however long it was asked for", async () => {
    const { deps } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const own = await createSession(deps, aKeyCaller(), { target: { memberId: CALLER_ID }, expiresInSeconds: 3600 });

    const { session } = await createSession(deps, aPersonCaller({ role: 'admin', sessionId: own.session.id }), {
      target: ada,
      expiresInSeconds: 604_800,
    });

    expect(session.expiresAt).toBe(own.session.expiresAt);
  });

  it('keeps the asked lifetime when it ends before the calling session', async () => {
    const { deps } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const own = await createSession(deps, aKeyCaller(), { target: { memberId: CALLER_ID }, expiresInSeconds: 86_400 });

    const { session } = await createSession(deps, aPersonCaller({ role: 'admin', sessionId: own.session.id }), {
      target: ada,
      expiresInSeconds: 3600,
    });

    expect(session.expiresAt).toBe(new Date(NOW.getTime() + HOUR_MS).toISOString());
  });

  it('refuses (403) when the calling session was revoked since the authorizer saw it, and writes nothing', async () => {
    const { deps, sessions } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const own = await createSession(deps, aKeyCaller(), { target: { memberId: CALLER_ID } });
    await revokeSession(deps, aKeyCaller(), own.session.id);

    const attempt = createSession(deps, aPersonCaller({ role: 'admin', sessionId: own.session.id }), { target: ada });

    await expect(attempt).rejects.toThrow(ForbiddenError);
    await expect(attempt).rejects.toThrow(/has ended/);
    expect(sessions.sessions.size).toBe(0);
  });

  it('refuses (403) when the calling session has expired since the authorizer saw it, and writes nothing', async () => {
    const { deps, sessions, time } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const own = await createSession(deps, aKeyCaller(), { target: { memberId: CALLER_ID }, expiresInSeconds: 3600 });
    time.advance(HOUR_MS);

    const attempt = createSession(deps, aPersonCaller({ role: 'admin', sessionId: own.session.id }), { target: ada });

    await expect(attempt).rejects.toThrow(ForbiddenError);
    await expect(attempt).rejects.toThrow(/has ended/);
    expect([...sessions.sessions.keys()]).toEqual([own.session.id]);
  });

  it('refuses (403) a calling session of another organization, and writes nothing', async () => {
    const { deps, sessions } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const own = await createSession(deps, aKeyCaller(), { target: { memberId: CALLER_ID } });
    sessions.sessions.set(own.session.id, { ...own.session, organizationId: 'org_2' });

    const attempt = createSession(deps, aPersonCaller({ role: 'admin', sessionId: own.session.id }), { target: ada });

    await expect(attempt).rejects.toThrow(ForbiddenError);
    await expect(attempt).rejects.toThrow(/has ended/);
    expect([...sessions.sessions.keys()]).toEqual([own.session.id]);
  });
});

describe('createSession by an OIDC sign-in: never outlives the token that asks', () => {
  it("ends the new session, and its link, by the token's exp, however long it was asked for", async () => {
    const { deps, sessions } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const tokenExpiresAt = new Date(NOW.getTime() + 300_000).toISOString();

    const { session } = await createSession(
      deps,
      aPersonCaller({ role: 'admin', authMethod: 'oidc', credentialExpiresAt: tokenExpiresAt }),
      { target: ada, expiresInSeconds: 604_800 },
    );

    expect(session.expiresAt).toBe(tokenExpiresAt);
    expect([...sessions.links.values()][0]?.expiresAt).toBe(tokenExpiresAt);
  });

  it('keeps the asked lifetime when it ends before the token', async () => {
    const { deps } = aService([aPerson(), callerAs({ role: 'admin' })]);

    const { session } = await createSession(deps, aPersonCaller({ role: 'admin', authMethod: 'oidc' }), {
      target: ada,
      expiresInSeconds: 3600,
    });

    expect(session.expiresAt).toBe(new Date(NOW.getTime() + HOUR_MS).toISOString());
  });

  it.each([
    ['unknown (no credentialExpiresAt)', undefined],
    ['already past', new Date(NOW.getTime() - 1000).toISOString()],
  ])('refuses (403) when the token expiry is %s, and writes nothing', async (_, credentialExpiresAt) => {
    const { deps, sessions } = aService([aPerson(), callerAs({ role: 'admin' })]);
    const caller = aPersonCaller({ role: 'admin', authMethod: 'oidc', credentialExpiresAt });

    const attempt = createSession(deps, caller, { target: ada });

    await expect(attempt).rejects.toThrow(ForbiddenError);
    await expect(attempt).rejects.toThrow(/OIDC token has expired, or its expiry is unknown/);
    expect(sessions.sessions.size).toBe(0);
  });
});

describe('listSessions', () => {
  it("pages: limit and the next page's cursor", async () => {
    const { deps, time } = aService();
    const first = await createSession(deps, aKeyCaller(), { target: ada });
    time.advance(1000);
    const second = await createSession(deps, aKeyCaller(), { target: ada });

    const page = await listSessions(deps, aKeyCaller(), { limit: 1 });
    const next = await listSessions(deps, aKeyCaller(), { limit: 1, cursor: page.nextCursor });

    expect(page.items.map((session) => session.id)).toEqual([second.session.id]);
    expect(next.items.map((session) => session.id)).toEqual([first.session.id]);
    expect(next.nextCursor).toBeUndefined();
  });
});

describe('verifySessionToken', () => {
  it("names the session's organization, member and rights", async () => {
    const { deps, verify } = aService();
    const { token, session } = await createSession(deps, aKeyCaller(), { target: ada, readOnly: true });

    await expect(verify(token)).resolves.toEqual({
      organizationId: 'org_1',
      memberId: aPerson().id,
      readOnly: true,
      sessionId: session.id,
      expiresAt: session.expiresAt,
    });
  });

  it('refuses a token of the right session with another secret part', async () => {
    const { deps, verify } = aService();
    const { token } = await createSession(deps, aKeyCaller(), { target: ada });
    const forged = `${token.slice(0, 36)}${token.slice(36).split('').reverse().join('')}`;

    await expect(verify(forged)).resolves.toBeUndefined();
  });

  it('refuses the token once the session expires (injected clock)', async () => {
    const { deps, verify, time } = aService();
    const { token } = await createSession(deps, aKeyCaller(), { target: ada });

    time.advance(HOUR_MS - 1);
    await expect(verify(token)).resolves.toBeDefined();
    time.advance(1);
    await expect(verify(token)).resolves.toBeUndefined();
  });

  it('refuses the tokens of a revoked session', async () => {
    const { deps, verify } = aService();
    const { token, session, linkToken } = await createSession(deps, aKeyCaller(), { target: ada });
    const browser = await exchangeLink(deps, linkToken);

    await revokeSession(deps, aKeyCaller(), session.id);

    await expect(verify(token)).resolves.toBeUndefined();
    await expect(verify(browser.token)).resolves.toBeUndefined();
  });

  it('answers undefined for garbage without reading the store', async () => {
    const { deps } = aService();
    const get = jest.fn(deps.sessions.get.bind(deps.sessions));

    await expect(verifySessionToken({ ...deps, sessions: { get } }, 'cs_not-a-token', NOW)).resolves.toBeUndefined();
    expect(get).not.toHaveBeenCalled();
  });
});

describe('exchangeLink', () => {
  it('gives the browser a new token of the session, and marks the member joined', async () => {
    const { deps, verify, members } = aService();
    const { token, linkToken, session } = await createSession(deps, aKeyCaller(), { target: ada });

    const exchanged = await exchangeLink(deps, linkToken);

    expect(exchanged.token).not.toBe(token);
    expect(exchanged.session.id).toBe(session.id);
    await expect(verify(exchanged.token)).resolves.toMatchObject({ sessionId: session.id });
    await expect(verify(token)).resolves.toMatchObject({ sessionId: session.id });
    expect(members.joined).toEqual([`org_1/${aPerson().id}`]);
  });

  it('works once: the second use is link_used_or_expired', async () => {
    const { deps } = aService();
    const { linkToken } = await createSession(deps, aKeyCaller(), { target: ada });
    await exchangeLink(deps, linkToken);

    await expect(exchangeLink(deps, linkToken)).rejects.toBeInstanceOf(LinkUsedOrExpiredError);
  });

  it('refuses a link an hour old (injected clock)', async () => {
    const { deps, time } = aService();
    const { linkToken } = await createSession(deps, aKeyCaller(), { target: ada, expiresInSeconds: 86_400 });

    time.advance(HOUR_MS);

    await expect(exchangeLink(deps, linkToken)).rejects.toBeInstanceOf(LinkUsedOrExpiredError);
  });

  it('refuses a malformed link with the same answer, and never echoes it', async () => {
    const { deps } = aService();

    const attempt = exchangeLink(deps, 'csl_secret-looking-thing');

    await expect(attempt).rejects.toBeInstanceOf(LinkUsedOrExpiredError);
    await expect(attempt).rejects.not.toThrow(/secret-looking/);
  });

  it('signs the member in even when marking them joined fails, and says so', async () => {
    const { deps } = aService();
    const { linkToken } = await createSession(deps, aKeyCaller(), { target: ada });
    const failures: unknown[] = [];

    const exchanged = await exchangeLink(
      {
        ...deps,
        members: { markJoined: () => Promise.reject(new Error('throttled')) },
        onJoinFailure: (error) => failures.push(error),
      },
      linkToken,
    );

    expect(exchanged.token).toMatch(/^cs_/);
    expect(failures).toHaveLength(1);
  });
});

describe('revokeSession and listSessions', () => {
  it("answers 404 for another organization's session and leaves it working", async () => {
    const otherOwner = aPerson({ id: 'mem_owner2', organizationId: 'org_2', role: 'owner', accounts: '*' });
    const otherKey = anAdminKey({ id: 'key_BBBBBBBBBBBBBBBB', organizationId: 'org_2', ownerMemberId: otherOwner.id });
    const { deps, verify } = aService([aPerson(), otherOwner], [anAdminKey(), otherKey]);
    const { token, session } = await createSession(deps, aKeyCaller(), { target: ada });

    const otherCaller = aKeyCaller({ organizationId: 'org_2' }, otherKey.id);
    await expect(revokeSession(deps, otherCaller, session.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(verify(token)).resolves.toBeDefined();
  });

  it("refuses an admin the revocation of an owner's session, and lets an owner do it", async () => {
    const owner = aPerson({ email: 'boss@acme.example', role: 'owner', accounts: '*' });
    const admin = callerAs({ role: 'admin' });
    const otherOwner = callerAs({ id: 'mem_00000000000000c1', role: 'owner' });
    const { deps, verify } = aService([owner, admin, otherOwner]);
    const { token, session } = await createSession(deps, aKeyCaller(), { target: { email: owner.email } });

    await expect(revokeSession(deps, aPersonCaller({ role: 'admin' }), session.id)).rejects.toThrow(/Only an owner/);
    await expect(verify(token)).resolves.toBeDefined();
    await revokeSession(deps, aPersonCaller({ role: 'owner', memberId: otherOwner.id }), session.id);
    await expect(verify(token)).resolves.toBeUndefined();
  });

  it('lists active sessions newest first, without hashes', async () => {
    const { deps, time } = aService();
    const first = await createSession(deps, aKeyCaller(), { target: ada });
    time.advance(1000);
    const second = await createSession(deps, aKeyCaller(), { target: ada, expiresInSeconds: 7200 });
    time.advance(HOUR_MS);

    const listed = (await listSessions(deps, aKeyCaller(), { limit: 20 })).items.map(sessionView);

    expect(listed.map((view) => view.id)).toEqual([second.session.id]);
    expect(JSON.stringify(listed)).not.toMatch(/[0-9a-f]{64}/);
    expect(first.session.id).not.toBe(second.session.id);
  });
});
