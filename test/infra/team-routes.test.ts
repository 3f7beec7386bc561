/**
 * The team's API on the construct: each route's method goes to its Lambda backend, its HTTP
 * service (with the caller as headers from the authorizer) or its integration, paid routes go
 * through the metered proxy, and a mismatch between definition and props fails synth by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { defineApi, type RouteInput } from '../../functions/definition/api-definition';
import { CALLER_HEADERS, REDACTED_KEY } from '../../functions/definition/caller-headers';
import { ApiKeyPlatform, ApiKeyPlatformPropsError } from '../../infra/api-key-platform';
import { platformFunctionCode } from '../../infra/function-code';
import { findProjectRoot } from '../../infra/function-defaults';
import { actionsOf, logicalIdOf, statementsOfRole, testApp } from './synth';

const route = (method: RouteInput['method'], path: string, backend: RouteInput['backend'], credits?: number) =>
  ({
    method,
    path,
    permission: 'rides:read',
    summary: `${method} ${path}`,
    backend,
    ...(credits !== undefined && { credits }),
  }) satisfies RouteInput;

const ridesApi = defineApi({
  name: 'Rides API',
  resources: { rides: ['read'] },
  routes: [
    route('GET', '/v1/rides', { lambda: 'rides' }),
    route('GET', '/v1/rides/{id}', { http: 'https://fleet.example.com/rides/{id}' }),
    route('GET', '/v1/zones', { integration: 'zones' }),
    route('POST', '/v1/quotes', { lambda: 'quotes' }, 2),
    route('POST', '/v1/reports', { http: 'https://fleet.example.com/reports' }, 1),
  ],
  plans: { starter: { requestsPerMinute: 60 } },
  defaultPlan: 'starter',
  stages: { live: 'prod', sandbox: 'test' },
  apiKeyHeader: 'authorization',
});

function stubFunction(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
  });
}

function teamStack(overrides: Partial<ConstructorParameters<typeof ApiKeyPlatform>[2]> = {}, stageName = 'prod') {
  const stack = new Stack(testApp(), 'Team');
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName } });
  const rides = stubFunction(stack, 'Rides');
  const quotes = stubFunction(stack, 'Quotes');
  const props = {
    api,
    definition: ridesApi,
    backends: { rides, quotes },
    integrations: { zones: new apigateway.MockIntegration() },
    ...overrides,
  };
  return { stack, api, rides, quotes, construct: () => new ApiKeyPlatform(stack, 'Platform', props) };
}

/** The method at a path such as `/v1/rides/{id}`, found through the chain of resource parents. */
const methodOf = (template: Template, httpMethod: string, path: string) => {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const properties = resources[id]?.Properties;
    return properties ? `${properties.ParentId.Ref ? pathOf(properties.ParentId.Ref) : ''}/${properties.PathPart}` : '';
  };
  const [method] = Object.values(
    template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: httpMethod } }),
  ).filter((candidate) => pathOf(candidate.Properties.ResourceId?.Ref) === path);
  if (!method) throw new Error(`No ${httpMethod} method on ${path}`);
  return method.Properties;
};

