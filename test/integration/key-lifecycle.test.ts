import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('key management API', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  describe('POST /v1/keys', () => {
    it('returns 201 with the key once, and stores only what lists may show', async () => {
      const response = await platform.admin.post('/v1/keys', {
        name: 'Billing export',
        permissions: ['read', 'contacts:write'],
        accounts: [platform.bootstrap.accountIds[0]],
        ipAllowlist: ['10.0.0.0/8'],
        rateLimitPerMinute: 30,
        expiresAt: '2099-01-01T00:00:00Z',
      });

      expect(response.status).toBe(201);
      expect(response.headers.location).toBe(`/v1/keys/${response.body.id}`);
      expect(response.body).toMatchObject({
        name: 'Billing export',
        environment: 'live',
        status: 'active',
        permissions: ['read', 'contacts:write'],
        accounts: [platform.bootstrap.accountIds[0]],
        ipAllowlist: ['10.0.0.0/8'],
        rateLimitPerMinute: 30,
        expiresAt: '2099-01-01T00:00:00.000Z',
        last8: response.body.key.slice(-8),
        ageDays: 0,
      });
      expect(response.body.key).toMatch(/^sk_live_[0-9A-Za-z]{46}$/);
      // Made by a key: the key that acted, and no person's email.
      expect(response.body.createdBy).toBe((await platform.admin.get('/v1/whoami')).body.keyId);
      expect(response.body).not.toHaveProperty('createdByEmail');
      expect(Date.parse(response.body.rotationDueAt) - Date.parse(response.body.createdAt)).toBe(182 * 86_400_000);

      const fetched = await platform.admin.get(`/v1/keys/${response.body.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.text).not.toContain(response.body.key);
      expect(fetched.body).not.toHaveProperty('key');
      expect(fetched.body).not.toHaveProperty('secretHash');
    });

    it('creates sandbox keys on the sandbox stage by default', async () => {
      const response = await platform.sandboxAdmin.post('/v1/keys', { name: 'ci', permissions: ['read'] });
      expect(response.status).toBe(201);
      expect(response.body.key).toMatch(/^sk_test_/);
      expect(response.body.environment).toBe('test');
    });

    it.each([
      [{ permissions: ['read'] }, 'name'],
      [{ name: 'x', permissions: [] }, 'permissions'],
      [{ name: 'x', permissions: ['read', 'contcts:read'] }, 'permissions[1]'],
      [{ name: 'x', permissions: ['read'], accounts: ['acct_nope'] }, 'accounts'],
      [{ name: 'x', permissions: ['read'], ipAllowlist: ['999.1.1.1'] }, 'ipAllowlist[0]'],
      [{ name: 'x', permissions: ['read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', permissions: ['read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', permissions: ['read'], rateLimitPerMinute: 0 }, 'rateLimitPerMinute'],
      [{ name: 'x', permissions: ['read'], environment: 'prod' }, 'environment'],
      [{ name: 'x', permissions: ['read'], key: 'sk_live_mine' }, 'key'],
      [{ name: 'x', permissions: ['read'], createdBy: 'mem_someone_else' }, 'createdBy'],
    ])('rejects %j with 400 naming %s', async (body, field) => {
      const response = await platform.admin.post('/v1/keys', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      expect(response.body.error.fields.map((issue: { field: string }) => issue.field)).toContain(field);
      expect(response.body.error.message).toContain(field);
    });

    it('rejects a body that is not JSON with 400', async () => {
      const response = await platform.admin.post('/v1/keys', undefined, { rawBody: '{"name":' });
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    });

    it('writes nothing when the input is invalid', async () => {
      const before = await listAll(platform);
      await platform.admin.post('/v1/keys', { name: 'half', permissions: ['read'], accounts: ['acct_nope'] });
      expect(await listAll(platform)).toHaveLength(before.length);
    });
  });

  describe('GET /v1/keys', () => {
    it('pages through every key with cursor and limit, newest first', async () => {
      for (let index = 0; index < 5; index++) await platform.createKey({ name: `page ${index}` });
      const all = await listAll(platform);
      const firstPage = await platform.admin.get('/v1/keys?limit=2');

      expect(firstPage.body.items).toHaveLength(2);
      expect(firstPage.body.nextCursor).toEqual(expect.any(String));
      expect(all.map((key) => key.id)).toEqual([...new Set(all.map((key) => key.id))]);
      const created = all.map((key) => key.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      expect(all.every((key) => !('key' in key))).toBe(true);
    });

    it.each(['limit=0', 'limit=101', 'limit=abc', 'cursor=not-a-cursor'])('rejects ?%s with 400', async (query) => {
      const response = await platform.admin.get(`/v1/keys?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.fields[0].field).toBe(query.split('=')[0]);
    });
  });

  describe('PATCH /v1/keys/{id}', () => {
    it('changes settings but never the key value', async () => {
      const { id, key } = await platform.createKey({ name: 'before', permissions: ['read'] });
      const response = await platform.admin.patch(`/v1/keys/${id}`, {
        name: 'after',
        permissions: ['read', 'write'],
        ipAllowlist: null,
        expiresAt: '2098-05-05T00:00:00Z',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: 'after',
        permissions: ['read', 'write'],
        expiresAt: '2098-05-05T00:00:00.000Z',
      });
      expect(response.body.last8).toBe(key.slice(-8));
      expect((await platform.live(key).get('/v1/whoami')).body.permissions).toEqual(['read', 'write']);
    });

    it('rejects an empty patch and unknown fields with 400', async () => {
      const { id } = await platform.createKey();
      expect((await platform.admin.patch(`/v1/keys/${id}`, {})).status).toBe(400);
      const unknown = await platform.admin.patch(`/v1/keys/${id}`, { environment: 'test' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.fields[0].field).toBe('environment');
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      expect((await platform.admin.patch('/v1/keys/nope', { name: 'x' })).status).toBe(400);
      const missing = await platform.admin.patch('/v1/keys/key_0000000000000000', { name: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
    });
  });

  describe('status changes', () => {
    it('deactivates reversibly', async () => {
      const { id, key } = await platform.createKey();
      const deactivated = await platform.admin.post(`/v1/keys/${id}/deactivate`);
      expect(deactivated.body.status).toBe('inactive');
      expect((await platform.live(key).get('/v1/whoami')).status).toBe(401);

      const activated = await platform.admin.post(`/v1/keys/${id}/activate`);
      expect(activated.body.status).toBe('active');
      expect((await platform.live(key).get('/v1/whoami')).status).toBe(200);
    });

    it('revokes permanently and keeps the key listed', async () => {
      const { id, key } = await platform.createKey();
      expect((await platform.admin.post(`/v1/keys/${id}/revoke`)).body.status).toBe('revoked');

      expect((await platform.live(key).get('/v1/whoami')).status).toBe(401);
      const reactivate = await platform.admin.post(`/v1/keys/${id}/activate`);
      expect(reactivate.status).toBe(409);
      expect(reactivate.body.error.message).toContain('revoked');
      expect((await platform.admin.patch(`/v1/keys/${id}`, { name: 'x' })).status).toBe(409);
      expect((await listAll(platform)).find((listed) => listed.id === id)?.status).toBe('revoked');
    });
  });

  describe('DELETE /v1/keys/{id}', () => {
    it('removes the key and keeps its audit trail', async () => {
      const { id, key } = await platform.createKey({ name: 'doomed' });
      const response = await platform.admin.delete(`/v1/keys/${id}`);

      expect(response.status).toBe(204);
      expect((await platform.admin.get(`/v1/keys/${id}`)).status).toBe(404);
      expect((await platform.live(key).get('/v1/whoami')).status).toBe(401);
      const trail = (await platform.admin.get('/v1/audit-log?limit=100')).body.items.filter(
        (entry: { targetKeyId?: string }) => entry.targetKeyId === id,
      );
      // The look after the delete (404) is on the record too, as a failed api_key.viewed.
      expect(trail.map((entry: { action: string }) => entry.action)).toEqual([
        'api_key.viewed',
        'key.delete',
        'key.create',
      ]);
    });
  });

  describe('POST /v1/keys/{id}/rotate', () => {
    it('with no grace period stops the old key at once and copies its settings', async () => {
      const old = await platform.createKey({
        name: 'rotating',
        permissions: ['read', 'search'],
        rateLimitPerMinute: 10,
      });
      const response = await platform.admin.post(`/v1/keys/${old.id}/rotate`, {});

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name: 'rotating',
        permissions: ['read', 'search'],
        rateLimitPerMinute: 10,
        rotatedFromKeyId: old.id,
        status: 'active',
      });
      expect(response.body.key).not.toBe(old.key);
      expect(response.body.previousKey).toMatchObject({
        id: old.id,
        status: 'expired',
        rotatedToKeyId: response.body.id,
      });
      expect((await platform.live(old.key).get('/v1/whoami')).status).toBe(401);
      expect((await platform.live(response.body.key).get('/v1/whoami')).status).toBe(200);
    });

    it('with a grace period keeps the old key working until it ends', async () => {
      const old = await platform.createKey();
      const before = Date.now();
      const response = await platform.admin.post(`/v1/keys/${old.id}/rotate`, { gracePeriodSeconds: 3600 });

      expect(response.status).toBe(201);
      expect(Date.parse(response.body.previousKey.expiresAt) - before).toBeGreaterThanOrEqual(3_599_000);
      expect((await platform.live(old.key).get('/v1/whoami')).status).toBe(200);
      expect((await platform.live(response.body.key).get('/v1/whoami')).status).toBe(200);
      const again = await platform.admin.post(`/v1/keys/${old.id}/rotate`, {});
      expect(again.status).toBe(409);
    });

    it.each([
      { gracePeriodSeconds: -1 },
      { gracePeriodSeconds: 1.5 },
      { gracePeriodSeconds: 'soon' },
      { grace: 5 },
    ])('rejects %j with 400', async (body) => {
      const { id } = await platform.createKey();
      expect((await platform.admin.post(`/v1/keys/${id}/rotate`, body)).status).toBe(400);
    });
  });

  describe('GET /v1/whoami', () => {
    it('describes the calling key, whatever its permissions', async () => {
      const { id, key } = await platform.createKey({
        permissions: ['search'],
        accounts: [platform.bootstrap.accountIds[1]],
      });
      const response = await platform.live(key).get('/v1/whoami');
      expect(response.body).toEqual({
        keyId: id,
        organizationId: platform.bootstrap.organizationId,
        // The person answerable for it: the owner behind the admin key that made it.
        memberId: (await platform.admin.get('/v1/whoami')).body.memberId,
        environment: 'live',
        permissions: ['search'],
        accounts: [platform.bootstrap.accountIds[1]],
        organization: {
          id: platform.bootstrap.organizationId,
          name: expect.any(String),
          locale: 'en',
          accounts: [{ id: platform.bootstrap.accountIds[1], name: expect.any(String) }],
        },
      });
      expect(response.body.memberId).toMatch(/^mem_/);
    });
  });

  describe('GET /v1/audit-log', () => {
    it('records who did what to which key, from where, failures included', async () => {
      const { id } = await platform.createKey({ name: 'audited' });
      await platform.admin.post(`/v1/keys/${id}/revoke`);
      await platform.admin.post(`/v1/keys/${id}/activate`); // fails: revocation is permanent

      const entries = (await platform.admin.get('/v1/audit-log?limit=3')).body.items;
      expect(entries.map((entry: { action: string; outcome: string }) => [entry.action, entry.outcome])).toEqual([
        ['key.status', 'failed'],
        ['key.status', 'succeeded'],
        ['key.create', 'succeeded'],
      ]);
      expect(entries[0]).toMatchObject({
        targetKeyId: id,
        actorKeyId: expect.stringMatching(/^key_/),
        actorMemberId: expect.stringMatching(/^mem_/),
        sourceIp: '127.0.0.1',
        errorCode: 'conflict',
        details: { change: 'activate' },
      });
      expect(JSON.stringify(entries)).not.toMatch(/sk_(live|test)_/);
    });
  });
});

async function listAll(platform: TestPlatform) {
  const keys: Record<string, any>[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
    const page = await platform.admin.get(`/v1/keys${query}`);
    keys.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return keys;
}
