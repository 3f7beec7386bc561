import { callerFromHeaders } from 'api-key-platform/backend';
import fc from 'fast-check';
import { createAuthorizer } from '../../functions/authorizer/authorize';
import { activeApi } from '../../functions/definition/active-api';
import type { ApiKeyHeaderMode } from '../../functions/definition/api';
import { callerHeadersOf, NO_ACCOUNTS } from '../../functions/definition/caller-headers';
import { MAX_SPELLED_OUT_ACCOUNTS_BYTES, type OrganizationAccounts } from '../../functions/domain/backend-accounts';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { grantsRoute } from '../../functions/domain/permissions';
import { type PolicyDocument, policyAllows, routeResourceArn } from '../../functions/domain/policy';
import { concretePath, idSegment } from '../support/unit-arbitraries';
import {
  API_ARN,
  aManualClock,
  aMethodArn,
  anAuthorizerEvent,
  aStoredKey,
  CALLER_SIGNING_SECRET,
  NOW,
  PEPPER,
} from '../support/unit-factories';

/** The platform's routes and Leadbase's (the active definition, test/support/active-api-setup.ts). */
const ROUTES = activeApi().routes;

/** The sub-accounts of every organization in these tests, unless a test gives its own. */
const ORGANIZATION_ACCOUNTS = ['acc_1', 'acc_2', 'acc_3'];

function authorizerFinding(
  record: ApiKeyRecord | undefined,
  headerMode: ApiKeyHeaderMode = 'x-api-key',
  readOrganizationAccounts: OrganizationAccounts = async () => ORGANIZATION_ACCOUNTS,
) {
  const findKey = jest.fn(async (_keyId: string) => record);
  const organizationAccounts = jest.fn(readOrganizationAccounts);
  const denied = jest.fn();
  const authorize = createAuthorizer({
    headerMode,
    findKey,
    pepper: async () => PEPPER,
    callerSigningSecret: async () => CALLER_SIGNING_SECRET,
    organizationAccounts,
    clock: aManualClock().clock,
    log: { denied },
  });
  return { authorize, findKey, organizationAccounts, denied };
}

/** What a backend makes of the context: the caller headers, checked as an HTTP backend checks them. */
function verifiedCaller(context: Record<string, unknown>) {
  return callerFromHeaders(callerHeadersOf(context), {
    signingSecret: CALLER_SIGNING_SECRET,
    audience: 'abc123/live',
    now: () => NOW,
  });
}