describe('the team’s routes on ApiKeyPlatform', () => {
  const { stack, rides, quotes, construct } = teamStack();
  const platform = construct();
  const template = Template.fromStack(stack);
  const meteredProxy = platform.functions['metered-proxy'];

  it('sends a Lambda backend’s route to that function', () => {
    const method = methodOf(template, 'GET', '/v1/rides');
    expect(method.Integration.Type).toBe('AWS_PROXY');
    expect(JSON.stringify(method.Integration.Uri)).toContain(logicalIdOf(rides));
  });

  it('proxies an HTTP backend’s route with its path parameters and the caller headers from the authorizer', () => {
    const method = methodOf(template, 'GET', '/v1/rides/{id}');
    expect(method.Integration).toMatchObject({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'GET',
      Uri: 'https://fleet.example.com/rides/{id}',
    });
    expect(method.Integration.RequestParameters).toEqual({
      'integration.request.path.id': 'method.request.path.id',
      ...Object.fromEntries(
        Object.entries(CALLER_HEADERS).map(([header, key]) => [
          `integration.request.header.${header}`,
          `context.authorizer.${key}`,
        ]),
      ),
      'integration.request.header.x-api-key': `'${REDACTED_KEY}'`,
      'integration.request.header.Authorization': `'${REDACTED_KEY}'`,
    });
    expect(method.RequestParameters).toEqual({ 'method.request.path.id': true });
    expect(method).toMatchObject({ AuthorizationType: 'CUSTOM', ApiKeyRequired: true });
  });

  it.each([
    ['x-api-key', { 'integration.request.header.x-api-key': `'${REDACTED_KEY}'` }],
    [
      'authorization',
      {
        'integration.request.header.x-api-key': `'${REDACTED_KEY}'`,
        'integration.request.header.Authorization': `'${REDACTED_KEY}'`,
      },
    ],
    [
      'either',
      {
        'integration.request.header.x-api-key': `'${REDACTED_KEY}'`,
        'integration.request.header.Authorization': `'${REDACTED_KEY}'`,
      },
    ],
  ] as const)('in %s mode maps the key headers to a static value, so an HTTP backend never gets the client’s key', (mode, expected) => {
    const { stack, construct } = teamStack({ apiKeyHeader: mode });
    construct();

    const parameters = methodOf(Template.fromStack(stack), 'GET', '/v1/rides/{id}').Integration.RequestParameters;

    const keyMappings = Object.entries(parameters).filter(([name]) =>
      /^integration\.request\.header\.(x-api-key|authorization)$/i.test(name),
    );
    expect(Object.fromEntries(keyMappings)).toEqual(expected);
  });

  it('passes an HTTP backend the authorizer’s signature over the caller', () => {
    expect(methodOf(template, 'GET', '/v1/rides/{id}').Integration.RequestParameters).toMatchObject({
      'integration.request.header.X-Caller-Signature': 'context.authorizer.callerSignature',
      'integration.request.header.X-Caller-Issued-At': 'context.authorizer.callerIssuedAt',
      'integration.request.header.X-Caller-Audience': 'context.authorizer.callerAudience',
    });
  });

  it('lets a team’s role read the caller signing secret through grantCallerSecret, and no platform function but the two authorizers', () => {
    const { stack, construct } = teamStack();
    const platform = construct();
    const taskRole = new iam.Role(stack, 'FleetTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });

    platform.grantCallerSecret(taskRole);

    const template = Template.fromStack(stack);
    const secretId = logicalIdOf(platform.callerSigningSecret);
    const taskActions = actionsOf(
      statementsOfRole(template, taskRole).filter((statement) => JSON.stringify(statement.Resource).includes(secretId)),
    );
    expect(taskActions).toContain('secretsmanager:GetSecretValue');
    const readers = Object.entries(platform.functions)
      .filter(([, fn]) => JSON.stringify(statementsOfRole(template, fn.role as iam.IRole)).includes(secretId))
      .map(([functionId]) => functionId);
    // The management authorizer answers keys exactly as the key authorizer does, signature included.
    expect(readers).toEqual(['authorizer', 'management-authorizer']);
    expect(
      template.findResources('AWS::Lambda::Function')[logicalIdOf(platform.functions.authorizer)]?.Properties
        .Environment.Variables.CALLER_SIGNING_SECRET_ID,
    ).toEqual({ Ref: secretId });
  });

  it('uses the integration the team passed for an integration backend', () => {
    expect(methodOf(template, 'GET', '/v1/zones').Integration.Type).toBe('MOCK');
  });

  it.each([
    ['POST', 'quotes'],
    ['POST', 'reports'],
  ])('serves the paid route %s /v1/%s through the metered proxy, whatever its backend', (httpMethod, pathPart) => {
    const method = methodOf(template, httpMethod, `/v1/${pathPart}`);
    expect(method.Integration.Type).toBe('AWS_PROXY');
    expect(JSON.stringify(method.Integration.Uri)).toContain(logicalIdOf(meteredProxy));
  });

  it('lets the metered proxy invoke exactly the Lambda backends of paid routes, named in BACKEND_FUNCTIONS', () => {
    const invokes = statementsOfRole(template, meteredProxy.role as never).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('lambda:')),
    );
    expect(invokes).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalIdOf(quotes), 'Arn'] },
      }),
    ]);
    const env = stack.resolve((meteredProxy.node.defaultChild as lambda.CfnFunction).environment) as {
      variables: Record<string, unknown>;
    };
    expect(JSON.stringify(env.variables.BACKEND_FUNCTIONS)).toContain(
      `"{\\"quotes\\":\\"",{"Fn::GetAtt":["${logicalIdOf(quotes)}","Arn"]}`,
    );
  });

  it('takes the key header mode from the definition', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      IdentitySource: 'method.request.header.Authorization,context.identity.sourceIp',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ API_KEY_HEADER: 'authorization' }) },
    });
  });

  it('flushes the authorizer cache of the definition’s stages only', () => {
    const flushes = statementsOfRole(template, platform.functions['keys-delete'].role as never).filter((statement) =>
      actionsOf([statement]).includes('apigateway:DELETE'),
    );
    const resources = JSON.stringify(flushes.map((statement) => statement.Resource));
    expect(resources).toContain('/stages/prod/cache/authorizers');
    expect(resources).toContain('/stages/test/cache/authorizers');
    expect(resources).not.toContain('/stages/live/');
  });

  it('lets a backend publish events: the team queue URL in its environment and SendMessage on it', () => {
    const { stack: other, rides: publisher, construct: make } = teamStack();
    make().grantPublishEvents(publisher);
    const otherTemplate = Template.fromStack(other);
    const statements = statementsOfRole(otherTemplate, publisher.role as never);
    expect(actionsOf(statements)).toEqual(['sqs:SendMessage']);
    otherTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(publisher.role as never), 'Arn'] },
      Environment: { Variables: { TEAM_EVENT_QUEUE_URL: Match.anyValue() } },
    });
  });
});

