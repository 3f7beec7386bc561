/** The API surface: authorizer, one method per route (the platform's and the team's), gateway responses and stages. */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { AUTHORIZER_CACHE, gatewayResponsesFor } from '../../functions/definition/api';
import { FUNCTIONS, type FunctionId } from '../../functions/definition/functions';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { authorizerOf, isPublicRoute } from '../../functions/definition/routes';
import { ApiKeyPlatform } from '../../infra/api-key-platform';
import { toIdentitySource } from '../../infra/constructs/key-api';
import { logicalIdOf, synthDemo, TEST_DEFINITION, teamApi, testApp } from './synth';

const { stack, template } = synthDemo();
const teamRoutes = TEST_DEFINITION.compiled.routes;
const stageNames = Object.values(TEST_DEFINITION.compiled.stages);
/** What serves each route: the platform function, the team's backend, or the metered proxy for paid routes. */
const expectedTargets = [
  ...PLATFORM_ROUTES.map((route) => `${route.method} ${route.path} -> ${route.function}`),
  ...teamRoutes.map(
    (route) =>
      `${route.method} ${route.path} -> ${route.credits > 0 ? 'metered-proxy' : `backend:${'lambda' in route.backend ? route.backend.lambda : '?'}`}`,
  ),
];
const authorizerId = logicalIdOf(stack.platform.authorizer);
const managementAuthorizerId = logicalIdOf(stack.platform.managementAuthorizer);

type CfnResource = { Properties: Record<string, unknown> };

/** Rebuilds `/v1/keys/{id}` from the chain of AWS::ApiGateway::Resource parents. */
function pathOfResource(resources: Record<string, CfnResource>, resourceId: string): string {
  const resource = resources[resourceId];
  if (!resource) throw new Error(`No resource ${resourceId}`);
  const parent = resource.Properties.ParentId as { Ref?: string };
  const parentPath = parent.Ref ? pathOfResource(resources, parent.Ref) : '';
  return `${parentPath}/${resource.Properties.PathPart as string}`;
}

describe('authorizer', () => {
  it('is a cached REQUEST authorizer keyed on the API key header and the source IP', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 300,
      IdentitySource: 'method.request.header.x-api-key,context.identity.sourceIp',
    });
    expect(AUTHORIZER_CACHE.resultsCacheTtlSeconds).toBe(300);
  });

  it('has an uncached management authorizer with no identity source, so Bearer session and OIDC tokens reach it', () => {
    const management = template.findResources('AWS::ApiGateway::Authorizer')[managementAuthorizerId] as CfnResource;
    expect(management.Properties).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
    expect(management.Properties).not.toHaveProperty('IdentitySource');
    expect(JSON.stringify(management.Properties.AuthorizerUri)).toContain(
      `"${logicalIdOf(stack.platform.functions['management-authorizer'])}","Arn"`,
    );
    const invokers = Object.values(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }),
    ).filter(
      (permission) =>
        permission.Properties.FunctionName['Fn::GetAtt']?.[0] ===
        logicalIdOf(stack.platform.functions['management-authorizer']),
    );
    expect(JSON.stringify(invokers)).toContain(`"/authorizers/"`);
  });

  it('invokes the authorizer function', () => {
    const authorizer = Object.values(template.findResources('AWS::ApiGateway::Authorizer'))[0] as CfnResource;
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(
      `"${logicalIdOf(stack.platform.functions.authorizer)}","Arn"`,
    );
  });

  it('requires no identity source when the cache is turned off, so Bearer-only keys reach it', () => {
    const consumer = new Stack(testApp(), 'NoCache');
    const api = new apigateway.RestApi(consumer, 'Api', { deployOptions: { stageName: 'live' } });
    new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api, authorizerCacheTtl: Duration.seconds(0) });
    const authorizer = Object.values(Template.fromStack(consumer).findResources('AWS::ApiGateway::Authorizer'))[0];
    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(0);
    expect(authorizer?.Properties).not.toHaveProperty('IdentitySource');
  });

  it.each([
    ['authorization', 300, 'method.request.header.Authorization,context.identity.sourceIp'],
    ['either', 0, undefined],
  ] as const)('in key header mode %s caches for %i s on %s, and tells every function the mode', (mode, ttl, sources) => {
    const consumer = new Stack(testApp(), `Mode${mode}`);
    const api = new apigateway.RestApi(consumer, 'Api', { deployOptions: { stageName: 'live' } });
    const platform = new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api, apiKeyHeader: mode });
    const modeTemplate = Template.fromStack(consumer);

    const authorizer = Object.values(modeTemplate.findResources('AWS::ApiGateway::Authorizer'))[0];
    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(ttl);
    expect(authorizer?.Properties.IdentitySource).toBe(sources);
    for (const fn of [platform.functions.authorizer, platform.functions['keys-create']]) {
      modeTemplate.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Environment: { Variables: Match.objectLike({ API_KEY_HEADER: mode }) },
        Handler: Match.anyValue(),
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role as unknown as Parameters<typeof logicalIdOf>[0]), 'Arn'] },
      });
    }
  });

  it('refuses a gateway cache TTL in either mode, which has no identity source to key it on', () => {
    const consumer = new Stack(testApp(), 'EitherCached');
    const api = new apigateway.RestApi(consumer, 'Api', { deployOptions: { stageName: 'live' } });
    expect(
      () =>
        new ApiKeyPlatform(consumer, 'Platform', {
          ...teamApi(consumer),
          api,
          apiKeyHeader: 'either',
          authorizerCacheTtl: Duration.seconds(60),
        }),
    ).toThrow(/either/);
  });

  it('maps identity sources to the forms API Gateway accepts and rejects others', () => {
    expect(toIdentitySource('method.request.header.x-api-key')).toBe('method.request.header.x-api-key');
    expect(toIdentitySource('context.identity.sourceIp')).toBe('context.identity.sourceIp');
    expect(() => toIdentitySource('header.x-api-key')).toThrow(/Unsupported/);
  });
});