describe('createAuthorizer', () => {
  it('answers a valid key with its id as principal and the caller in the context, all strings', async () => {
    const { token, record } = aStoredKey({
      record: {
        organizationId: 'org_42',
        createdBy: 'mem_7',
        permissions: ['read', 'tables:write'],
        accounts: ['acc_1'],
      },
    });
    const { authorize, denied } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.principalId).toBe(record.id);
    expect(result.context).toMatchObject({
      keyId: record.id,
      organizationId: 'org_42',
      memberId: 'mem_7',
      environment: 'live',
      permissions: '["read","tables:write"]',
      accounts: '["acc_1"]',
      errorCode: 'insufficient_permissions',
    });
    expect(String(result.context?.errorMessage)).toContain('read, tables:write');
    for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
    expect(denied).not.toHaveBeenCalled();
  });

  it("carries the key's rateLimitPerMinute as a string when it has one", async () => {
    const { token, record } = aStoredKey({ record: { rateLimitPerMinute: 30 } });
    const { authorize } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.context?.rateLimitPerMinute).toBe('30');
  });

  it('leaves rateLimitPerMinute out for a key without one', async () => {
    const { token, record } = aStoredKey();
    const { authorize } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.context).not.toHaveProperty('rateLimitPerMinute');
  });

  it("keeps accounts '*' as the JSON string \"*\" for the platform's handlers", async () => {
    const { token, record } = aStoredKey({ record: { accounts: '*' } });
    const { authorize } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.context?.accounts).toBe('"*"');
    expect(JSON.parse(String(result.context?.accounts))).toBe('*');
  });

  it("spells out a '*' key's accounts for backends as its organization's, signed: a backend holds it to them", async () => {
    const { token, record } = aStoredKey({
      record: { organizationId: 'org_42', permissions: ['read'], accounts: '*' },
    });
    const { authorize, organizationAccounts } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ stage: 'live', headers: { 'x-api-key': token } }));

    const context = result.context ?? {};
    expect(organizationAccounts).toHaveBeenCalledWith('org_42');
    expect(context).toMatchObject({
      callerAccounts: 'acc_1,acc_2,acc_3',
      callerAudience: 'abc123/live',
      callerIssuedAt: String(NOW.getTime() / 1000),
    });
    expect(verifiedCaller(context)).toMatchObject({
      organizationId: 'org_42',
      keyId: record.id,
      accounts: ORGANIZATION_ACCOUNTS,
    });
  });

  it('reads no organization for a key with accounts of its own, and passes them on as they are', async () => {
    const { token, record } = aStoredKey({ record: { accounts: ['acc_2'] } });
    const { authorize, organizationAccounts } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(organizationAccounts).not.toHaveBeenCalled();
    expect(result.context?.callerAccounts).toBe('acc_2');
    expect(verifiedCaller(result.context ?? {}).accounts).toEqual(['acc_2']);
  });

  it.each([
    ['spells out ids up to the bound', MAX_SPELLED_OUT_ACCOUNTS_BYTES, 'the ids'],
    ['keeps * past the bound, for backends to check with accountsOf', MAX_SPELLED_OUT_ACCOUNTS_BYTES + 1, '*'],
  ])('%s (%i bytes)', async (_case, bytes, expected) => {
    const ids = idsOfJoinedLength(bytes);
    expect(ids.join(',')).toHaveLength(bytes);
    const { token, record } = aStoredKey({ record: { accounts: '*' } });
    const { authorize } = authorizerFinding(record, 'x-api-key', async () => ids);

    const result = await authorize(anAuthorizerEvent({ stage: 'live', headers: { 'x-api-key': token } }));

    const callerAccounts = String(result.context?.callerAccounts);
    expect(callerAccounts).toBe(expected === '*' ? '*' : ids.join(','));
    expect(verifiedCaller(result.context ?? {}).accounts).toEqual(expected === '*' ? '*' : ids);
  });

  it("gives backends no accounts for a '*' key whose organization is gone", async () => {
    const { token, record } = aStoredKey({ record: { accounts: '*' } });
    const { authorize } = authorizerFinding(record, 'x-api-key', async () => undefined);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.context?.callerAccounts).toBe(NO_ACCOUNTS);
    expect(verifiedCaller(result.context ?? {}).accounts).toEqual([]);
    expect(result.context?.accounts).toBe('"*"');
  });

  it('signs nothing and reads no organization for a denied key', async () => {
    const { token, record } = aStoredKey({ record: { accounts: '*', ipAllowlist: ['10.0.0.0/8'] } });
    const { authorize, organizationAccounts } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ sourceIp: '192.0.2.1', headers: { 'x-api-key': token } }));

    expect(result.context).not.toHaveProperty('callerSignature');
    expect(organizationAccounts).not.toHaveBeenCalled();
  });

  it('allows exactly the routes the key may call, on the calling stage', async () => {
    const { token, record } = aStoredKey({ record: { permissions: ['contacts:read', 'search'] } });
    const { authorize } = authorizerFinding(record);

    const result = await authorize(
      anAuthorizerEvent({ method: 'POST', path: '/v1/search', headers: { 'x-api-key': token } }),
    );

    const [statement] = result.policyDocument.Statement;
    expect(result.policyDocument.Statement).toHaveLength(1);
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
    expect((statement as { Resource: string[] }).Resource).toEqual(
      ROUTES.filter((route) => grantsRoute(record.permissions, route)).map((route) =>
        routeResourceArn(API_ARN, 'live', route),
      ),
    );
  });

  it('returns a policy that allows a route exactly when the permissions grant it, whatever route was called', async () => {
    const { token, record } = aStoredKey();
    const findKey = jest.fn(async (_keyId: string) => record);

    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom('read', 'write', 'delete', 'contacts:*', 'tables:read', 'search'), {
          maxLength: 4,
        }),
        fc.constantFrom(...ROUTES),
        idSegment,
        async (permissions, calledRoute, id) => {
          findKey.mockResolvedValue({ ...record, permissions });
          const authorize = createAuthorizer({
            headerMode: 'x-api-key',
            findKey,
            pepper: async () => PEPPER,
            callerSigningSecret: async () => CALLER_SIGNING_SECRET,
            organizationAccounts: async () => ORGANIZATION_ACCOUNTS,
            clock: aManualClock().clock,
          });

          const result = await authorize(
            anAuthorizerEvent({
              method: calledRoute.method,
              path: concretePath(calledRoute, id),
              headers: { 'x-api-key': token },
            }),
          );

          for (const route of ROUTES) {
            const arn = aMethodArn({ stage: 'live', method: route.method, path: concretePath(route, id) });
            expect(policyAllows(result.policyDocument as unknown as PolicyDocument, arn)).toBe(
              grantsRoute(permissions, route),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each(['authorization', 'either'] as const)('reads a bearer token in %s mode', async (mode) => {
    const { token, record } = aStoredKey();
    const { authorize } = authorizerFinding(record, mode);

    const result = await authorize(anAuthorizerEvent({ headers: { Authorization: `Bearer ${token}` } }));

    expect(result.principalId).toBe(record.id);
  });

  it('refuses two different keys in one request without reading either', async () => {
    const first = aStoredKey();
    const second = aStoredKey();
    const { authorize, findKey, denied } = authorizerFinding(second.record);
    const event = anAuthorizerEvent({ headers: { 'x-api-key': second.token } });
    event.multiValueHeaders = { 'x-api-key': [first.token, second.token] };

    await expect(authorize(event)).rejects.toThrow(new Error('Unauthorized'));
    expect(findKey).not.toHaveBeenCalled();
    expect(denied).toHaveBeenCalledWith({ outcome: 'unauthorized', reason: 'ambiguous' }, '203.0.113.7');
  });

  it.each([
    ['no key', {}],
    ['a malformed key', { 'x-api-key': 'sk_live_nope' }],
  ])('throws exactly Unauthorized for %s', async (_label, headers) => {
    const { authorize, findKey, denied } = authorizerFinding(undefined);

    const attempt = authorize(anAuthorizerEvent({ headers }));

    await expect(attempt).rejects.toThrow(new Error('Unauthorized'));
    await expect(attempt).rejects.toHaveProperty('message', 'Unauthorized');
    expect(findKey).not.toHaveBeenCalled();
    expect(denied).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'unauthorized' }), '203.0.113.7');
  });

  it('throws exactly Unauthorized for an unknown key', async () => {
    const { token } = aStoredKey();
    const { authorize } = authorizerFinding(undefined);

    await expect(authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }))).rejects.toThrow(
      new Error('Unauthorized'),
    );
  });

  it('throws exactly Unauthorized for a revoked key', async () => {
    const { token, record } = aStoredKey({ record: { status: 'revoked' } });
    const { authorize, denied } = authorizerFinding(record);

    await expect(authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }))).rejects.toThrow(
      new Error('Unauthorized'),
    );
    expect(denied).toHaveBeenCalledWith(
      { outcome: 'unauthorized', reason: 'revoked', keyId: record.id },
      '203.0.113.7',
    );
  });

  it('throws Unauthorized for a live key on the sandbox stage and a test key on the live stage', async () => {
    const live = aStoredKey({ environment: 'live' });
    const sandbox = aStoredKey({ environment: 'test' });

    await expect(
      authorizerFinding(live.record).authorize(
        anAuthorizerEvent({ stage: 'sandbox', headers: { 'x-api-key': live.token } }),
      ),
    ).rejects.toThrow(new Error('Unauthorized'));
    await expect(
      authorizerFinding(sandbox.record).authorize(
        anAuthorizerEvent({ stage: 'live', headers: { 'x-api-key': sandbox.token } }),
      ),
    ).rejects.toThrow(new Error('Unauthorized'));
    const ok = await authorizerFinding(sandbox.record).authorize(
      anAuthorizerEvent({ stage: 'sandbox', headers: { 'x-api-key': sandbox.token } }),
    );
    expect(ok.principalId).toBe(sandbox.record.id);
  });

  it('throws Unauthorized on an unknown stage', async () => {
    const { token, record } = aStoredKey();

    await expect(
      authorizerFinding(record).authorize(anAuthorizerEvent({ stage: 'prod', headers: { 'x-api-key': token } })),
    ).rejects.toThrow(new Error('Unauthorized'));
  });

  it('denies a key called from outside its IP allowlist with errorCode ip_not_allowed', async () => {
    const { token, record } = aStoredKey({ record: { ipAllowlist: ['10.0.0.0/8'] } });
    const { authorize, denied } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token }, sourceIp: '203.0.113.7' }));

    expect(result.principalId).toBe(record.id);
    expect(result.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${API_ARN}/live/*`] }],
    });
    expect(result.context).toMatchObject({ keyId: record.id, errorCode: 'ip_not_allowed' });
    expect(String(result.context?.errorMessage)).toContain('203.0.113.7');
    for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
    expect(denied).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'forbidden' }), '203.0.113.7');
  });

  it('allows a key called from inside its IP allowlist', async () => {
    const { token, record } = aStoredKey({ record: { ipAllowlist: ['10.0.0.0/8'] } });
    const { authorize } = authorizerFinding(record);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token }, sourceIp: '10.9.8.7' }));

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  it('rejects an event whose methodArn it cannot read, with a different error than Unauthorized', async () => {
    const { authorize } = authorizerFinding(undefined);

    await expect(authorize(anAuthorizerEvent({ methodArn: 'nonsense' }))).rejects.toThrow(
      'Unexpected methodArn nonsense',
    );
  });
});

/** Sub-account ids of 21 bytes, as the platform makes them, whose comma-separated list is `bytes` long. */
function idsOfJoinedLength(bytes: number): string[] {
  const count = Math.floor((bytes + 1) / 22);
  const ids = Array.from({ length: count }, (_, index) => `acct_${index.toString(16).padStart(16, '0')}`);
  // The last id takes up the rest, so the list is exactly that long.
  const rest = bytes - (count * 22 - 1);
  if (rest > 0) ids[count - 1] = `${ids[count - 1]}${'x'.repeat(rest)}`;
  return ids;
}
