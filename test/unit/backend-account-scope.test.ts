import middy from '@middy/core';
import { AccountAccessError, type AccountScopedContext, accountScope, requireAccount } from 'api-key-platform/backend';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { anAuthorizerContext, aProxyEvent } from '../support/unit-factories';

const aCaller = (accounts: '*' | string[]) => ({ organizationId: 'org_1', accounts });

async function rejection(promise: Promise<unknown>): Promise<AccountAccessError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AccountAccessError);
  return error as AccountAccessError;
}

describe('requireAccount', () => {
  it('returns an account of the key', async () => {
    await expect(requireAccount(aCaller(['acc_1', 'acc_2']), 'acc_2')).resolves.toBe('acc_2');
  });

  it('refuses an account outside the key with a 403', async () => {
    const error = await rejection(requireAccount(aCaller(['acc_1']), 'acc_2'));

    expect(error.status).toBe(403);
    expect(error.toJSON()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('acc_2') } });
  });

  it.each([
    [undefined, 'is a required query parameter: the sub-account to act on'],
    ['', 'is a required query parameter: the sub-account to act on'],
    ['acc/1', 'must be 1-64 letters, digits, _ or -'],
    ['a'.repeat(65), 'must be 1-64 letters, digits, _ or -'],
  ])('refuses the account_id %j with a 400 that names the field', async (accountId, message) => {
    const error = await rejection(requireAccount(aCaller('*'), accountId));

    expect(error.status).toBe(400);
    expect(error.toJSON().error).toMatchObject({ code: 'invalid_request', fields: [{ field: 'account_id', message }] });
  });

  it('lets a key with accounts * act on any well-formed account', async () => {
    await expect(requireAccount(aCaller('*'), 'acc_anything')).resolves.toBe('acc_anything');
  });

  it("holds a key with accounts * to its organization's accounts when accountsOf is given", async () => {
    const accountsOf = async (organizationId: string) => (organizationId === 'org_1' ? ['acc_1'] : undefined);

    await expect(requireAccount(aCaller('*'), 'acc_1', { accountsOf })).resolves.toBe('acc_1');
    expect((await rejection(requireAccount(aCaller('*'), 'acc_2', { accountsOf }))).status).toBe(403);
    expect(
      (await rejection(requireAccount({ organizationId: 'org_2', accounts: '*' }, 'acc_1', { accountsOf }))).status,
    ).toBe(403);
  });
});

describe('accountScope', () => {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AccountScopedContext>()
    .use(accountScope())
    .handler(async (_event, context) => ({
      statusCode: 200,
      body: JSON.stringify({ accountId: context.accountId, keyId: context.caller.keyId }),
    }));
  const call = (query: Record<string, string> | null, authorizer = anAuthorizerContext({ accounts: '["acc_1"]' })) => {
    const event = aProxyEvent({ method: 'GET', path: '/v1/contacts', query });
    event.requestContext.authorizer = authorizer;
    return handler(event, {} as AccountScopedContext);
  };

  it('hands the checked account and the caller to the handler', async () => {
    const response = await call({ account_id: 'acc_1' });

    expect(JSON.parse(response.body)).toEqual({ accountId: 'acc_1', keyId: 'key_a' });
  });

  it('answers 400 in the platform error shape without running the handler', async () => {
    const response = await call(null);

    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'invalid_request',
        message: 'account_id: is a required query parameter: the sub-account to act on',
        fields: [{ field: 'account_id', message: 'is a required query parameter: the sub-account to act on' }],
      },
    });
  });

  it('answers 403 for an account outside the key', async () => {
    const response = await call({ account_id: 'acc_2' });

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).error.code).toBe('forbidden');
  });

  it('answers 403 when the event did not come through the authorizer', async () => {
    const response = await call({ account_id: 'acc_1' }, {});

    expect(response.statusCode).toBe(403);
  });
});
