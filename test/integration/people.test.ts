/**
 * A person on the record, over HTTP on the local stack: an admin invites a member with one
 * sub-account, the team's backend opens a console session for them, and the session makes keys
 * within that sub-account only; the key and the audit log name the person.
 */
import { FUNCTIONS } from '../../functions/definition/functions';
import type { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

interface AuditItem {
  action: string;
  outcome: string;
  targetKeyId?: string;
  actor?: Record<string, unknown>;
}

/** Sessions reach the management routes through the management authorizer: these run once it is declared. */
const describeWithManagementAuthorizer = 'management-authorizer' in FUNCTIONS ? describe : describe.skip;

describeWithManagementAuthorizer('people on the record', () => {
  let platform: TestPlatform;
  let member: { id: string; email: string };
  let session: ReturnType<typeof apiAs>;
  let sessionId: string;
  let ownAccount: string;
  let otherAccount: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    [ownAccount, otherAccount] = platform.bootstrap.accountIds as [string, string];
    const invited = await platform.admin.post('/v1/members', {
      email: 'ana@demo.example',
      role: 'member',
      accounts: [ownAccount],
      permissions: ['read'],
    });
    expect(invited.status).toBe(201);
    member = invited.body;
    const opened = await platform.admin.post('/v1/console-sessions', { memberId: member.id });
    expect(opened.status).toBe(201);
    sessionId = opened.body.id;
    session = platform.live(opened.body.token, { keyHeader: 'bearer' });
  });
  afterAll(() => platform.close());

  const auditLog = async () => (await platform.admin.get('/v1/audit-log?limit=50')).body.items as AuditItem[];

  it('lets the member create a key within their sub-account, named after them', async () => {
    const created = await session.post('/v1/keys', { name: 'Ana’s export', permissions: ['read'] });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      accounts: [ownAccount],
      createdBy: member.id,
      createdByEmail: 'ana@demo.example',
    });
    const log = (await auditLog()).filter((entry) => entry.targetKeyId === created.body.id);
    expect(log).toEqual([
      expect.objectContaining({
        action: 'key.create',
        outcome: 'succeeded',
        actor: { type: 'member', memberId: member.id, email: 'ana@demo.example', authMethod: 'session', sessionId },
      }),
    ]);
  });

  it('refuses the member a key beyond their sub-account or permissions with 403', async () => {
    const wider = await session.post('/v1/keys', { name: 'x', permissions: ['read'], accounts: [otherAccount] });
    const stronger = await session.post('/v1/keys', { name: 'x', permissions: ['write'] });

    expect([wider.status, stronger.status]).toEqual([403, 403]);
  });

  it('shows the member only their own keys', async () => {
    const theirs = await platform.createKey({ name: 'not Ana’s' });

    const listed = await session.get('/v1/keys?limit=100');
    const fetched = await session.get(`/v1/keys/${theirs.id}`);
    const calls = await session.get(`/v1/keys/${theirs.id}/calls`);
    const revoked = await session.post(`/v1/keys/${theirs.id}/revoke`);

    expect(listed.status).toBe(200);
    expect((listed.body.items as { createdBy: string }[]).every((key) => key.createdBy === member.id)).toBe(true);
    expect([fetched.status, calls.status, revoked.status]).toEqual([404, 404, 404]);
    expect((await platform.admin.get(`/v1/keys/${theirs.id}`)).body.status).toBe('active');
  });

  it('shows an admin limited to one sub-account only keys within it, and names creators by email', async () => {
    const invited = await platform.admin.post('/v1/members', {
      email: 'lia@demo.example',
      role: 'admin',
      accounts: [ownAccount],
    });
    const opened = await platform.admin.post('/v1/console-sessions', { memberId: invited.body.id });
    const limitedAdmin = platform.live(opened.body.token, { keyHeader: 'bearer' });
    const anas = await session.post('/v1/keys', { name: 'Ana’s second', permissions: ['read'] });
    const beyond = await platform.createKey({ name: 'other sub-account', accounts: [otherAccount] });

    const listed = await limitedAdmin.get('/v1/keys?limit=100');
    const fetched = await limitedAdmin.get(`/v1/keys/${beyond.id}`);
    const shown = await limitedAdmin.get(`/v1/keys/${anas.body.id}`);

    expect(listed.status).toBe(200);
    const ids = (listed.body.items as { id: string }[]).map((key) => key.id);
    expect(ids).toContain(anas.body.id);
    expect(ids).not.toContain(beyond.id);
    expect(fetched.status).toBe(404);
    expect(shown.body).toMatchObject({ createdBy: member.id, createdByEmail: 'ana@demo.example' });
  });

  it('records an admin key viewing a key as api_key.viewed', async () => {
    const key = await platform.createKey({ name: 'viewed' });
    const adminKeyId = (await platform.admin.get('/v1/whoami')).body.keyId;

    expect((await platform.admin.get(`/v1/keys/${key.id}`)).status).toBe(200);

    const [viewed] = (await auditLog()).filter(
      (entry) => entry.action === 'api_key.viewed' && entry.targetKeyId === key.id,
    );
    expect(viewed).toMatchObject({ outcome: 'succeeded', actor: { type: 'key', keyId: adminKeyId } });
  });

  it('describes the person in whoami', async () => {
    const answer = await session.get('/v1/whoami');

    expect(answer.body).toMatchObject({
      type: 'member',
      memberId: member.id,
      email: 'ana@demo.example',
      role: 'member',
      readOnly: false,
      accounts: [ownAccount],
    });
  });
});
