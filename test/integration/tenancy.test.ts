import type { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('tenant isolation', () => {
  let platform: TestPlatform;
  let other: ReturnType<typeof apiAs>;
  let otherAccount: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    const created = await platform.createOrganization();
    other = created.admin;
    otherAccount = created.organization.accounts[0]?.id as string;
  });
  afterAll(() => platform.close());

  it("cannot see, change or use another organization's keys", async () => {
    const victim = await platform.createKey({ name: 'victim' });

    expect((await other.get(`/v1/keys/${victim.id}`)).status).toBe(404);
    expect((await other.patch(`/v1/keys/${victim.id}`, { name: 'pwned' })).status).toBe(404);
    for (const action of ['deactivate', 'activate', 'revoke', 'rotate']) {
      expect((await other.post(`/v1/keys/${victim.id}/${action}`, {})).status).toBe(404);
    }
    expect((await other.delete(`/v1/keys/${victim.id}`)).status).toBe(404);
    const listed = (await other.get('/v1/keys?limit=100')).body.items.map((key: { id: string }) => key.id);
    expect(listed).not.toContain(victim.id);
    expect((await platform.admin.get(`/v1/keys/${victim.id}`)).body).toMatchObject({
      name: 'victim',
      status: 'active',
    });
  });

  it("cannot page into another organization's keys or audit log with a crafted cursor", async () => {
    await platform.createKey();
    await platform.createKey();
    const cursor = (await platform.admin.get('/v1/keys?limit=1')).body.nextCursor;
    expect((await other.get(`/v1/keys?cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
    const auditCursor = (await platform.admin.get('/v1/audit-log?limit=1')).body.nextCursor;
    expect((await other.get(`/v1/audit-log?cursor=${encodeURIComponent(auditCursor)}`)).status).toBe(400);
    // Cursors are sealed: a start key written by hand, in the victim's partition, is no cursor at all.
    const organizationId = platform.bootstrap.organizationId;
    const crafted = Buffer.from(JSON.stringify({ pk: `ORG#${organizationId}#AUDIT`, sk: '9' })).toString('base64url');
    expect((await other.get(`/v1/audit-log?cursor=${crafted}`)).status).toBe(400);
    expect((await platform.admin.get(`/v1/audit-log?cursor=${crafted}`)).status).toBe(400);
  });

  it("does not show another organization's audit entries", async () => {
    const entries = (await other.get('/v1/audit-log?limit=100')).body.items;
    expect(
      entries.every((entry: { organizationId: string }) => entry.organizationId !== platform.bootstrap.organizationId),
    ).toBe(true);
  });

  it("cannot act on another organization's sub-accounts, and sees only its own data", async () => {
    const mine = platform.bootstrap.accountIds[0] as string;
    await platform.admin.post(`/v1/contacts?account_id=${mine}`, { name: 'Private Person' });

    expect((await other.get(`/v1/contacts?account_id=${mine}`)).status).toBe(403);
    expect((await platform.admin.get(`/v1/contacts?account_id=${otherAccount}`)).status).toBe(403);
    expect((await other.get(`/v1/contacts?account_id=${otherAccount}`)).body.items).toEqual([]);
  });

  it('cannot give a key a sub-account of another organization', async () => {
    const response = await other.post('/v1/keys', {
      name: 'x',
      permissions: ['read'],
      accounts: [platform.bootstrap.accountIds[0]],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields[0].field).toBe('accounts');
  });
});
