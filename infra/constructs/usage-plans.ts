/**
 * One API Gateway usage plan per plan of the team's API definition, over the API's stages, with the
 * plan's throttle and quota. Each organization's gateway API key sits in the usage plan of its plan
 * (the operator CLI puts it there), and the authorizer hands that key to API Gateway as
 * `usageIdentifierKey`.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { CompiledApi } from '../../functions/definition/api-definition';
import { type PlanName, usagePlanThrottle } from '../../functions/definition/plans';

export interface UsagePlansProps {
  api: apigateway.IRestApi;
  stages: apigateway.Stage[];
  /** The compiled API definition: its `plans` become the usage plans. */
  definition: CompiledApi;
}

export class UsagePlans extends Construct {
  readonly plans: Record<PlanName, apigateway.UsagePlan>;

  constructor(scope: Construct, id: string, props: UsagePlansProps) {
    super(scope, id);
    this.plans = Object.fromEntries(
      Object.entries(props.definition.plans).map(([plan, { requestsPerMinute, quota }]) => [
        plan,
        new apigateway.UsagePlan(this, plan, {
          name: `${Stack.of(this).stackName}-${plan}`,
          description: `${plan}: ${requestsPerMinute} requests a minute per organization${quota ? `, ${quota.limit} a ${quota.period.toLowerCase()}` : ''}`,
          throttle: usagePlanThrottle(requestsPerMinute),
          ...(quota && { quota: { limit: quota.limit, period: apigateway.Period[quota.period] } }),
          apiStages: props.stages.map((stage) => ({ api: props.api, stage })),
        }),
      ]),
    );
  }

  /** `{"starter": "<id>", …}`: what the operator CLI needs as USAGE_PLAN_IDS. */
  idsJson(): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(this.plans).map(([plan, usagePlan]) => [plan, usagePlan.usagePlanId])),
    );
  }
}
