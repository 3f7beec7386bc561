/**
 * Plans are data: what each allows per minute. API Gateway usage plans (CDK and the local gateway)
 * and the platform's own counters read the same figures.
 */
export const PLANS = {
  starter: { requestsPerMinute: 60 },
  professional: { requestsPerMinute: 300 },
  enterprise: { requestsPerMinute: 1000 },
} as const satisfies Record<string, { requestsPerMinute: number }>;

export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

/** Only enterprise organizations may have a figure of their own instead of the plan's. */
export const CUSTOM_LIMIT_PLANS: readonly PlanName[] = ['enterprise'];

export function requestsPerMinuteOf(organization: { plan: PlanName; customRequestsPerMinute?: number }): number {
  return organization.customRequestsPerMinute ?? PLANS[organization.plan].requestsPerMinute;
}

/**
 * A usage plan throttles with a token bucket: `rateLimit` tokens per second, `burstLimit` at most.
 * Per-minute figures become rate = perMinute / 60 and a bucket holding a full minute.
 */
export function usagePlanThrottle(requestsPerMinute: number) {
  return { rateLimit: requestsPerMinute / 60, burstLimit: requestsPerMinute };
}

export const DEFAULT_PLAN: PlanName = 'starter';
