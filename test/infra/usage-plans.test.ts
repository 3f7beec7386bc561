import { Match } from 'aws-cdk-lib/assertions';
import { leadbaseApi } from '../../examples/leadbase/api';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { isPublicRoute } from '../../functions/definition/routes';
import { synthDemo } from './synth';

const { plans, stages } = leadbaseApi.compiled;

describe('usage plans in the demo stack', () => {
  const { template } = synthDemo();

  it('takes API keys from the authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  it('requires an API key on every method, so the usage plans apply to every route', () => {
    const methods = template.findResources('AWS::ApiGateway::Method', {
      Properties: { AuthorizationType: 'CUSTOM' },
    });
    // Public routes (the secret-scanning partners' endpoint) have neither the authorizer nor a key.
    expect(Object.keys(methods)).toHaveLength(
      PLATFORM_ROUTES.filter((route) => !isPublicRoute(route)).length + leadbaseApi.compiled.routes.length,
    );
    for (const method of Object.values(methods)) expect(method.Properties.ApiKeyRequired).toBe(true);
  });

  it.each(Object.entries(plans))('has a usage plan for %s with its per-minute figure over every stage', (plan, {
    requestsPerMinute,
  }) => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: Match.stringLikeRegexp(`-${plan}$`),
      Throttle: { RateLimit: requestsPerMinute / 60, BurstLimit: requestsPerMinute },
    });
    const plans = Object.values(template.findResources('AWS::ApiGateway::UsagePlan'));
    const thisPlan = plans.find((resource) => String(resource.Properties.UsagePlanName).endsWith(`-${plan}`));
    expect(thisPlan?.Properties.ApiStages).toHaveLength(Object.keys(stages).length);
  });

  it('makes exactly one usage plan per plan, and no gateway API keys of its own', () => {
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', Object.keys(plans).length);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
  });

  it('tells throttled clients when to retry', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'" },
    });
  });

  it('outputs what the operator CLI needs', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['TableName', 'PepperSecretId', 'RestApiId', 'UsagePlanIds']),
    );
  });
});