describe('ApiKeyPlatform props against the definition', () => {
  const problemsOf = (make: () => unknown): string[] => {
    try {
      make();
    } catch (error) {
      if (error instanceof ApiKeyPlatformPropsError) return [...error.problems];
      throw error;
    }
    throw new Error('no ApiKeyPlatformPropsError');
  };

  it('names each backend and integration the routes need but the props lack', () => {
    const { construct } = teamStack({ backends: {}, integrations: {} });
    expect(problemsOf(construct)).toEqual([
      "GET /v1/rides is served by the Lambda backend 'rides': pass it in backends",
      "GET /v1/zones is served by the integration 'zones': pass it in integrations",
      "POST /v1/quotes is served by the Lambda backend 'quotes': pass it in backends",
    ]);
  });

  it('names props that serve no route', () => {
    const stack = new Stack(testApp(), 'Extra');
    const { construct } = teamStack({
      backends: {
        rides: stubFunction(stack, 'A'),
        quotes: stubFunction(stack, 'B'),
        ridez: stubFunction(stack, 'C'),
      },
      integrations: { zones: new apigateway.MockIntegration(), zone: new apigateway.MockIntegration() },
    });
    expect(problemsOf(construct)).toEqual([
      'backends.ridez serves no route of the definition',
      'integrations.zone serves no route of the definition',
    ]);
  });

  it('refuses a paid route’s Lambda backend that would outlive the metered proxy’s 25 s wait', () => {
    const stack = new Stack(testApp(), 'Slow');
    const slow = (id: string, seconds: number) =>
      new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
        timeout: Duration.seconds(seconds),
      });
    // The free route's backend may run as long as it likes: no one is charged for it.
    expect(
      problemsOf(teamStack({ backends: { rides: slow('Rides', 60), quotes: slow('Quotes', 26) } }).construct),
    ).toEqual([
      "POST /v1/quotes costs credits and its Lambda backend 'quotes' times out after 26 s: the metered proxy refunds after 25 s, so set its timeout to 25 s or less",
    ]);
  });

  it('accepts a paid route’s Lambda backend of 25 s, and an imported one whose timeout it cannot know', () => {
    const stack = new Stack(testApp(), 'Fits');
    const quotes = new lambda.Function(stack, 'Quotes', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{}" });'),
      timeout: Duration.seconds(25),
    });
    const imported = lambda.Function.fromFunctionArn(
      stack,
      'Imported',
      'arn:aws:lambda:eu-west-1:123456789012:function:quotes',
    );
    expect(() => teamStack({ backends: { rides: stubFunction(stack, 'Rides'), quotes } }).construct()).not.toThrow();
    expect(() =>
      teamStack({ backends: { rides: stubFunction(stack, 'Rides2'), quotes: imported } }).construct(),
    ).not.toThrow();
  });

  it('refuses a stage the definition does not name, on the API and in the usage plans', () => {
    expect(problemsOf(teamStack({}, 'live').construct)).toEqual([
      "the stage 'live' is not one of the definition's stages (prod, test): keys would not work on it",
    ]);
    const { stack, api, construct } = teamStack();
    const platform = construct();
    const deployment = api.latestDeployment as apigateway.Deployment;
    const stray = new apigateway.Stage(stack, 'Stray', { deployment, stageName: 'beta' });
    expect(problemsOf(() => platform.addUsagePlans(api, [api.deploymentStage, stray]))).toEqual([
      "the stage 'beta' is not one of the definition's stages (prod, test): keys would not work on it",
    ]);
  });
});

describe('platform function code', () => {
  it('is the function’s bundle with the compiled definition beside it as api-definition.json', () => {
    const app = new App({ outdir: join(require('node:os').tmpdir(), `code-test-${process.pid}`) });
    const stack = new Stack(app, 'Code');
    new lambda.Function(stack, 'Whoami', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: platformFunctionCode({
        functionId: 'whoami',
        definition: ridesApi.compiled,
        sourceMaps: false,
        projectRoot: findProjectRoot(),
      }),
    });
    const assembly = app.synth();
    const assetDirs = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assetDirs).toHaveLength(1);
    const dir = join(assembly.directory, assetDirs[0] as string);
    expect(readdirSync(dir).sort()).toEqual(['api-definition.json', 'index.js']);
    expect(JSON.parse(readFileSync(join(dir, 'api-definition.json'), 'utf8'))).toEqual(ridesApi.compiled);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('handler');
  });
});
