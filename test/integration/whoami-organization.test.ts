/**
 * GET /v1/whoami names the caller's organization (name, locale, sub-accounts) over HTTP on the local
 * stack, with local IAM on: what the console shows in its header and offers in its forms.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('GET /v1/whoami organization', () => {
  let platform: TestPlatform;
  let accountIds: string[];

  beforeAll(async () => {
    platform = await startTestPlatform();
    accountIds = platform.bootstrap.accountIds as string[];
  });
  afterAll(() => platform.close());

  it('shows an admin key its organization with every sub-account', async () => {
    const answer = await platform.admin.get('/v1/whoami');

    expect(answer.status).toBe(200);
    expect(answer.body.organization).toEqual({
      id: platform.bootstrap.organizationId,
      name: expect.any(String),
      locale: 'en',
      accounts: accountIds.map((id) => ({ id, name: expect.any(String) })),
    });
  });

  it('shows a key limited to one sub-account only that one', async () => {
    const [own] = accountIds as [string];
    const key = await platform.createKey({ accounts: [own] });

    const answer = await platform.live(key.key).get('/v1/whoami');

    expect(answer.status).toBe(200);
    expect(answer.body.organization.accounts).toEqual([{ id: own, name: expect.any(String) }]);
  });

  it('shows a person signed in with a session only their own sub-accounts', async () => {
    const [, other] = accountIds as [string, string];
    const invited = await platform.admin.post('/v1/members', {
      email: 'whoami@demo.example',
      role: 'viewer',
      accounts: [other],
    });
    expect(invited.status).toBe(201);
    const opened = await platform.admin.post('/v1/console-sessions', { memberId: invited.body.id });
    const session = platform.live(opened.body.token, { keyHeader: 'bearer' });

    const answer = await session.get('/v1/whoami');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ type: 'member', role: 'viewer', accounts: [other] });
    expect(answer.body.organization).toMatchObject({
      id: platform.bootstrap.organizationId,
      accounts: [{ id: other, name: expect.any(String) }],
    });
  });
});
