/**
 * Console sessions over HTTP on the local stack: the team's backend (the live admin key) asks for a
 * session for a member, the link signs a browser in once, and a revoke ends the session.
 */
import { logger } from '../../functions/runtime/logger';
import { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('console sessions', () => {
  let platform: TestPlatform;
  let ownerEmail: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    ownerEmail = platform.bootstrap.ownerEmail;
  });
  afterAll(() => platform.close());

  const anonymous = () => apiAs(platform.bootstrap.liveUrl);
  const linkOf = (url: string) => url.slice(url.indexOf('#') + 1);

  it('answers 201 with a one-time link to the console, a token and the expiry', async () => {
    const response = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });

    expect(response.status).toBe(201);
    expect(response.body.url).toMatch(
      new RegExp(
        `^${platform.bootstrap.liveUrl.replace('localhost', '(localhost|127\\.0\\.0\\.1)')}/console/sign-in#csl_`,
      ),
    );
    expect(response.body.token).toMatch(/^cs_[0-9a-f]{32}_/);
    expect(Date.parse(response.body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    expect(response.body.member).toMatchObject({ email: ownerEmail, role: 'owner' });
  });

  it('exchanges the link once; the second use is 401 link_used_or_expired', async () => {
    const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail, readOnly: true });
    const link = linkOf(created.body.url);

    const first = await anonymous().post('/v1/console-sessions/exchange', { link });
    const second = await anonymous().post('/v1/console-sessions/exchange', { link });

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sessionId: created.body.id, expiresAt: created.body.expiresAt, readOnly: true });
    expect(first.body.token).not.toBe(created.body.token);
    expect(second.status).toBe(401);
    expect(second.body.error.code).toBe('link_used_or_expired');
  });

  it('refuses a lifetime outside 1 hour to 7 days, naming the field', async () => {
    for (const expiresInSeconds of [3599, 604_801]) {
      const response = await platform.admin.post('/v1/console-sessions', { email: ownerEmail, expiresInSeconds });

      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([
        { field: 'expiresInSeconds', message: expect.stringMatching(/3600/) },
      ]);
    }
  });

  it('answers 404 naming an unknown member', async () => {
    const response = await platform.admin.post('/v1/console-sessions', { email: 'nobody@demo.example' });

    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('nobody@demo.example');
  });

  it('refuses sandbox admin keys: people span both environments (403)', async () => {
    const response = await platform.sandboxAdmin.post('/v1/console-sessions', { email: ownerEmail });

    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/live admin key/);
  });

  it('lists active sessions without tokens, revokes one (204), and its link then fails', async () => {
    const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });

    const listed = await platform.admin.get('/v1/console-sessions');
    const revoked = await platform.admin.delete(`/v1/console-sessions/${created.body.id}`);
    const again = await platform.admin.delete(`/v1/console-sessions/${created.body.id}`);
    const exchange = await anonymous().post('/v1/console-sessions/exchange', { link: linkOf(created.body.url) });

    expect(listed.body.items.map((session: { id: string }) => session.id)).toContain(created.body.id);
    expect(listed.text).not.toContain(created.body.token);
    expect(revoked.status).toBe(204);
    expect(again.status).toBe(404);
    expect(exchange.status).toBe(401);
  });

  it('records creation and revocation in the audit log, never the token or the link', async () => {
    const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });
    await platform.admin.delete(`/v1/console-sessions/${created.body.id}`);

    const audit = await platform.admin.get('/v1/audit-log?limit=20');

    const actions = audit.body.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['console_session.created', 'console_session.revoked']));
    expect(audit.text).not.toContain(created.body.token.slice(36));
    expect(audit.text).not.toContain(linkOf(created.body.url).slice(4));
  });

  it('refuses a malformed exchange body with 400, without echoing it', async () => {
    const response = await anonymous().post('/v1/console-sessions/exchange', { link: 'csl_x', extra: 'cs_secret' });

    expect(response.status).toBe(400);
    expect(response.text).not.toContain('cs_secret');
  });

  it('never hands a token or a link to the logger, on success or refusal', async () => {
    const levels = ['debug', 'info', 'warn', 'error', 'critical'] as const;
    const spies = levels.map((level) => jest.spyOn(logger, level));
    try {
      const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });
      const link = linkOf(created.body.url);
      const exchanged = await anonymous().post('/v1/console-sessions/exchange', { link });
      await anonymous().post('/v1/console-sessions/exchange', { link });
      await anonymous().post('/v1/console-sessions/exchange', { link: `${link}x` });
      await platform.admin.post('/v1/console-sessions', { email: ownerEmail, expiresInSeconds: 1, readOnly: link });
      await platform.admin.delete(`/v1/console-sessions/${created.body.id}`);

      const logged = JSON.stringify(spies.flatMap((spy) => spy.mock.calls));
      // The exchange logs its outcome, so the spies do see the handlers' logger.
      expect(logged).toContain('Console link exchanged');
      for (const secret of [created.body.token, exchanged.body.token, link]) {
        expect(logged).not.toContain(secret.slice(-43));
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('writes a sign-in link for the demo owner into the bootstrap', async () => {
    const exchange = await anonymous().post('/v1/console-sessions/exchange', {
      link: linkOf(platform.bootstrap.consoleUrl),
    });

    expect(exchange.status).toBe(200);
    expect(Date.parse(exchange.body.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(exchange.body.readOnly).toBe(false);
  });

  // Through the management authorizer: session tokens are Bearer credentials on the management routes.
  it("lets the session's token reach GET /v1/keys as the member", async () => {
    const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });
    const exchanged = await anonymous().post('/v1/console-sessions/exchange', { link: linkOf(created.body.url) });

    for (const token of [created.body.token, exchanged.body.token]) {
      const keys = await platform.live(token, { keyHeader: 'bearer' }).get('/v1/keys');
      expect(keys.status).toBe(200);
    }
  });

  it('lets an owner hand out a session with their own, and a read-only session none (403)', async () => {
    const owner = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });
    const readOnly = await platform.admin.post('/v1/console-sessions', { email: ownerEmail, readOnly: true });
    const asOwner = platform.live(owner.body.token, { keyHeader: 'bearer' });
    const asReader = platform.live(readOnly.body.token, { keyHeader: 'bearer' });

    const byOwner = await asOwner.post('/v1/console-sessions', { email: ownerEmail });
    const byReader = await asReader.post('/v1/console-sessions', { email: ownerEmail });

    expect(byOwner.status).toBe(201);
    const listed = await platform.admin.get('/v1/console-sessions');
    const entry = listed.body.items.find((session: { id: string }) => session.id === byOwner.body.id);
    expect(entry.createdBy).toBe(owner.body.member.id);
    expect(byReader.status).toBe(403);
  });

  it('ends a session made by a session no later than the session that made it', async () => {
    const hourLong = await platform.admin.post('/v1/console-sessions', { email: ownerEmail, expiresInSeconds: 3600 });
    const asOwner = platform.live(hourLong.body.token, { keyHeader: 'bearer' });

    const weekAsked = await asOwner.post('/v1/console-sessions', { email: ownerEmail, expiresInSeconds: 604_800 });

    expect(weekAsked.status).toBe(201);
    expect(weekAsked.body.expiresAt).toBe(hourLong.body.expiresAt);
  });

  it("refuses an admin's own admin key a session for the owner (403): a key never lends more than its person holds", async () => {
    const invited = await platform.admin.post('/v1/members', { email: 'eve.admin@demo.example', role: 'admin' });
    const opened = await platform.admin.post('/v1/console-sessions', { memberId: invited.body.id });
    const asAdmin = platform.live(opened.body.token, { keyHeader: 'bearer' });
    const adminsKey = await asAdmin.post('/v1/keys', { name: 'Eve’s backend', permissions: ['admin'] });
    expect(adminsKey.status).toBe(201);

    const forOwner = await platform.live(adminsKey.body.key).post('/v1/console-sessions', { email: ownerEmail });
    const forSelf = await platform
      .live(adminsKey.body.key)
      .post('/v1/console-sessions', { email: 'eve.admin@demo.example' });

    expect(forOwner.status).toBe(403);
    expect(forOwner.body.error.message).toMatch(/Only an owner/);
    expect(forSelf.status).toBe(201);
  });

  it('ends a session by the asking key’s expiry, and refuses a key with an IP allowlist (403)', async () => {
    const inTwoHours = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const shortKey = await platform.admin.post('/v1/keys', {
      name: 'short',
      permissions: ['admin'],
      expiresAt: inTwoHours,
    });
    const pinnedKey = await platform.admin.post('/v1/keys', {
      name: 'pinned',
      permissions: ['admin'],
      ipAllowlist: ['127.0.0.0/8'],
    });

    const short = await platform
      .live(shortKey.body.key)
      .post('/v1/console-sessions', { email: ownerEmail, expiresInSeconds: 604_800 });
    const pinned = await platform.live(pinnedKey.body.key).post('/v1/console-sessions', { email: ownerEmail });

    expect(short.status).toBe(201);
    expect(short.body.expiresAt).toBe(shortKey.body.expiresAt);
    expect(pinned.status).toBe(403);
    expect(pinned.body.error.message).toMatch(/IP allowlist/);
  });

  it('pages the list with limit and cursor', async () => {
    for (let i = 0; i < 3; i++) await platform.admin.post('/v1/console-sessions', { email: ownerEmail });

    const first = await platform.admin.get('/v1/console-sessions?limit=2');
    const second = await platform.admin.get(`/v1/console-sessions?limit=2&cursor=${first.body.nextCursor}`);

    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    expect(second.status).toBe(200);
    expect(second.body.items.map((session: { id: string }) => session.id)).not.toContain(first.body.items[0].id);
  });

  it('names email and memberId when neither is sent (400)', async () => {
    const response = await platform.admin.post('/v1/console-sessions', {});

    expect(response.status).toBe(400);
    expect(response.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['email', 'memberId']);
  });

  it('lets every person sign out, viewers and read-only sessions included: the session stops within 1 s', async () => {
    const viewer = await platform.admin.post('/v1/members', { email: 'viewer-signs-out@demo.example', role: 'viewer' });
    expect(viewer.status).toBe(201);
    const sessions = await Promise.all([
      platform.admin.post('/v1/console-sessions', { memberId: viewer.body.id }),
      platform.admin.post('/v1/console-sessions', { email: ownerEmail, readOnly: true }),
    ]);
    const callers = sessions.map((created) => platform.live(created.body.token, { keyHeader: 'bearer' }));

    const answers = await Promise.all(callers.map((caller) => caller.post('/v1/console-sessions/sign-out')));
    const endedAt = Date.now();

    expect(answers.map((answer) => answer.status)).toEqual([204, 204]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endedAt + 1000 - Date.now())));
    for (const caller of callers) expect((await caller.get('/v1/keys')).status).toBe(401);
    const audit = await platform.admin.get('/v1/audit-log');
    const ended = audit.body.items.filter((entry: { action: string }) => entry.action === 'console_session.ended');
    expect(ended.map((entry: { details?: { sessionId?: string } }) => entry.details?.sessionId).sort()).toEqual(
      sessions.map((created) => created.body.id).sort(),
    );
  });

  it('answers a key that asks to sign out with 400 naming the authorization', async () => {
    const answer = await platform.admin.post('/v1/console-sessions/sign-out');

    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual([expect.objectContaining({ field: 'authorization' })]);
  });

  it('stops a revoked session within 1 s', async () => {
    const created = await platform.admin.post('/v1/console-sessions', { email: ownerEmail });
    const asSession = platform.live(created.body.token, { keyHeader: 'bearer' });
    expect((await asSession.get('/v1/keys')).status).toBe(200);

    await platform.admin.delete(`/v1/console-sessions/${created.body.id}`);
    const revokedAt = Date.now();

    // The management authorizer keeps a session lookup at most 1 s per instance: any call that
    // starts a second after the revoke is refused, however slow the machine.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, revokedAt + 1000 - Date.now())));
    expect((await asSession.get('/v1/keys')).status).toBe(401);
  });
});
