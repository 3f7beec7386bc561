/**
 * One API Gateway usage plan per plan of PLANS, over the API's stages. Each organization's gateway
 * API key sits in the usage plan of its plan (the operator CLI puts it there), and the authorizer
 * hands that key to API Gateway as `usageIdentifierKey`.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { PLANS, type PlanName, usagePlanThrottle } from '../../functions/definition/plans';

export interface UsagePlansProps {
  api: apigateway.IRestApi;
  stages: apigateway.Stage[];
}

export class UsagePlans extends Construct {
  readonly plans: Record<PlanName, apigateway.UsagePlan>;

  constructor(scope: Construct, id: string, props: UsagePlansProps) {
    super(scope, id);
    this.plans = Object.fromEntries(
      Object.entries(PLANS).map(([plan, { requestsPerMinute }]) => [
        plan,
        new apigateway.UsagePlan(this, plan, {
          name: `${Stack.of(this).stackName}-${plan}`,
          description: `${plan}: ${requestsPerMinute} requests a minute per organization`,
          throttle: usagePlanThrottle(requestsPerMinute),
          apiStages: props.stages.map((stage) => ({ api: props.api, stage })),
        }),
      ]),
    ) as Record<PlanName, apigateway.UsagePlan>;
  }

  /** `{"starter": "<id>", …}`: what the operator CLI needs as USAGE_PLAN_IDS. */
  idsJson(): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(this.plans).map(([plan, usagePlan]) => [plan, usagePlan.usagePlanId])),
    );
  }
}
