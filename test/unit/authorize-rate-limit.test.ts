import { callerFromHeaders } from 'api-key-platform/backend';
import { createAuthorizer } from '../../functions/authorizer/authorize';
import { callerHeadersOf } from '../../functions/definition/caller-headers';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';
import {
  aManualClock,
  anAuthorizerEvent,
  aStoredKey,
  CALLER_SIGNING_SECRET,
  NOW,
  PEPPER,
} from '../support/unit-factories';

function authorizerWithPlan(record: ApiKeyRecord, organizationRateLimit?: (id: string) => Promise<number | undefined>) {
  const readPlan = organizationRateLimit && jest.fn(organizationRateLimit);
  const planUnknown = jest.fn();
  const authorize = createAuthorizer({
    headerMode: 'x-api-key',
    findKey: async () => record,
    pepper: async () => PEPPER,
    callerSigningSecret: async () => CALLER_SIGNING_SECRET,
    organizationAccounts: async () => ['acc_1'],
    ...(readPlan && { organizationRateLimit: readPlan }),
    clock: aManualClock().clock,
    log: { denied: jest.fn(), planUnknown },
  });
  return { authorize, readPlan, planUnknown };
}

const verified = (context: Record<string, unknown>) =>
  callerFromHeaders(callerHeadersOf(context), { signingSecret: CALLER_SIGNING_SECRET, now: () => NOW });

describe('createAuthorizer: the effective rate limit', () => {
  it("puts the organization's plan figure in the context for a key without a limit of its own", async () => {
    const { token, record } = aStoredKey({ record: { organizationId: 'org_42', accounts: ['acc_1'] } });
    const { authorize, readPlan } = authorizerWithPlan(record, async () => 300);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(readPlan).toHaveBeenCalledWith('org_42');
    expect(result.context).toMatchObject({ rateLimit: '300', rateLimitScope: 'organization' });
    expect(result.context).not.toHaveProperty('rateLimitPerMinute');
  });

  it("puts the key's own limit in the context, without reading the plan", async () => {
    const { token, record } = aStoredKey({ record: { rateLimitPerMinute: 30, accounts: ['acc_1'] } });
    const { authorize, readPlan } = authorizerWithPlan(record, async () => 300);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(readPlan).not.toHaveBeenCalled();
    expect(result.context).toMatchObject({ rateLimit: '30', rateLimitScope: 'key', rateLimitPerMinute: '30' });
  });

  it('signs the limit: an HTTP backend reads it from verified caller headers', async () => {
    const { token, record } = aStoredKey({ record: { accounts: ['acc_1'] } });
    const { authorize } = authorizerWithPlan(record, async () => 300);
    const { context } = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(verified(context ?? {}).rateLimit).toEqual({ perMinute: 300, scope: 'organization' });
    expect(() => verified({ ...context, rateLimit: '3000' })).toThrow(/does not match/);
    expect(() => verified({ ...context, rateLimitScope: 'key' })).toThrow(/does not match/);
    expect(() => verified({ ...context, rateLimit: undefined, rateLimitScope: undefined })).toThrow(/does not match/);
  });

  it('lets the call through without a limit when the plan cannot be read, and logs it', async () => {
    const { token, record } = aStoredKey({ record: { organizationId: 'org_42', accounts: ['acc_1'] } });
    const failure = new Error('ProvisionedThroughputExceededException');
    const { authorize, planUnknown } = authorizerWithPlan(record, async () => {
      throw failure;
    });

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(result.context).not.toHaveProperty('rateLimit');
    expect(planUnknown).toHaveBeenCalledWith('org_42', failure);
    expect(verified(result.context ?? {}).rateLimit).toBeUndefined();
  });

  it('gives no limit for an organization without a plan the definition knows', async () => {
    const { token, record } = aStoredKey({ record: { accounts: ['acc_1'] } });
    const { authorize } = authorizerWithPlan(record, async () => undefined);

    const result = await authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));

    expect(result.context).not.toHaveProperty('rateLimitScope');
  });

  it('keeps the context small: the two limit values add about 50 bytes', async () => {
    const { token, record } = aStoredKey({ record: { accounts: ['acc_1'] } });
    const without = await authorizerWithPlan(record).authorize(anAuthorizerEvent({ headers: { 'x-api-key': token } }));
    const withLimit = await authorizerWithPlan(record, async () => 1000).authorize(
      anAuthorizerEvent({ headers: { 'x-api-key': token } }),
    );

    const size = (context: unknown) => Buffer.byteLength(JSON.stringify(context));
    expect(size(withLimit.context) - size(without.context)).toBeLessThanOrEqual(64);
  });
});
