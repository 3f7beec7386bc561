/** One platform per file: handler modules read their endpoints once per process, as Lambda does. */
import { startTestPlatform, type TestPlatform } from '../support/platform';

const whoami = async (platform: TestPlatform, headers: Record<string, string | string[]>) =>
  platform.live(undefined, { headers }).get('/v1/whoami');

describe('key header mode x-api-key (the default, cached by the gateway)', () => {
  let platform: TestPlatform;
  let other: Awaited<ReturnType<TestPlatform['createOrganization']>>;
  beforeAll(async () => {
    platform = await startTestPlatform();
    other = await platform.createOrganization();
  });
  afterAll(() => platform.close());

  it('refuses two x-api-key headers, and the first key alone is still answered as its own organization', async () => {
    const ownKey = platform.bootstrap.adminKey;
    const otherKey = other.adminKeys.live as string;

    const both = await whoami(platform, { 'x-api-key': [ownKey, otherKey] });
    const own = await whoami(platform, { 'x-api-key': ownKey });

    expect(both.status).toBe(401);
    expect(own.status).toBe(200);
    expect(own.body.organizationId).toBe(platform.bootstrap.organizationId);
  });

  it('refuses a repeated header on a management route, whose authorizer no cache answers for', async () => {
    const key = platform.bootstrap.adminKey;
    expect((await whoami(platform, { 'x-api-key': key })).status).toBe(200);
    const callsBefore = platform.gateway.stats.managementAuthorizerCalls;

    const junkFirst = await whoami(platform, { 'x-api-key': ['junk', key] });
    const junkLast = await whoami(platform, { 'x-api-key': [key, 'junk'] });

    expect([junkFirst.status, junkLast.status]).toEqual([401, 401]);
    expect(junkFirst.body.error.code).toBe('unauthorized');
    expect(platform.gateway.stats.managementAuthorizerCalls - callsBefore).toBe(2);
    // The junk value did not become an alias of the key.
    expect((await whoami(platform, { 'x-api-key': 'junk' })).status).toBe(401);
  });

  it('refuses x-api-key plus a different Bearer key, and takes the same key in both', async () => {
    const key = platform.bootstrap.adminKey;
    const otherKey = other.adminKeys.live as string;

    const different = await whoami(platform, { 'x-api-key': key, authorization: `Bearer ${otherKey}` });
    const same = await whoami(platform, { 'x-api-key': key, authorization: `Bearer ${key}` });

    expect(different.status).toBe(401);
    expect(same.status).toBe(200);
  });

  it('takes no Bearer key alone', async () => {
    const bearerOnly = await whoami(platform, { authorization: `Bearer ${platform.bootstrap.adminKey}` });
    expect(bearerOnly.status).toBe(401);
  });
});
