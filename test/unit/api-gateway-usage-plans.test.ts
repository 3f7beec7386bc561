import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { ApiGatewayUsagePlans } from '../../functions/adapters/api-gateway-usage-plans';
import { aTestApi, usingApi } from '../support/test-api';

const usagePlanIds = { starter: 'up-starter', professional: 'up-pro', enterprise: 'up-ent' };
const notFound = () => new NotFoundException({ message: 'Invalid identifier', $metadata: {} });

describe('ApiGatewayUsagePlans', () => {
  const client = new APIGatewayClient({ region: 'us-east-1' });
  const gateway = mockClient(client);
  const registry = new ApiGatewayUsagePlans(client, { restApiId: 'api123', usagePlanIds });
  beforeEach(() => {
    gateway.reset();
    gateway.on(CreateApiKeyCommand).resolves({ id: 'k1', value: 'v'.repeat(40) });
  });

  it("puts a new organization's key into its plan's usage plan", async () => {
    const key = await registry.createOrganizationKey('org_1', { plan: 'professional' });

    expect(key).toEqual({ id: 'k1', value: 'v'.repeat(40), usagePlanId: 'up-pro' });
    expect(gateway.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'up-pro',
      keyId: 'k1',
      keyType: 'API_KEY',
    });
  });

  it('deletes the new gateway key again when it cannot join the usage plan', async () => {
    gateway.on(CreateUsagePlanKeyCommand).rejects(new Error('throttled'));

    await expect(registry.createOrganizationKey('org_1', { plan: 'starter' })).rejects.toThrow('throttled');
    expect(gateway.commandCalls(DeleteApiKeyCommand)[0]?.args[0].input).toEqual({ apiKey: 'k1' });
  });

  it('creates a usage plan of its own for a custom figure, over every stage', async () => {
    gateway.on(CreateUsagePlanCommand).resolves({ id: 'up-custom' });

    const key = await registry.createOrganizationKey('org_1', { plan: 'enterprise', customRequestsPerMinute: 6000 });

    expect(key.usagePlanId).toBe('up-custom');
    expect(gateway.commandCalls(CreateUsagePlanCommand)[0]?.args[0].input).toMatchObject({
      throttle: { rateLimit: 100, burstLimit: 6000 },
      apiStages: [
        { apiId: 'api123', stage: 'live' },
        { apiId: 'api123', stage: 'sandbox' },
      ],
    });
  });

  it('leaves the old usage plan before joining the new one, and deletes a custom plan it leaves', async () => {
    const order: string[] = [];
    gateway.on(DeleteUsagePlanKeyCommand).callsFake(() => order.push('leave'));
    gateway.on(CreateUsagePlanKeyCommand).callsFake(() => order.push('join'));
    gateway.on(DeleteUsagePlanCommand).callsFake(() => order.push('delete custom plan'));

    const target = await registry.changePlan('org_1', 'k1', 'up-custom', { plan: 'starter' });

    expect(target).toBe('up-starter');
    expect(order).toEqual(['leave', 'join', 'delete custom plan']);
  });

  it('keeps the shared usage plans when a key leaves one', async () => {
    await registry.changePlan('org_1', 'k1', 'up-starter', { plan: 'professional' });
    expect(gateway.commandCalls(DeleteUsagePlanCommand)).toHaveLength(0);
  });

  it('changes nothing when the plan stays the same', async () => {
    expect(await registry.changePlan('org_1', 'k1', 'up-pro', { plan: 'professional' })).toBe('up-pro');
    expect(gateway.calls()).toHaveLength(0);
  });

  it('treats a key already gone from its old plan, or deleted, as done', async () => {
    gateway.on(DeleteUsagePlanKeyCommand).rejects(notFound());
    gateway.on(DeleteApiKeyCommand).rejects(notFound());

    await expect(registry.changePlan('org_1', 'k1', 'up-starter', { plan: 'professional' })).resolves.toBe('up-pro');
    await expect(registry.deleteKey('k1')).resolves.toBeUndefined();
  });
});

describe('ApiGatewayUsagePlans with a definition of quotas and stage names of its own', () => {
  usingApi(
    aTestApi({
      plans: { flex: { requestsPerMinute: 120, quota: { limit: 50_000, period: 'WEEK' }, customLimit: true } },
      defaultPlan: 'flex',
      stages: { live: 'prod', sandbox: 'dev' },
    }),
  );
  const client = new APIGatewayClient({ region: 'us-east-1' });
  const gateway = mockClient(client);
  const registry = new ApiGatewayUsagePlans(client, { restApiId: 'api123', usagePlanIds: { flex: 'up-flex' } });
  beforeEach(() => {
    gateway.reset();
    gateway.on(CreateApiKeyCommand).resolves({ id: 'k1', value: 'v'.repeat(40) });
    gateway.on(CreateUsagePlanCommand).resolves({ id: 'up-custom' });
  });

  it("gives a custom figure's usage plan the plan's quota, over the definition's stages", async () => {
    await registry.createOrganizationKey('org_1', { plan: 'flex', customRequestsPerMinute: 600 });

    expect(gateway.commandCalls(CreateUsagePlanCommand)[0]?.args[0].input).toEqual({
      name: 'org-org_1-600rpm',
      throttle: { rateLimit: 10, burstLimit: 600 },
      quota: { limit: 50_000, period: 'WEEK' },
      apiStages: [
        { apiId: 'api123', stage: 'prod' },
        { apiId: 'api123', stage: 'dev' },
      ],
    });
  });
});
