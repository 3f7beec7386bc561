/** Changing an organization's plan: its gateway key moves to the new usage plan, then the organization records it. */
import { customLimitPlans, isPlanName, planNames } from '../definition/plans';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import type { OrganizationStore } from './organization';
import type { PlanChoice, UsagePlanRegistry } from './usage-plans';

export async function changePlan(
  deps: { organizations: OrganizationStore; usagePlans: UsagePlanRegistry },
  organizationId: string,
  choice: PlanChoice,
) {
  if (!isPlanName(choice.plan)) {
    throw new ValidationError([{ field: 'plan', message: `must be one of ${planNames().join(', ')}` }]);
  }
  const allowed = customLimitPlans();
  if (choice.customRequestsPerMinute !== undefined && !allowed.includes(choice.plan)) {
    throw new ValidationError([
      {
        field: 'requestsPerMinute',
        message:
          allowed.length > 0
            ? `a custom figure needs one of these plans: ${allowed.join(', ')}`
            : 'no plan of this API allows a custom figure (customLimit)',
      },
    ]);
  }
  const organization = await deps.organizations.get(organizationId);
  if (!organization) throw new NotFoundError(`No organization ${organizationId}.`);
  if (!organization.gatewayApiKeyId || !organization.usagePlanId) {
    throw new ConflictError(`Organization ${organizationId} has no gateway API key; it predates usage plans.`);
  }
  const usagePlanId = await deps.usagePlans.changePlan(
    organization.id,
    organization.gatewayApiKeyId,
    organization.usagePlanId,
    choice,
  );
  const planFields = { plan: choice.plan, usagePlanId, customRequestsPerMinute: choice.customRequestsPerMinute };
  await deps.organizations.setPlan(organization.id, planFields);
  const next = { ...organization, ...planFields };
  if (choice.customRequestsPerMinute === undefined) delete next.customRequestsPerMinute;
  return next;
}
