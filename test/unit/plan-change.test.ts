import type { OrganizationStore } from '../../functions/domain/organization';
import { changePlan } from '../../functions/domain/plan-change';
import type { UsagePlanRegistry } from '../../functions/domain/usage-plans';
import { aTestApi, usingApi } from '../support/test-api';
import { validationIssuesOf } from '../support/unit-factories';

/** Deps that fail the test if reached: the choice is refused before any store is touched. */
const untouched = {
  organizations: new Proxy({}, { get: () => () => Promise.reject(new Error('touched')) }) as OrganizationStore,
  usagePlans: new Proxy({}, { get: () => () => Promise.reject(new Error('touched')) }) as UsagePlanRegistry,
};

async function issuesOfChange(choice: Parameters<typeof changePlan>[2]) {
  const refusal = await changePlan(untouched, 'org_1', choice).catch((error: unknown) => error);
  return validationIssuesOf(() => {
    throw refusal;
  });
}

describe('changePlan on a definition of its own', () => {
  usingApi(
    aTestApi({
      plans: { basic: { requestsPerMinute: 60 }, scale: { requestsPerMinute: 600, customLimit: true } },
      defaultPlan: 'basic',
    }),
  );

  it("refuses a plan the definition does not have, listing the definition's", async () => {
    expect(await issuesOfChange({ plan: 'enterprise' })).toEqual([
      { field: 'plan', message: 'must be one of basic, scale' },
    ]);
  });

  it('refuses a custom figure on a plan without customLimit, naming the plans with it', async () => {
    expect(await issuesOfChange({ plan: 'basic', customRequestsPerMinute: 100 })).toEqual([
      { field: 'requestsPerMinute', message: 'a custom figure needs one of these plans: scale' },
    ]);
  });
});

describe('changePlan on a definition where no plan allows a custom figure', () => {
  usingApi(aTestApi());

  it('says that no plan allows one', async () => {
    const issues = await issuesOfChange({ plan: 'basic', customRequestsPerMinute: 100 });

    expect(issues[0]?.message).toBe('no plan of this API allows a custom figure (customLimit)');
  });
});
