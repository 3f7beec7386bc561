/**
 * Plans are data of the team's API definition (`plans`, `defaultPlan`): what each allows per
 * minute and per period. API Gateway usage plans (CDK and the local gateway) and the platform's own
 * counters read the same figures, from the active definition.
 */

import { activeApi, type LoadedApi } from './active-api';
import type { PlanInput } from './api-definition';

/** A plan of the definition's `plans`. */
export type PlanName = string;
export type Plan = PlanInput;

export function planNames(api: LoadedApi = activeApi()): string[] {
  return Object.keys(api.compiled.plans);
}

export function isPlanName(value: string, api: LoadedApi = activeApi()): boolean {
  return Object.hasOwn(api.compiled.plans, value);
}

/** The plan a new organization gets. */
export function defaultPlan(api: LoadedApi = activeApi()): PlanName {
  return api.compiled.defaultPlan;
}

export function planOf(plan: PlanName, api: LoadedApi = activeApi()): Plan {
  if (!isPlanName(plan, api))
    throw new Error(`'${plan}' is not a plan of the API; plans: ${planNames(api).join(', ')}`);
  return api.compiled.plans[plan] as Plan;
}

/** The plans whose organizations may have a figure of their own (`customLimit`). */
export function customLimitPlans(api: LoadedApi = activeApi()): PlanName[] {
  return Object.entries(api.compiled.plans).flatMap(([plan, { customLimit }]) => (customLimit ? [plan] : []));
}

export function requestsPerMinuteOf(organization: { plan: PlanName; customRequestsPerMinute?: number }): number {
  return organization.customRequestsPerMinute ?? planOf(organization.plan).requestsPerMinute;
}

/**
 * A usage plan throttles with a token bucket: `rateLimit` tokens per second, `burstLimit` at most.
 * Per-minute figures become rate = perMinute / 60 and a bucket holding a full minute.
 */
export function usagePlanThrottle(requestsPerMinute: number) {
  return { rateLimit: requestsPerMinute / 60, burstLimit: requestsPerMinute };
}
