/**
 * Credits through the local stack: each test gets an organization of its own with a chosen balance,
 * and reads the balance back from the table. Leadbase's paid routes (enrichments 5, search 1) are
 * served by the platform's metered proxy, which charges, then invokes Leadbase's in-process Lambda
 * backends through the local Lambda endpoint; metered-backends.test.ts covers HTTP backends and
 * backends that fail.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditLedger } from '../../functions/adapters/dynamo-credit-ledger';
import { organizationKey } from '../../functions/adapters/dynamo-organization-store';
import { addCredits, DEFAULT_CREDIT_BALANCE } from '../../functions/domain/credits';
import { NotFoundError } from '../../functions/domain/errors';
import { localClients } from '../../local/bootstrap';
import { useFakeDate } from '../support/fake-date';
import { startTestPlatform, type TestPlatform } from '../support/platform';

useFakeDate();

describe('credits', () => {
  let platform: TestPlatform;
  let ledger: DynamoCreditLedger;

  beforeAll(async () => {
    // Mid-minute, so the one test with a per-key limit stays inside one window.
    jest.setSystemTime(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000 + 15_000);
    platform = await startTestPlatform();
    const { documents } = localClients(platform.bootstrap.endpoints);
    ledger = new DynamoCreditLedger(documents, platform.bootstrap.tableName);
  });
  afterAll(() => platform.close());

  /** A fresh organization holding `creditBalance` in each environment, a contact in its sub-account, and its admin clients. */
  async function anOrganizationWith(creditBalance: number) {
    const { organization, admin, adminKeys } = await platform.createOrganization({
      creditBalance,
      adminKeyEnvironments: ['live', 'test'],
    });
    const sandboxAdmin = platform.sandbox(adminKeys.test);
    const query = `?account_id=${organization.accounts[0]?.id}`;
    const contact = await admin.post(`/v1/contacts${query}`, { name: 'Ada', email: 'ada@engines.example' });
    expect(contact.status).toBe(201);
    const sandboxContact = await sandboxAdmin.post(`/v1/contacts${query}`, {
      name: 'Ada',
      email: 'ada@engines.example',
    });
    expect(sandboxContact.status).toBe(201);
    const stored = async () => await platform.provisioningDeps().organizations.get(organization.id);
    return {
      organizationId: organization.id,
      admin,
      sandboxAdmin,
      query,
      contactId: contact.body.id as string,
      sandboxContactId: sandboxContact.body.id as string,
      balance: async () => (await stored())?.creditBalance,
      sandboxBalance: async () => (await stored())?.sandboxCreditBalance,
    };
  }

  it('lets two enrichments (5 credits each) through on a balance of 12 and answers the third with 402', async () => {
    const { admin, query, contactId, balance } = await anOrganizationWith(12);

    const responses = [];
    for (let call = 0; call < 3; call++) responses.push(await admin.post(`/v1/enrichments${query}`, { contactId }));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 402]);
    expect(responses.map((response) => response.headers['x-credits-consumed'])).toEqual(['5', '5', '0']);
    expect(responses.map((response) => response.headers['x-credits-remaining'])).toEqual(['7', '2', '2']);
    expect(responses[2]?.body).toEqual({
      error: {
        code: 'insufficient_credits',
        message: "This call costs 5 credits and the organization's balance is 2. Add credits, then retry.",
      },
    });
    expect(await balance()).toBe(2);
  });

  it('charges search its own cost and leaves free routes alone', async () => {
    const { admin, query, balance } = await anOrganizationWith(12);

    const search = await admin.post(`/v1/search${query}`, { query: 'ada' });
    const list = await admin.get(`/v1/contacts${query}`);

    expect(search.status).toBe(200);
    expect(search.headers['x-credits-consumed']).toBe('1');
    expect(list.status).toBe(200);
    expect(list.headers).not.toHaveProperty('x-credits-consumed');
    expect(await balance()).toBe(11);
  });

  it('refunds a paid call that fails: an unknown contact (404) and a bad body (400) cost nothing', async () => {
    const { admin, query, balance } = await anOrganizationWith(12);

    const unknown = await admin.post(`/v1/enrichments${query}`, { contactId: `ct_${'0'.repeat(20)}` });
    const invalid = await admin.post(`/v1/enrichments${query}`, { contactId: 'nope' });

    expect(unknown.status).toBe(404);
    expect(invalid.status).toBe(400);
    for (const response of [unknown, invalid]) {
      expect(response.headers['x-credits-consumed']).toBe('0');
      expect(response.headers['x-credits-remaining']).toBe('12');
    }
    expect(await balance()).toBe(12);
  });

  it('never takes the balance below zero under concurrent calls', async () => {
    const { admin, query, contactId, balance } = await anOrganizationWith(12);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => admin.post(`/v1/enrichments${query}`, { contactId })),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses.filter((status) => status === 402)).toHaveLength(8);
    expect(await balance()).toBe(2);
  });

  it('spends exactly the balance on concurrent 1-credit searches', async () => {
    const { admin, query, balance } = await anOrganizationWith(7);

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => admin.post(`/v1/search${query}`, { query: 'ada' })),
    );

    expect(responses.filter((response) => response.status === 200)).toHaveLength(7);
    expect(await balance()).toBe(0);
  });

  it('does not charge a call the per-key rate limit rejects', async () => {
    const { admin, query, contactId, balance } = await anOrganizationWith(100);
    const created = await admin.post('/v1/keys', { name: 'limited', permissions: ['enrich'], rateLimitPerMinute: 1 });
    const limited = platform.live(created.body.key);

    const first = await limited.post(`/v1/enrichments${query}`, { contactId });
    const second = await limited.post(`/v1/enrichments${query}`, { contactId });

    expect([first.status, second.status]).toEqual([200, 429]);
    expect(second.headers).not.toHaveProperty('x-credits-consumed');
    expect(await balance()).toBe(95);
  });

  it('makes paid calls work again after addCredits', async () => {
    const { organizationId, admin, query, contactId, balance } = await anOrganizationWith(3);
    expect((await admin.post(`/v1/enrichments${query}`, { contactId })).status).toBe(402);

    const topped = await addCredits(ledger, { organizationId, environment: 'live' }, 10);
    const retried = await admin.post(`/v1/enrichments${query}`, { contactId });

    expect(topped).toBe(13);
    expect(retried.status).toBe(200);
    expect(await balance()).toBe(8);
  });

  it('charges a sandbox key to the sandbox balance, never the live one', async () => {
    const { sandboxAdmin, query, sandboxContactId, balance, sandboxBalance } = await anOrganizationWith(12);

    const responses = [];
    for (let call = 0; call < 3; call++) {
      responses.push(await sandboxAdmin.post(`/v1/enrichments${query}`, { contactId: sandboxContactId }));
    }

    expect(responses.map((response) => response.status)).toEqual([200, 200, 402]);
    expect(responses.map((response) => response.headers['x-credits-remaining'])).toEqual(['7', '2', '2']);
    expect(await sandboxBalance()).toBe(2);
    expect(await balance()).toBe(12);
  });

  it('charges a live key to the live balance, never the sandbox one', async () => {
    const { admin, sandboxAdmin, query, contactId, balance, sandboxBalance } = await anOrganizationWith(12);

    const responses = await Promise.all([
      admin.post(`/v1/enrichments${query}`, { contactId }),
      admin.post(`/v1/search${query}`, { query: 'ada' }),
    ]);
    const sandboxSearch = await sandboxAdmin.post(`/v1/search${query}`, { query: 'ada' });

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(await balance()).toBe(6);
    expect(sandboxSearch.headers['x-credits-remaining']).toBe('11');
    expect(await sandboxBalance()).toBe(11);
  });

  it('tops up the sandbox balance alone when asked for the test environment', async () => {
    const { organizationId, balance, sandboxBalance } = await anOrganizationWith(12);

    const topped = await addCredits(ledger, { organizationId, environment: 'test' }, 30);

    expect(topped).toBe(42);
    expect(await sandboxBalance()).toBe(42);
    expect(await balance()).toBe(12);
  });

  it('gives an organization made before sandbox balances the starting amount in the sandbox, at first use', async () => {
    const { organizationId, sandboxAdmin, query, sandboxContactId, balance, sandboxBalance } =
      await anOrganizationWith(12);
    const { documents } = localClients(platform.bootstrap.endpoints);
    await documents.send(
      new UpdateCommand({
        TableName: platform.bootstrap.tableName,
        Key: organizationKey(organizationId),
        UpdateExpression: 'REMOVE sandboxCreditBalance',
      }),
    );

    const charged = await sandboxAdmin.post(`/v1/enrichments${query}`, { contactId: sandboxContactId });

    expect(charged.status).toBe(200);
    expect(charged.headers['x-credits-remaining']).toBe(String(DEFAULT_CREDIT_BALANCE - 5));
    expect(await sandboxBalance()).toBe(DEFAULT_CREDIT_BALANCE - 5);
    expect(await balance()).toBe(12);
  });

  it.each([
    'live',
    'test',
  ] as const)('refuses to add %s credits to an organization that does not exist', async (environment) => {
    await expect(addCredits(ledger, { organizationId: 'org_doesnotexist', environment }, 10)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
