import { checksumOf } from '../../functions/domain/keys/key-token';
import { call } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('authorizer through the local gateway', () => {
  let platform: TestPlatform;
  let account: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    account = platform.bootstrap.accountIds[0] as string;
  });
  afterAll(() => platform.close());

  const expect401 = (response: { status: number; body: any }) => {
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
    expect(response.body.error.message).toContain('x-api-key');
  };

  describe('401', () => {
    it('without a key', async () => {
      expect401(await platform.live().get(`/v1/contacts?account_id=${account}`));
    });

    it('for a malformed key and for a wrong checksum, without reading the table', async () => {
      const { key } = await platform.createKey();
      // The checksum of another body: the key's last body character changed (never to itself).
      const otherLast = key.at(-7) === 'x' ? 'y' : 'x';
      const wrongChecksum = key.slice(0, -6) + checksumOf(`${key.slice(0, -7)}${otherLast}`);
      const callsBefore = platform.gateway.stats.authorizerCalls;
      expect401(await platform.live('sk_live_garbage').get(`/v1/contacts?account_id=${account}`));
      expect401(await platform.live(wrongChecksum).get(`/v1/contacts?account_id=${account}`));
      expect(platform.gateway.stats.authorizerCalls).toBe(callsBefore + 2);
    });

    it('for an unknown key with a valid checksum', async () => {
      const body = `sk_live_${'A'.repeat(40)}`;
      expect401(await platform.live(body + checksumOf(body)).get('/v1/whoami'));
    });

    it('for a live key on the sandbox stage and a test key on the live stage', async () => {
      const live = await platform.createKey();
      const test = await platform.createKey({}, platform.sandboxAdmin);
      expect401(await platform.sandbox(live.key).get('/v1/whoami'));
      expect401(await platform.live(test.key).get('/v1/whoami'));
      expect((await platform.sandbox(test.key).get('/v1/whoami')).status).toBe(200);
    });

    it('for an inactive, a revoked and an expired key', async () => {
      const inactive = await platform.createKey();
      const revoked = await platform.createKey();
      const expired = await platform.createKey();
      await platform.admin.post(`/v1/keys/${inactive.id}/deactivate`);
      await platform.admin.post(`/v1/keys/${revoked.id}/revoke`);
      await platform.admin.post(`/v1/keys/${expired.id}/rotate`, { gracePeriodSeconds: 0 });
      for (const key of [inactive, revoked, expired]) expect401(await platform.live(key.key).get('/v1/whoami'));
    });

    it('for a key sent only as Authorization: Bearer while the cache keys on x-api-key', async () => {
      const { key } = await platform.createKey();
      expect401(await platform.live(key, { keyHeader: 'bearer' }).get('/v1/whoami'));
    });
  });

  describe('403', () => {
    it('for a route the permissions do not grant, with a message that says so', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      const response = await platform.live(key).post(`/v1/contacts?account_id=${account}`, { name: 'Ada' });
      expect(response.status).toBe(403);
      expect(response.body.error).toEqual({
        code: 'insufficient_permissions',
        message: expect.stringContaining('permissions: read'),
      });
    });

    it('for management routes without admin', async () => {
      const { key } = await platform.createKey({ permissions: ['read', 'write', 'delete', 'enrich', 'search'] });
      for (const [method, path] of [
        ['GET', '/v1/keys'],
        ['POST', '/v1/keys'],
        ['POST', '/v1/keys/key_0000000000000000/revoke'],
        ['GET', '/v1/audit-log'],
      ] as const) {
        expect((await call(method, `${platform.bootstrap.liveUrl}${path}`, { key, body: {} })).status).toBe(403);
      }
    });

    it('for a sub-account outside the key scope', async () => {
      const { key } = await platform.createKey({ permissions: ['read'], accounts: [account] });
      const other = platform.bootstrap.accountIds[1];
      const response = await platform.live(key).get(`/v1/contacts?account_id=${other}`);
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain(other);
      expect((await platform.live(key).get(`/v1/contacts?account_id=${account}`)).status).toBe(200);
    });

    it('for an account of another organization, even with accounts *', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      expect((await platform.live(key).get('/v1/contacts?account_id=acct_someoneelse')).status).toBe(403);
    });

    it('for a source IP outside the allowlist, and 200 from inside it', async () => {
      const { key } = await platform.createKey({ permissions: ['read'], ipAllowlist: ['127.0.0.2', '10.0.0.0/8'] });
      const outside = await platform.live(key, { localAddress: '127.0.0.1' }).get('/v1/whoami');
      expect(outside.status).toBe(403);
      expect(outside.body.error).toEqual({
        code: 'ip_not_allowed',
        message: "Requests from 127.0.0.1 are not on this key's IP allowlist.",
      });
      expect((await platform.live(key, { localAddress: '127.0.0.2' }).get('/v1/whoami')).status).toBe(200);
    });
  });

  describe('400 and 404', () => {
    it('asks for account_id on product routes', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      const response = await platform.live(key).get('/v1/contacts');
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([
        { field: 'account_id', message: 'is a required query parameter: the sub-account to act on' },
      ]);
    });

    it('answers an unknown route or stage with a JSON 404', async () => {
      const response = await platform.admin.get('/v1/nothing-here');
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      expect((await call('GET', platform.bootstrap.liveUrl.replace('/live', '/prod/v1/whoami'))).status).toBe(404);
    });
  });

  describe('200', () => {
    it('with x-api-key on a route the key may call', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      expect((await platform.live(key).get(`/v1/contacts?account_id=${account}`)).status).toBe(200);
    });

    it('with a scope instead of a preset', async () => {
      const { key } = await platform.createKey({ permissions: ['contacts:write'] });
      const response = await platform.live(key).post(`/v1/contacts?account_id=${account}`, { name: 'Grace' });
      expect(response.status).toBe(201);
      expect((await platform.live(key).get(`/v1/contacts?account_id=${account}`)).status).toBe(403);
    });
  });

  describe('cache', () => {
    it('reuses one authorizer answer across routes, and the policy still tells them apart', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      const before = { ...platform.gateway.stats };

      expect((await platform.live(key).get(`/v1/contacts?account_id=${account}`)).status).toBe(200);
      expect((await platform.live(key).get(`/v1/tables?account_id=${account}`)).status).toBe(200);
      expect((await platform.live(key).post(`/v1/tables?account_id=${account}`, { name: 't' })).status).toBe(403);
      expect((await platform.live(key).delete(`/v1/contacts/c1?account_id=${account}`)).status).toBe(403);

      expect(platform.gateway.stats.authorizerCalls - before.authorizerCalls).toBe(1);
      expect(platform.gateway.stats.authorizerCacheHits - before.authorizerCacheHits).toBe(3);
    });

    it('keys on the source IP too', async () => {
      const { key } = await platform.createKey({ permissions: ['read'] });
      const before = platform.gateway.stats.authorizerCalls;
      await platform.live(key, { localAddress: '127.0.0.1' }).get(`/v1/contacts?account_id=${account}`);
      await platform.live(key, { localAddress: '127.0.0.3' }).get(`/v1/contacts?account_id=${account}`);
      expect(platform.gateway.stats.authorizerCalls - before).toBe(2);
    });
  });

  describe('immediate effect', () => {
    it.each(['deactivate', 'revoke'])('a cached key stops within 1 s of %s', async (action) => {
      const { id, key } = await platform.createKey({ permissions: ['read'] });
      const cached = `/v1/contacts?account_id=${account}`;
      for (let index = 0; index < 3; index++) expect((await platform.live(key).get(cached)).status).toBe(200);

      expect((await platform.admin.post(`/v1/keys/${id}/${action}`)).status).toBe(200);
      const stoppedAt = Date.now();

      // Any call that starts a second after the change is refused, however slow the machine: the
      // gateway's cache is flushed and the authorizer keeps a key record at most a second.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 1000 - Date.now())));
      expect((await platform.live(key).get(cached)).status).toBe(401);
    });

    it('a narrowed key loses its routes at once', async () => {
      const { id, key } = await platform.createKey({ permissions: ['read', 'write'] });
      expect((await platform.live(key).post(`/v1/tables?account_id=${account}`, { name: 'a' })).status).toBe(201);
      await platform.admin.patch(`/v1/keys/${id}`, { permissions: ['read'] });
      expect((await platform.live(key).post(`/v1/tables?account_id=${account}`, { name: 'b' })).status).toBe(403);
    });
  });
});
