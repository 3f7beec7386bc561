import { DynamoCreditLedger } from '../../functions/adapters/dynamo-credit-ledger';
import { addCredits } from '../../functions/domain/credits';
import { changePlan } from '../../functions/domain/plan-change';
import { localClients } from '../../local/bootstrap';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** The local gateway's usage plans, as API Gateway applies them: per organization, after the authorizer. */
describe('usage plans through the local gateway', () => {
  let platform: TestPlatform;
  let now = Date.parse('2027-01-01T00:00:00Z');
  beforeAll(async () => {
    platform = await startTestPlatform({ keepStarterPlan: true, gatewayClock: () => now });
  });
  afterAll(() => platform.close());

  it('lets exactly the starter plan’s 60 calls a minute through, then answers 429 with Retry-After', async () => {
    now += 120_000;
    const { key } = await platform.createKey({ permissions: ['read'] });
    now += 120_000; // a full bucket: the key creation above drew on it too

    const statuses: number[] = [];
    for (let call = 0; call < 60; call++) statuses.push((await platform.live(key).get('/v1/whoami')).status);
    const throttled = await platform.live(key).get('/v1/whoami');

    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.body.error.code).toBe('rate_limited');

    now += 1000; // the bucket refills one call a second on starter
    expect((await platform.live(key).get('/v1/whoami')).status).toBe(200);
    expect((await platform.live(key).get('/v1/whoami')).status).toBe(429);
  });

  it('limits the organization as a whole, not each of its keys', async () => {
    now += 120_000; // management calls count against the plan too
    const first = await platform.createKey({ permissions: ['read'] });
    const second = await platform.createKey({ permissions: ['read'] });
    now += 120_000;

    for (let call = 0; call < 30; call++) await platform.live(first.key).get('/v1/whoami');
    for (let call = 0; call < 30; call++) await platform.live(second.key).get('/v1/whoami');

    expect((await platform.live(first.key).get('/v1/whoami')).status).toBe(429);
    expect((await platform.live(second.key).get('/v1/whoami')).status).toBe(429);
  });

  it('gives each organization its own bucket', async () => {
    now += 120_000;
    const other = await platform.createOrganization();
    now += 120_000;
    for (let call = 0; call < 60; call++) await platform.admin.get('/v1/whoami');

    expect((await platform.admin.get('/v1/whoami')).status).toBe(429);
    expect((await other.admin.get('/v1/whoami')).status).toBe(200);
  });

  it('applies a plan change at once', async () => {
    const other = await platform.createOrganization();
    now += 120_000;
    for (let call = 0; call < 60; call++) await other.admin.get('/v1/whoami');
    expect((await other.admin.get('/v1/whoami')).status).toBe(429);

    await changePlan(platform.provisioningDeps(), other.organization.id, { plan: 'professional' });

    expect((await other.admin.get('/v1/whoami')).status).toBe(200);
  });

  it('never writes back a stale credit balance when the plan changes', async () => {
    const other = await platform.createOrganization({ creditBalance: 100 });
    const deps = platform.provisioningDeps();
    const readBeforeTheChange = await deps.organizations.get(other.organization.id);
    const ledger = new DynamoCreditLedger(
      localClients(platform.bootstrap.endpoints).documents,
      platform.bootstrap.tableName,
    );
    await addCredits(ledger, { organizationId: other.organization.id, environment: 'live' }, 50); // lands between the plan change's read and write

    await deps.organizations.setPlan(other.organization.id, {
      plan: 'professional',
      usagePlanId: readBeforeTheChange?.usagePlanId as string,
    });

    expect((await deps.organizations.get(other.organization.id))?.creditBalance).toBe(150);
  });

  it('accepts a custom figure only on enterprise', async () => {
    const other = await platform.createOrganization();
    const deps = platform.provisioningDeps();
    await expect(
      changePlan(deps, other.organization.id, { plan: 'professional', customRequestsPerMinute: 5000 }),
    ).rejects.toThrow('enterprise');

    const changed = await changePlan(deps, other.organization.id, { plan: 'enterprise', customRequestsPerMinute: 2 });
    now += 120_000;

    expect(changed).toMatchObject({ plan: 'enterprise', customRequestsPerMinute: 2 });
    expect((await other.admin.get('/v1/whoami')).status).toBe(200);
    expect((await other.admin.get('/v1/whoami')).status).toBe(200);
    expect((await other.admin.get('/v1/whoami')).status).toBe(429);
  });
});
