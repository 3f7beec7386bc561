/** Levy Fleets' CDK stack: its routes proxied to the fleet service, Bearer keys, its own plans. */
import { Template } from 'aws-cdk-lib/assertions';
import { testApp } from '../../../test/infra/synth';
import { fleetApi } from '../api';
import { FleetStack } from '../infra/stack';

const SERVICE = 'https://fleet.internal.example';

interface Method {
  HttpMethod: string;
  AuthorizationType?: string;
  Integration?: { Type: string; Uri: unknown; RequestParameters?: Record<string, string> };
}

describe('FleetStack', () => {
  const app = testApp({ fleetBackendUrl: SERVICE });
  const template = Template.fromStack(new FleetStack(app, 'Fleet'));
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
    (method) => method.Properties as Method,
  );

  it('proxies every free route to the same path on the fleet service, with the caller as headers', () => {
    const proxied = methods.filter((method) => method.Integration?.Type === 'HTTP_PROXY');

    const expected = fleetApi(SERVICE)
      .compiled.routes.filter((route) => route.credits === 0)
      .map((route) => `${route.method} ${SERVICE}${route.path}`);
    expect(proxied.map((method) => `${method.HttpMethod} ${method.Integration?.Uri}`).sort()).toEqual(expected.sort());
    for (const method of proxied) {
      expect(method.AuthorizationType).toBe('CUSTOM');
      expect(method.Integration?.RequestParameters).toMatchObject({
        'integration.request.header.X-Caller-Organization': 'context.authorizer.organizationId',
        'integration.request.header.X-Caller-Accounts': 'context.authorizer.callerAccounts',
      });
    }
  });

  it('serves revenue analytics, which costs credits, through the metered proxy', () => {
    const lambdaProxied = methods.filter(
      (method) =>
        method.Integration?.Type === 'AWS_PROXY' && JSON.stringify(method.Integration?.Uri).includes('MeteredProxy'),
    );

    expect(lambdaProxied.map((method) => method.HttpMethod)).toEqual(['GET']);
  });

  it('takes Bearer keys, cached by the gateway', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      IdentitySource: 'method.request.header.Authorization,context.identity.sourceIp',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('makes the usage plans of the fleet plans, basic with its monthly quota', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Quota: { Limit: 50_000, Period: 'MONTH' },
    });
    expect(Object.keys(template.findResources('AWS::ApiGateway::UsagePlan'))).toHaveLength(2);
  });

  it('says how to give the service URL when none is given', () => {
    expect(() => new FleetStack(testApp(), 'NoUrl')).toThrow(/fleetBackendUrl/);
  });
});
