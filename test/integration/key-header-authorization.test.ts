import { startTestPlatform, type TestPlatform } from '../support/platform';

const whoami = async (platform: TestPlatform, headers: Record<string, string | string[]>) =>
  platform.live(undefined, { headers }).get('/v1/whoami');
/** A team's route, behind the key authorizer and its cache (management routes have their own, uncached). */
const contacts = async (platform: TestPlatform, headers: Record<string, string>) =>
  platform.live(undefined, { headers }).get(`/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`);

describe('key header mode authorization (Bearer, cached by the gateway)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ apiKeyHeader: 'authorization' });
  });
  afterAll(() => platform.close());

  it('takes the key as a Bearer token and answers the second call from the gateway cache', async () => {
    const bearer = { authorization: `Bearer ${platform.bootstrap.adminKey}` };
    const callsBefore = platform.gateway.stats.authorizerCalls;

    const first = await contacts(platform, bearer);
    const second = await contacts(platform, bearer);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(platform.gateway.stats.authorizerCalls - callsBefore).toBe(1);
  });

  it('takes no x-api-key alone and no other scheme', async () => {
    const key = platform.bootstrap.adminKey;
    expect((await whoami(platform, { 'x-api-key': key })).status).toBe(401);
    expect((await whoami(platform, { authorization: `Basic ${key}` })).status).toBe(401);
  });
});
