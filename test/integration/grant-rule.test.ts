/** Issue 9, findings 1 and 2: a key never grants more than it holds, and a sandbox key never touches a live one. */
import { startTestPlatform, type TestPlatform } from '../support/platform';

const HOUR_MS = 3600_000;

describe('the grant rule over HTTP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  describe('a sandbox admin key', () => {
    it('cannot create a live key', async () => {
      const response = await platform.sandboxAdmin.post('/v1/keys', {
        name: 'escalate',
        environment: 'live',
        permissions: ['admin'],
      });

      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('exceeds_own_rights');
      expect(response.body.error.fields[0].field).toBe('environment');
    });

    it('neither lists, reads, revokes nor rotates live keys', async () => {
      const live = await platform.createKey({ name: 'live target' });
      const ownerKeyId = (await platform.admin.get('/v1/whoami')).body.keyId as string;

      const list = await platform.sandboxAdmin.get('/v1/keys?limit=100');
      const read = await platform.sandboxAdmin.get(`/v1/keys/${live.id}`);
      const revoke = await platform.sandboxAdmin.post(`/v1/keys/${live.id}/revoke`);
      const rotate = await platform.sandboxAdmin.post(`/v1/keys/${ownerKeyId}/rotate`);

      expect(list.status).toBe(200);
      expect(list.body.items.map((key: { environment: string }) => key.environment)).not.toContain('live');
      expect([read.status, revoke.status, rotate.status]).toEqual([404, 404, 404]);
      expect(rotate.text).not.toContain('sk_live_');
      expect((await platform.admin.get('/v1/whoami')).status).toBe(200);
      expect((await platform.live(live.key).get('/v1/whoami')).status).toBe(200);
    });
  });

  describe('a restricted admin key', () => {
    const account = () => platform.bootstrap.accountIds[0] as string;
    const restrictedAdmin = async (settings: Record<string, unknown>) => {
      const made = await platform.createKey({ name: 'restricted admin', permissions: ['admin'], ...settings });
      return { ...made, api: platform.live(made.key) };
    };

    it('scoped to one sub-account can neither mint nor become an all-accounts key', async () => {
      const admin = await restrictedAdmin({ accounts: [account()] });

      const mint = await admin.api.post('/v1/keys', { name: 'wide', permissions: ['read'], accounts: '*' });
      const widen = await admin.api.patch(`/v1/keys/${admin.id}`, { accounts: '*' });
      const inherited = await admin.api.post('/v1/keys', { name: 'narrow', permissions: ['read'] });

      expect([mint.status, widen.status]).toEqual([403, 403]);
      expect(inherited.status).toBe(201);
      expect(inherited.body.accounts).toEqual([account()]);
    });

    it('that expires in an hour mints no key that lives longer, and cannot clear its own expiry', async () => {
      const expiresAt = new Date(Date.now() + HOUR_MS).toISOString();
      const admin = await restrictedAdmin({ expiresAt });

      const forever = await admin.api.post('/v1/keys', { name: 'forever', permissions: ['read'], expiresAt: null });
      const later = await admin.api.post('/v1/keys', {
        name: 'later',
        permissions: ['read'],
        expiresAt: new Date(Date.now() + 2 * HOUR_MS).toISOString(),
      });
      const clear = await admin.api.patch(`/v1/keys/${admin.id}`, { expiresAt: null });
      const defaulted = await admin.api.post('/v1/keys', { name: 'bounded', permissions: ['read'] });

      expect(forever.status).toBe(400);
      expect([later.status, clear.status]).toEqual([403, 403]);
      expect(defaulted.status).toBe(201);
      expect(Date.parse(defaulted.body.expiresAt)).toBe(Date.parse(expiresAt));
    });

    it('with an IP allowlist mints no key without one, nor one reaching other addresses', async () => {
      const admin = await restrictedAdmin({ ipAllowlist: ['127.0.0.0/8'] });

      const open = await admin.api.post('/v1/keys', { name: 'open', permissions: ['read'], ipAllowlist: [] });
      const elsewhere = await admin.api.post('/v1/keys', {
        name: 'elsewhere',
        permissions: ['read'],
        ipAllowlist: ['203.0.113.0/24'],
      });
      const inside = await admin.api.post('/v1/keys', {
        name: 'inside',
        permissions: ['read'],
        ipAllowlist: ['127.0.0.2'],
      });

      expect([open.status, elsewhere.status, inside.status]).toEqual([403, 403, 201]);
    });

    it('limited to 5 calls a minute mints no unlimited or faster key', async () => {
      const admin = await restrictedAdmin({ rateLimitPerMinute: 5 });

      const unlimited = await admin.api.post('/v1/keys', { name: 'unlimited', permissions: ['read'] });
      const faster = await admin.api.post('/v1/keys', { name: 'faster', permissions: ['read'], rateLimitPerMinute: 6 });

      expect(unlimited.status).toBe(201);
      expect(unlimited.body.rateLimitPerMinute).toBe(5);
      expect(faster.status).toBe(403);
      expect(faster.body.error.fields).toEqual([
        { field: 'rateLimitPerMinute', message: expect.stringContaining('at most') },
      ]);
    });

    it('neither activates a wider key that was switched off nor stops one', async () => {
      const wide = await platform.createKey({ name: 'wide admin', permissions: ['admin'] });
      await platform.admin.post(`/v1/keys/${wide.id}/deactivate`);
      const admin = await restrictedAdmin({ accounts: [account()], rateLimitPerMinute: 5 });
      const ownerKeyId = (await platform.admin.get('/v1/whoami')).body.keyId as string;

      const activate = await admin.api.post(`/v1/keys/${wide.id}/activate`);
      const deactivateOwner = await admin.api.post(`/v1/keys/${ownerKeyId}/deactivate`);
      const deleteOwner = await admin.api.delete(`/v1/keys/${ownerKeyId}`);

      expect([activate.status, deactivateOwner.status, deleteOwner.status]).toEqual([403, 403, 403]);
      expect((await platform.live(wide.key).get('/v1/whoami')).status).toBe(401);
      expect((await platform.admin.get('/v1/whoami')).status).toBe(200);
    });

    it('limited to one sub-account reads and subscribes to nothing that spans the organization', async () => {
      const admin = await restrictedAdmin({ accounts: [account()] });
      const own = await admin.api.post('/v1/keys', { name: 'own', permissions: ['read'] });

      const refused = await Promise.all([
        admin.api.post('/v1/webhooks', { url: 'https://example.com/hooks', events: ['contact.created'] }),
        admin.api.get('/v1/webhooks'),
        admin.api.get('/v1/audit-log'),
        admin.api.get('/v1/usage'),
        admin.api.get('/v1/notifications'),
        admin.api.get(`/v1/keys/${(await platform.admin.get('/v1/whoami')).body.keyId}/calls`),
      ]);
      const ownCalls = await admin.api.get(`/v1/keys/${own.body.id}/calls`);

      expect(refused.map((response) => response.status)).toEqual([403, 403, 403, 403, 403, 403]);
      expect(refused[0]?.body.error.message).toContain("accounts '*'");
      expect(ownCalls.status).toBe(200);
    });

    it('with read and write mints no admin or delete key', async () => {
      const { key } = await platform.createKey({ permissions: ['admin'], name: 'admin for the test' });
      const writer = await platform.live(key).post('/v1/keys', { name: 'writer', permissions: ['read', 'write'] });
      expect(writer.status).toBe(201);

      // A read-write key cannot call key management at all: the authorizer's policy stops it first.
      const mint = await platform.live(writer.body.key).post('/v1/keys', { name: 'x', permissions: ['delete'] });

      expect(mint.status).toBe(403);
      expect(mint.body.error.code).toBe('insufficient_permissions');
    });
  });

  it('will not bring a rotated key back to life by clearing its expiry', async () => {
    const old = await platform.createKey({ name: 'to rotate' });
    const rotated = await platform.admin.post(`/v1/keys/${old.id}/rotate`, { gracePeriodSeconds: 0 });
    expect(rotated.status).toBe(201);

    const revive = await platform.admin.patch(`/v1/keys/${old.id}`, { expiresAt: null });

    expect(revive.status).toBe(409);
    expect((await platform.live(old.key).get('/v1/whoami')).status).toBe(401);
  });
});
