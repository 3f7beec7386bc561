import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { UsagePlans } from '../../infra/constructs/usage-plans';
import { aTestApi } from '../support/test-api';

function synthUsagePlans(definition = aTestApi().compiled) {
  const stack = new Stack(new App(), 'Plans');
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: definition.stages.live } });
  api.root.addMethod('GET');
  const sandbox = new apigateway.Stage(stack, 'Sandbox', {
    deployment: api.latestDeployment as apigateway.Deployment,
    stageName: definition.stages.sandbox,
  });
  new UsagePlans(stack, 'UsagePlans', { api, stages: [api.deploymentStage, sandbox], definition });
  return Template.fromStack(stack);
}

describe('UsagePlans', () => {
  const definition = aTestApi({
    plans: {
      free: { requestsPerMinute: 60, quota: { limit: 1000, period: 'DAY' } },
      team: { requestsPerMinute: 600, quota: { limit: 200_000, period: 'MONTH' } },
      unlimited: { requestsPerMinute: 6000, customLimit: true },
    },
    defaultPlan: 'free',
  }).compiled;
  const template = synthUsagePlans(definition);
  const usagePlans = Object.values(template.findResources('AWS::ApiGateway::UsagePlan'));
  const planNamed = (plan: string) =>
    usagePlans.find((resource) => String(resource.Properties.UsagePlanName).endsWith(`-${plan}`));

  it('makes one usage plan per plan of the definition', () => {
    expect(usagePlans).toHaveLength(3);
  });

  it.each([
    ['free', 60, { Limit: 1000, Period: 'DAY' }],
    ['team', 600, { Limit: 200_000, Period: 'MONTH' }],
  ])('gives %s its throttle and its quota', (plan, requestsPerMinute, quota) => {
    expect(planNamed(plan)?.Properties).toMatchObject({
      Throttle: { RateLimit: requestsPerMinute / 60, BurstLimit: requestsPerMinute },
      Quota: quota,
    });
  });

  it('sets no quota on a plan without one', () => {
    expect(planNamed('unlimited')?.Properties.Quota).toBeUndefined();
  });

  it('covers every stage with every usage plan', () => {
    for (const plan of usagePlans) expect(plan.Properties.ApiStages).toHaveLength(2);
  });
});
