/**
 * Members over HTTP with the demo's live admin key: invite with one sub-account, list, change role,
 * the last owner stays, sandbox keys manage no people, bad input names its field.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('members API', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it('invites a member with one sub-account, lists them, changes their role and removes them', async () => {
    const account = platform.bootstrap.accountIds[0] as string;

    const invited = await platform.admin.post('/v1/members', {
      email: 'Ada@Example.com',
      role: 'member',
      accounts: [account],
      permissions: ['read'],
    });

    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      email: 'ada@example.com',
      role: 'member',
      accounts: [account],
      permissions: ['read'],
      status: 'invited',
      joinedAt: null,
    });
    const id = invited.body.id as string;
    const inbox = (await (await fetch(`${platform.bootstrap.emailInboxUrl}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
    };
    const invitation = inbox.emails.find((email) => email.destination.to.includes('ada@example.com'));
    expect(invitation?.subject).toMatch(/^You were invited to /);
    expect(invitation?.body.text).toContain(`Sign in to the console: ${platform.bootstrap.liveUrl}/console`);
    expect(invitation?.body.text).not.toMatch(/cs_|csl_|sk_live_/);
    const listed = await platform.admin.get('/v1/members');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((member: { email: string }) => member.email)).toEqual(
      expect.arrayContaining(['ada@example.com', platform.bootstrap.ownerEmail?.toLowerCase() ?? expect.any(String)]),
    );
    expect(listed.body.items[0].role).toBe('owner');

    const promoted = await platform.admin.patch(`/v1/members/${id}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'admin', accounts: [account], permissions: [] });
    expect((await platform.admin.get(`/v1/members/${id}`)).body.role).toBe('admin');

    expect((await platform.admin.post('/v1/members', { email: 'ada@example.com', accounts: '*' })).status).toBe(409);

    expect((await platform.admin.delete(`/v1/members/${id}`)).status).toBe(204);
    expect((await platform.admin.get(`/v1/members/${id}`)).status).toBe(404);
    const audit = (await platform.admin.get('/v1/audit-log?limit=20')).body.items.map(
      (entry: { action: string }) => entry.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['member.invited', 'member.updated', 'member.removed']));
  });

  it('refuses an admin key the removal of an owner (403), who stays; the last owner is the next test', async () => {
    const owner = (await platform.admin.get('/v1/members')).body.items.find(
      (member: { role: string }) => member.role === 'owner',
    );

    const removal = await platform.admin.delete(`/v1/members/${owner.id}`);

    // An admin key may not touch the owner role at all; an owner could not remove the last one either.
    expect(removal.status).toBe(403);
    expect(removal.body.error.message).toMatch(/owner/);
    expect((await platform.admin.get(`/v1/members/${owner.id}`)).status).toBe(200);
  });

  describe('as people signed in with a console session', () => {
    const sessionOf = async (email: string) => {
      const created = await platform.admin.post('/v1/console-sessions', { email });
      expect(created.status).toBe(201);
      return platform.live(created.body.token, { keyHeader: 'bearer' });
    };

    it('the last owner cannot remove or demote themselves (409 last_owner); a second owner, made by the owner, can go', async () => {
      const owner = await sessionOf(platform.bootstrap.ownerEmail);
      const ownerId = (await owner.get('/v1/members')).body.items.find(
        (member: { role: string }) => member.role === 'owner',
      ).id;

      const removal = await owner.delete(`/v1/members/${ownerId}`);
      const demotion = await owner.patch(`/v1/members/${ownerId}`, { role: 'admin' });

      expect(removal.status).toBe(409);
      expect(removal.body.error.code).toBe('last_owner');
      expect(removal.body.error.message).toMatch(/at least one owner/);
      expect(demotion.status).toBe(409);
      const second = await owner.post('/v1/members', { email: 'second-owner@example.com', role: 'owner' });
      expect(second.status).toBe(201);
      expect((await owner.delete(`/v1/members/${second.body.id}`)).status).toBe(204);
    });

    it('an admin invites admins, members and viewers but never an owner; one limited to some sub-accounts manages nobody', async () => {
      const [mine] = platform.bootstrap.accountIds as [string];
      await platform.admin.post('/v1/members', { email: 'all-admin@example.com', role: 'admin' });
      await platform.admin.post('/v1/members', { email: 'eu-admin@example.com', role: 'admin', accounts: [mine] });
      const admin = await sessionOf('all-admin@example.com');
      const limited = await sessionOf('eu-admin@example.com');

      const member = await admin.post('/v1/members', { email: 'eu-dev@example.com', accounts: [mine] });
      const owner = await admin.post('/v1/members', { email: 'boss@example.com', role: 'owner' });
      // Member routes span the organization (wholeOrganization), like the audit log: all sub-accounts or none.
      const byLimited = await limited.post('/v1/members', { email: 'eu-dev2@example.com', accounts: [mine] });

      expect(member.status).toBe(201);
      expect(member.body.invitedBy).toMatch(/^mem_/);
      expect(owner.status).toBe(403);
      expect(owner.body.error.message).toMatch(/Only an owner/);
      expect(byLimited.status).toBe(403);
    });

    it("records a person's member changes in the live audit log, whichever stage they came through", async () => {
      const created = await platform.admin.post('/v1/console-sessions', { email: platform.bootstrap.ownerEmail });
      const ownerOnSandbox = platform.sandbox(created.body.token, { keyHeader: 'bearer' });

      const invited = await ownerOnSandbox.post('/v1/members', { email: 'from-sandbox@example.com', role: 'viewer' });

      expect(invited.status).toBe(201);
      const entryOf = async (client: typeof platform.admin) =>
        (await client.get('/v1/audit-log?limit=50')).body.items.find(
          (entry: { action: string; details?: { memberId?: string } }) =>
            entry.action === 'member.invited' && entry.details?.memberId === invited.body.id,
        );
      expect(await entryOf(platform.admin)).toMatchObject({ environment: 'live', outcome: 'succeeded' });
      expect(await entryOf(platform.sandboxAdmin)).toBeUndefined();
    });

    it('a viewer lists members but changes nobody', async () => {
      await platform.admin.post('/v1/members', { email: 'viewer@example.com', role: 'viewer' });
      const viewer = await sessionOf('viewer@example.com');

      expect((await viewer.get('/v1/members')).status).toBe(200);
      expect((await viewer.post('/v1/members', { email: 'x@example.com', role: 'viewer' })).status).toBe(403);
    });
  });

  it('refuses sandbox admin keys: people span live and sandbox', async () => {
    const listing = await platform.sandboxAdmin.get('/v1/members');
    const invite = await platform.sandboxAdmin.post('/v1/members', { email: 'x@example.com', role: 'viewer' });

    expect(listing.status).toBe(403);
    expect(invite.status).toBe(403);
    expect(invite.body.error.message).toMatch(/live admin key/);
  });

  it('answers bad input with 400 naming the field', async () => {
    const account = platform.bootstrap.accountIds[0] as string;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: 'not-an-email', accounts: '*' }, /email/],
      [{ email: 'b@example.com', role: 'boss' }, /role/],
      [{ email: 'b@example.com', role: 'member' }, /accounts/],
      [{ email: 'b@example.com', accounts: ['acct_nope'] }, /accounts/],
      [{ email: 'b@example.com', accounts: [account], permissions: ['admin'] }, /permissions/],
      [{ email: 'b@example.com', accounts: [account], permissions: ['nonsense:fly'] }, /permissions/],
      [{ email: 'b@example.com', accounts: '*', createdBy: 'me' }, /createdBy/],
    ];
    for (const [body, field] of cases) {
      const response = await platform.admin.post('/v1/members', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.error.message).toMatch(field);
    }
    expect((await platform.admin.patch('/v1/members/mem_nobody', {})).status).toBe(400);
    expect((await platform.admin.get('/v1/members/not-a-member')).status).toBe(400);
  });
});
