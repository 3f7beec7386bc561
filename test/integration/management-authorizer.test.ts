/**
 * The management authorizer over HTTP on the local stack: management routes take admin keys as
 * before and console session tokens as the person's role allows; the team's routes stay with the
 * key authorizer. (A revoked session stopping within 1 s: console-sessions.test.ts.)
 */
import { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('management authorizer through the local gateway', () => {
  let platform: TestPlatform;
  let account: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    account = platform.bootstrap.accountIds[0] as string;
  });
  afterAll(() => platform.close());

  const asBearer = (token: string) => platform.live(token, { keyHeader: 'bearer' });
  const sessionFor = async (body: Record<string, unknown> = {}) => {
    const created = await platform.admin.post('/v1/console-sessions', {
      email: platform.bootstrap.ownerEmail,
      ...body,
    });
    if (created.status !== 201) throw new Error(`creating a session failed: ${created.status} ${created.text}`);
    return created.body as { id: string; token: string };
  };

  it('takes an admin key on management routes (every call) and on the team’s routes (cached)', async () => {
    const before = { ...platform.gateway.stats };

    const keys = await platform.admin.get('/v1/keys');
    const again = await platform.admin.get('/v1/whoami');
    const product = await platform.admin.get(`/v1/contacts?account_id=${account}`);

    expect([keys.status, again.status, product.status]).toEqual([200, 200, 200]);
    expect(again.body).toMatchObject({ keyId: expect.stringMatching(/^key_/) });
    expect(platform.gateway.stats.managementAuthorizerCalls - before.managementAuthorizerCalls).toBe(2);
    expect(platform.gateway.stats.authorizerCalls - before.authorizerCalls).toBeLessThanOrEqual(1);
  });

  it('lets a console session token reach GET /v1/keys as the member, but not the team’s routes', async () => {
    const { token } = await sessionFor();

    const keys = await asBearer(token).get('/v1/keys');
    const product = await asBearer(token).get(`/v1/contacts?account_id=${account}`);

    expect(keys.status).toBe(200);
    expect(product.status).toBe(401);
  });

  it('refuses a write to a read-only session with 403, saying why', async () => {
    const { token } = await sessionFor({ readOnly: true });

    const read = await asBearer(token).get('/v1/keys');
    const write = await asBearer(token).post('/v1/keys', { name: 'from a read-only session', permissions: ['read'] });

    expect(read.status).toBe(200);
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ code: 'read_only_session', message: expect.stringMatching(/read-only/) });
  });

  it.each([
    ['a garbage Bearer', () => 'garbage'],
    [
      'a session token with a wrong secret',
      (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['an OIDC-shaped token nobody signed', () => 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('answers 401 for %s', async (_, tokenFrom) => {
    const { token } = await sessionFor();

    const response = await asBearer(tokenFrom(token)).get('/v1/keys');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('answers 401 without any credential, as API Gateway does', async () => {
    const response = await apiAs(platform.bootstrap.liveUrl).get('/v1/keys');

    expect(response.status).toBe(401);
  });
});
