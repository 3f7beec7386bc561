/**
 * API Gateway usage plans throttle per gateway API key. A region holds at most 10,000 gateway keys
 * and AWS will not raise that, so the platform makes one per organization (not per customer key)
 * and moves it between the usage plans of the plans. See docs/design.md
 * ("Plans and API Gateway usage plans") for how far that scales.
 */
import type { PlanName } from '../definition/plans';

export interface PlanChoice {
  plan: PlanName;
  /** Enterprise only; gets a usage plan of its own. */
  customRequestsPerMinute?: number;
}

export interface GatewayApiKey {
  id: string;
  /** What the authorizer returns as `usageIdentifierKey`. */
  value: string;
  usagePlanId: string;
}

export interface UsagePlanRegistry {
  /** Creates the organization's gateway key in the usage plan of its plan. */
  createOrganizationKey(organizationId: string, choice: PlanChoice): Promise<GatewayApiKey>;
  /** Moves the key into the usage plan of another plan; returns that usage plan's id. */
  changePlan(organizationId: string, apiKeyId: string, fromUsagePlanId: string, to: PlanChoice): Promise<string>;
  deleteKey(apiKeyId: string): Promise<void>;
}
