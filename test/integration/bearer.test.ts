import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('Authorization: Bearer with the authorizer cache off', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ authorizerCacheTtlSeconds: 0 });
  });
  afterAll(() => platform.close());

  it('accepts the key as a bearer token and calls the authorizer on every request', async () => {
    const { key } = await platform.createKey({ permissions: ['read'] });
    const before = platform.gateway.stats.authorizerCalls;

    const first = await platform.live(key, { keyHeader: 'bearer' }).get('/v1/whoami');
    const second = await platform.live(key, { keyHeader: 'bearer' }).get('/v1/whoami');

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(platform.gateway.stats.authorizerCalls - before).toBe(2);
    expect(platform.gateway.stats.authorizerCacheHits).toBe(0);
  });

  it('rejects other schemes and a missing key with 401', async () => {
    const { key } = await platform.createKey();
    expect(
      (await platform.live(undefined, { headers: { authorization: `Basic ${key}` } }).get('/v1/whoami')).status,
    ).toBe(401);
    expect((await platform.live().get('/v1/whoami')).status).toBe(401);
  });
});
