/** The secret-scanning partners' endpoint in the template: a public method, and a function with only what it needs. */
import { generateKeyPairSync } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { actionsOf, logicalIdOf, statementsOfRole, synthDemo, teamApi, testApp } from './synth';

const { stack, template } = synthDemo();
const platform = stack.platform;
const reportFunction = platform.functions['secret-scanning-report'];

type CfnResource = { Properties: Record<string, unknown> };

function reportMethod(): CfnResource {
  const resources = template.findResources('AWS::ApiGateway::Resource', {
    Properties: { PathPart: 'reports' },
  }) as Record<string, CfnResource>;
  const [resourceId] = Object.keys(resources);
  const methods = Object.values(
    template.findResources('AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: resourceId } } }),
  ) as CfnResource[];
  expect(methods).toHaveLength(1);
  return methods[0] as CfnResource;
}

const statements = () => statementsOfRole(template, reportFunction.role as never);
const statementsOfService = (service: string) =>
  statements().filter((statement) => actionsOf([statement]).some((action) => action.startsWith(`${service}:`)));
const statementsNaming = (construct: Parameters<typeof logicalIdOf>[0]) =>
  statements().filter((statement) => JSON.stringify(statement.Resource).includes(`"${logicalIdOf(construct)}"`));

describe('POST /v1/secret-scanning/reports', () => {
  it('is a route of its own, public', () => {
    expect(
      PLATFORM_ROUTES.filter((route) => route.access.kind === 'public' && route.function === 'secret-scanning-report'),
    ).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/secret-scanning/reports' })]);
  });

  it('has no authorizer and requires no API key, so no usage plan applies', () => {
    const method = reportMethod();

    expect(method.Properties).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'NONE' });
    expect(method.Properties.AuthorizerId).toBeUndefined();
    expect(method.Properties.ApiKeyRequired).not.toBe(true);
    expect(JSON.stringify(method.Properties.Integration)).toContain(`"${logicalIdOf(reportFunction)}","Arn"`);
  });

  it('is the only method without an authorizer but the API docs, the console and its link exchange', () => {
    const open = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.AuthorizationType !== 'CUSTOM',
    );
    const otherPublic = PLATFORM_ROUTES.filter((route) =>
      ['api-docs', 'console', 'console-session-exchange'].includes(route.function),
    );
    expect(open).toHaveLength(1 + otherPublic.length);
    expect(platform.publicMethods).toHaveLength(1 + otherPublic.length);
  });
});

describe('the secret-scanning-report function', () => {
  it('reads and writes the key table', () => {
    const actions = actionsOf(statementsNaming(platform.table));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
  });

  it('reads the pepper and no other secret', () => {
    const secretStatements = statementsOfService('secretsmanager');
    expect(secretStatements.length).toBeGreaterThan(0);
    for (const statement of secretStatements) {
      expect(JSON.stringify(statement.Resource)).toContain(`"${logicalIdOf(platform.pepper)}"`);
    }
  });

  it('flushes the authorizer cache of the stages, and calls nothing else of API Gateway', () => {
    const flush = statementsOfService('apigateway');
    expect(flush).toHaveLength(1);
    expect(flush[0]?.Action).toBe('apigateway:DELETE');
    expect(JSON.stringify(flush[0]?.Resource)).toContain('/cache/authorizers');
  });

  it('sends to the webhook events queue only, and consumes nothing', () => {
    const sqsActions = actionsOf(statementsOfService('sqs'));
    expect(sqsActions).toContain('sqs:SendMessage');
    expect(sqsActions).not.toContain('sqs:ReceiveMessage');
    expect(actionsOf(statementsNaming(platform.webhooks.eventQueue))).toContain('sqs:SendMessage');
    expect(statementsNaming(platform.webhooks.deliveryQueue)).toEqual([]);
    expect(statementsNaming(platform.reminders.queue)).toEqual([]);
    expect(statementsNaming(platform.keyExpiry.queue)).toEqual([]);
  });

  it('sends email from the sender identity only', () => {
    const ses = statementsOfService('ses');
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toBe('ses:SendEmail');
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/api-keys@example.com');
  });

  it('may do nothing else', () => {
    const services = new Set(actionsOf(statements()).map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['apigateway', 'dynamodb', 'logs', 'secretsmanager', 'ses', 'sqs', 'xray']);
  });

  it('gets the partner public keys from the construct, and a key that is not P-256 fails synth', () => {
    const partner = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string;
    const consumer = new Stack(testApp(), 'Partners');
    const api = new apigateway.RestApi(consumer, 'Api', { deployOptions: { stageName: 'live' } });
    new ApiKeyPlatform(consumer, 'Platform', {
      ...teamApi(consumer),
      api,
      secretScanning: { partnerPublicKeys: { 'gh-1': partner } },
    });

    Template.fromStack(consumer).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SECRET_SCANNING_PUBLIC_KEYS: JSON.stringify({ 'gh-1': partner }) }),
      },
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    const other = new Stack(testApp(), 'BadPartner');
    const otherApi = new apigateway.RestApi(other, 'Api', { deployOptions: { stageName: 'live' } });
    expect(
      () =>
        new ApiKeyPlatform(other, 'Platform', {
          ...teamApi(other),
          api: otherApi,
          secretScanning: { partnerPublicKeys: { 'gh-1': rsa as string } },
        }),
    ).toThrow(/P-256/);
  });
});
