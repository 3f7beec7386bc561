import { startTestPlatform, type TestPlatform } from '../support/platform';

const whoami = async (platform: TestPlatform, headers: Record<string, string | string[]>) =>
  platform.live(undefined, { headers }).get('/v1/whoami');
/** A team's route, behind the key authorizer (management routes have their own). */
const contacts = async (platform: TestPlatform, headers: Record<string, string>) =>
  platform.live(undefined, { headers }).get(`/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`);

describe('key header mode either (no gateway cache, at most 1 s in the authorizer)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ apiKeyHeader: 'either' });
  });
  afterAll(() => platform.close());

  it('takes the key in either header and calls the authorizer on every request', async () => {
    const { key } = await platform.createKey({ permissions: ['read'] });
    const callsBefore = platform.gateway.stats.authorizerCalls;

    const asHeader = await contacts(platform, { 'x-api-key': key });
    const asBearer = await contacts(platform, { authorization: `Bearer ${key}` });

    expect([asHeader.status, asBearer.status]).toEqual([200, 200]);
    expect(platform.gateway.stats.authorizerCalls - callsBefore).toBe(2);
    expect(platform.gateway.stats.authorizerCacheHits).toBe(0);
  });

  it('stops a revoked key once its 1 s record cache lapses (polled for up to 2 s)', async () => {
    const { id, key } = await platform.createKey({ permissions: ['read'] });
    expect((await whoami(platform, { 'x-api-key': key })).status).toBe(200);

    await platform.admin.post(`/v1/keys/${id}/revoke`);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 2000) {
      status = (await whoami(platform, { authorization: `Bearer ${key}` })).status;
    }

    expect(status).toBe(401);
  });
});