describe('routes', () => {
  const methods = template.findResources('AWS::ApiGateway::Method') as Record<string, CfnResource>;
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<string, CfnResource>;
  const functionIdByLogicalId = new Map<string, string>([
    ...(Object.keys(FUNCTIONS) as FunctionId[]).map((id) => [logicalIdOf(stack.platform.functions[id]), id] as const),
    ...Object.entries(stack.backends).map(([name, fn]) => [logicalIdOf(fn), `backend:${name}`] as const),
  ]);

  it('has exactly one method per route of the platform and of the definition', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', PLATFORM_ROUTES.length + teamRoutes.length);
  });

  it('protects every method but the public routes (secret-scanning reports) with the platform authorizer', () => {
    const authorized = Object.values(methods).filter((method) => method.Properties.AuthorizationType !== 'NONE');
    expect(authorized).toHaveLength(
      PLATFORM_ROUTES.filter((route) => !isPublicRoute(route)).length + teamRoutes.length,
    );
    for (const method of authorized) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', ApiKeyRequired: true });
    }
  });

  it('checks management routes with the management authorizer, the team’s and service routes with the key authorizer', () => {
    const authorizerOfMethod = Object.values(methods).map((method) => {
      const resourceId = (method.Properties.ResourceId as { Ref: string }).Ref;
      const { Ref } = (method.Properties.AuthorizerId ?? {}) as { Ref?: string };
      const by = Ref === managementAuthorizerId ? 'management' : Ref === authorizerId ? 'key' : Ref ? Ref : 'none';
      return `${method.Properties.HttpMethod as string} ${pathOfResource(resources, resourceId)} -> ${by}`;
    });
    const expected = [
      ...PLATFORM_ROUTES.map((route) => `${route.method} ${route.path} -> ${authorizerOf(route)}`),
      ...teamRoutes.map((route) => `${route.method} ${route.path} -> key`),
    ];
    expect(authorizerOfMethod.sort()).toEqual(expected.sort());
    expect(expected.some((line) => line.endsWith('-> key'))).toBe(true);
    expect(expected.some((line) => line.endsWith('-> none'))).toBe(true);
  });

  it('routes each method and path to its function, the team’s backend or the metered proxy, as a Lambda proxy integration', () => {
    const deployed = Object.values(methods).map((method) => {
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };
      expect(integration.Type).toBe('AWS_PROXY');
      const targets = [...JSON.stringify(integration.Uri).matchAll(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)];
      const functionIds = targets.map((match) => functionIdByLogicalId.get(match[1] as string)).filter(Boolean);
      expect(functionIds).toHaveLength(1);
      const resourceId = (method.Properties.ResourceId as { Ref: string }).Ref;
      return `${method.Properties.HttpMethod as string} ${pathOfResource(resources, resourceId)} -> ${functionIds[0]}`;
    });
    expect(deployed.sort()).toEqual([...expectedTargets].sort());
  });

  it('lets API Gateway invoke each route’s function on every stage of the definition, with one permission per function', () => {
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }),
    ).map((permission) => ({
      functionId: functionIdByLogicalId.get(permission.Properties.FunctionName['Fn::GetAtt']?.[0]),
      sourceArn: renderArn(permission.Properties.SourceArn),
    }));
    for (const target of expectedTargets) {
      const [, method, path, functionId] = /^(\S+) (\S+) -> (\S+)$/.exec(target) as unknown as string[];
      for (const stageName of stageNames) {
        const invoked = `API/${stageName}/${method}${(path as string).replace(/\{[^}]+\}/g, 'some-id')}`;
        const allowed = permissions.filter(
          (permission) => permission.functionId === functionId && globMatches(permission.sourceArn, invoked),
        );
        expect(allowed).not.toEqual([]);
      }
    }
    const perFunction = new Map<string, number>();
    for (const { functionId } of permissions)
      perFunction.set(functionId ?? '', (perFunction.get(functionId ?? '') ?? 0) + 1);
    expect([...perFunction.values()].every((count) => count === 1)).toBe(true);
  });
});

/** `arn:…:execute-api:…:${api}/${stage}/GET/v1/keys` -> `API/<stage ref>/GET/v1/keys`, so it can be matched. */
function renderArn(arn: { 'Fn::Join': [string, unknown[]] }): string {
  const parts = arn['Fn::Join'][1].map((part) => {
    if (typeof part === 'string') return part;
    const ref = (part as { Ref?: string }).Ref;
    return ref === logicalIdOf(stack.api) ? 'API' : `<${JSON.stringify(part)}>`;
  });
  return parts.join('').replace(/^.*:API\//, 'API/');
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(value);
}

describe('gateway responses', () => {
  const responses = gatewayResponsesFor(stack.platform.definition.compiled);

  it('rewrites every gateway response to the JSON error shape', () => {
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', Object.keys(responses).length);
    for (const [type, response] of Object.entries(responses)) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: response.statusCode === undefined ? Match.absent() : String(response.statusCode),
        ResponseTemplates: { 'application/json': response.template },
      });
    }
  });

  it("tells a client without a valid key this API's key prefix, stages and key header", () => {
    const { keyPrefix, stages } = stack.platform.definition.compiled;
    const bearer = gatewayResponsesFor({
      keyPrefix: 'lf',
      stages: { live: 'prod', sandbox: 'dev' },
      apiKeyHeader: 'authorization',
    });

    expect(responses.UNAUTHORIZED.template).toContain(`${keyPrefix}_live_ keys work on the ${stages.live} stage`);
    expect(bearer.UNAUTHORIZED.template).toContain(
      'as Authorization: Bearer <key>; lf_live_ keys work on the prod stage and lf_test_ keys on the dev stage',
    );
  });

  it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])('leaves the status of %s alone, so a 413 or a 504 keeps its code', (type) => {
    const [response] = Object.values(
      template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }),
    );
    expect(response?.Properties).toBeDefined();
    expect(response?.Properties).not.toHaveProperty('StatusCode');
  });

  it.each([
    ['UNAUTHORIZED', '401', 'unauthorized'],
    ['ACCESS_DENIED', '403', '$context.authorizer.errorCode'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'not_found'],
  ])('answers %s with %s and a JSON body', (type, statusCode, code) => {
    const [response] = Object.values(
      template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }),
    );
    expect(response?.Properties.StatusCode).toBe(statusCode);
    const body = JSON.parse(response?.Properties.ResponseTemplates['application/json'] as string);
    expect(body).toEqual({ error: { code, message: expect.any(String) } });
  });
});

describe('demo stages', () => {
  it('has one stage per stage of the definition, all on the same deployment', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', stageNames.length);
    const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stages.map((stage) => stage.Properties.StageName).sort()).toEqual([...stageNames].sort());
    expect(new Set(stages.map((stage) => JSON.stringify(stage.Properties.DeploymentId))).size).toBe(1);
  });

  it.each(stageNames)('logs access and errors on the %s stage', (stageName) => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stageName,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }),
      ]),
    });
  });

  it('outputs the URL of every stage and the table name', () => {
    const outputs = template.findOutputs('*');
    for (const stageName of stageNames) expect(outputs).toHaveProperty(`${stageName}Url`);
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(stack.platform.table) });
  });
});

describe('on a team’s own API', () => {
  it('adds the routes and the authorizer to an existing RestApi', () => {
    const consumer = new Stack(testApp(), 'Consumer');
    const api = new apigateway.RestApi(consumer, 'TeamApi', { deployOptions: { stageName: 'live' } });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    new ApiKeyPlatform(consumer, 'Platform', { ...teamApi(consumer), api });
    const consumerTemplate = Template.fromStack(consumer);
    consumerTemplate.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    consumerTemplate.resourceCountIs('AWS::ApiGateway::Method', PLATFORM_ROUTES.length + teamRoutes.length + 1);
    consumerTemplate.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
  });
});
