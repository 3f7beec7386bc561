/**
 * The installable package, end to end: build it, `npm pack` it, install the tarball into a new CDK
 * app of a team's own (its own API, an HTTP and a Lambda backend, an event with the team's own
 * zod), and `cdk synth` that app with nothing else installed: no esbuild, no repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../../infra/index';

const root = process.cwd();
const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The team's app: plain CommonJS run by node, as `cdk init app --language javascript` makes it. */
const APP_JS = `
const { App, Stack } = require('aws-cdk-lib');
const apigateway = require('aws-cdk-lib/aws-apigateway');
const lambda = require('aws-cdk-lib/aws-lambda');
const { z } = require('zod');
const { ApiKeyPlatform, defineApi, VERSION } = require('api-key-platform');

const parcels = defineApi({
  name: 'Parcels API',
  resources: { parcels: ['read', 'create'], couriers: ['read'] },
  presets: { read: { description: 'Reads', scopes: ['*:read'] } },
  routes: [
    { method: 'GET', path: '/v2/parcels', permission: 'parcels:read', summary: 'List parcels', backend: { lambda: 'parcels' } },
    { method: 'POST', path: '/v2/parcels', permission: 'parcels:create', summary: 'Send a parcel', backend: { lambda: 'parcels' }, credits: 3 },
    { method: 'GET', path: '/v2/couriers/{id}', permission: 'couriers:read', summary: 'Get a courier', backend: { http: 'https://couriers.example.com/couriers/{id}' } },
  ],
  events: {
    'parcel.delivered': {
      description: 'A parcel arrived.',
      data: z.object({ parcelId: z.string(), deliveredAt: z.string() }),
      example: { parcelId: 'p_1', deliveredAt: '2026-12-01T10:00:00Z' },
    },
  },
  plans: { basic: { requestsPerMinute: 120, quota: { limit: 10000, period: 'MONTH' } } },
  defaultPlan: 'basic',
  keyPrefix: 'pc',
});

const app = new App();
const stack = new Stack(app, 'ParcelsStack');
const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'live' } });
const sandbox = new apigateway.Stage(stack, 'Sandbox', { deployment: api.latestDeployment, stageName: 'sandbox' });
const parcelsFunction = new lambda.Function(stack, 'Parcels', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
});
const platform = new ApiKeyPlatform(stack, 'Keys', { api, definition: parcels, backends: { parcels: parcelsFunction } });
platform.addUsagePlans(api, [api.deploymentStage, sandbox]);
platform.grantPublishEvents(parcelsFunction);
console.error('api-key-platform ' + VERSION);
app.synth();
`;

/** The same app's setup in TypeScript, checked against the package's declarations. */
const APP_TS = `
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiKeyPlatform, type ApiKeyPlatformProps, defineApi, VERSION } from 'api-key-platform';
import { defineApi as defineFromDefinition } from 'api-key-platform/definition';
import { callerFromHeaders } from 'api-key-platform/backend';

const definition = defineApi({
  name: 'Parcels API',
  resources: { parcels: ['read'] },
  routes: [{ method: 'GET', path: '/v2/parcels', permission: 'parcels:read', summary: 'List', backend: { lambda: 'parcels' } }],
  plans: { basic: { requestsPerMinute: 60 } },
  defaultPlan: 'basic',
});
const stack = new Stack(new App(), 'Typed');
const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'live' } });
const fn = new lambda.Function(stack, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('') });
const props: ApiKeyPlatformProps = { api, definition, backends: { parcels: fn } };
new ApiKeyPlatform(stack, 'Keys', props);
// @ts-expect-error: a backend is a function, so the declarations must refuse a string here.
new ApiKeyPlatform(stack, 'Wrong', { api, definition, backends: { parcels: 'parcels' } });
export const used = [VERSION, defineFromDefinition, callerFromHeaders];
`;

/**
 * A Lambda backend of the same team on `api-key-platform/backend`: an ES module, as middy 7 (ESM
 * only) requires, with the optional peers the backend's types name.
 */
const BACKEND_TS = `
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type AccountScopedContext, accountScope, callerOf, eventPublisher } from 'api-key-platform/backend';

const publisher = eventPublisher({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/team-events', sqs: new SQSClient({}) });
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AccountScopedContext>()
  .use(accountScope())
  .handler(async (event, context) => {
    const organizationId: string = context.caller.organizationId;
    const { id } = await publisher.publish({ type: 'parcel.delivered', organizationId, environment: callerOf(event).environment, data: {} });
    return { statusCode: 200, body: JSON.stringify({ id, accountId: context.accountId }) };
  });
`;

/** The one type middy's declarations take from its optional durable-functions peer. */
const MIDDY_PEER_D_TS = `
declare module '@aws/durable-execution-sdk-js' {
  import type { Context } from 'aws-lambda';
  export type DurableContext = Context;
}
`;

/** What a consumer installs for its backends' types, at the versions the repository tests with. */
const OPTIONAL_PEERS = ['@aws-sdk/client-sqs', '@types/aws-lambda'];

/** The package a bare import of a declaration file names (`aws-lambda` comes from `@types/aws-lambda`). */
function packageOf(specifier: string): string {
  const name = specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
  return name === 'aws-lambda' ? '@types/aws-lambda' : name;
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
}

describe('the npm package', () => {
  let work: string;
  let tarball: string;
  let appDir: string;
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
  let synthLog: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'api-key-platform-package-'));
    // `npm pack` alone builds the package first (its prepack script): nothing else to remember.
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const packed = run('npm', ['pack', '--pack-destination', work, '--silent'], root).trim().split('\n').pop();
    tarball = join(work, packed as string);

    appDir = join(work, 'parcels-app');
    run('mkdir', ['-p', appDir], work);
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'parcels-app', private: true }, null, 2));
    writeFileSync(join(appDir, 'app.js'), APP_JS);
    writeFileSync(join(appDir, 'typed.ts'), APP_TS);
    writeFileSync(join(appDir, 'backend.mts'), BACKEND_TS);
    // middy's own declarations import its optional peer (durable functions), which this backend
    // does not use: any middy user checking libraries declares (or installs) it. Not this package's.
    writeFileSync(join(appDir, 'middy-peer.d.ts'), MIDDY_PEER_D_TS);
    writeFileSync(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          // The package's declarations are checked too: one importing a module the consumer
          // never installed fails here instead of silently turning into any.
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['typed.ts', 'backend.mts', 'middy-peer.d.ts'],
      }),
    );
    run(
      'npm',
      [
        'install',
        tarball,
        `aws-cdk-lib@${installedVersion('aws-cdk-lib')}`,
        `constructs@${installedVersion('constructs')}`,
        `zod@${installedVersion('zod')}`,
        // What a CDK app in TypeScript has anyway (aws-cdk-lib's declarations need Node's), the
        // optional peers, and the backend's own middy.
        `@types/node@${installedVersion('@types/node')}`,
        ...OPTIONAL_PEERS.map((name) => `${name}@${installedVersion(name)}`),
        `@middy/core@${installedVersion('@middy/core')}`,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
      ],
      appDir,
    );
    const synth = execFileSync(
      join(root, 'node_modules/.bin/cdk'),
      ['synth', '--app', 'node app.js', '--output', 'cdk.out', '--quiet', '--no-notices'],
      {
        cwd: appDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      },
    );
    synthLog = synth;
    template = JSON.parse(readFileSync(join(appDir, 'cdk.out', 'ParcelsStack.template.json'), 'utf8'));
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const paths = () => {
    const resources = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource');
    const byId = new Map(resources);
    const pathOf = (id: string): string => {
      const properties = byId.get(id)?.Properties;
      if (!properties) return '';
      return `${properties.ParentId?.Ref ? pathOf(properties.ParentId.Ref) : ''}/${properties.PathPart}`;
    };
    return Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Method')
      .map((method) => `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId.Ref)}`);
  };

  it('holds the built code and declarations only: no TypeScript sources, no examples', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => file.includes('examples/'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/types/infra/index.d.ts']));
    expect(files).toContain('package/dist/functions/authorizer/index.js');
  });

  it('installs with no esbuild and no runtime dependency of its own', () => {
    expect(existsSync(join(appDir, 'node_modules', 'esbuild'))).toBe(false);
    const installed = JSON.parse(
      readFileSync(join(appDir, 'node_modules', 'api-key-platform', 'package.json'), 'utf8'),
    ) as { dependencies?: object; version: string };
    expect(installed.dependencies ?? {}).toEqual({});
    expect(installed.version).toBe(repoPackage.version);
  });

  it('synthesizes the team’s routes and the platform’s, and none of the examples’', () => {
    const methods = paths();
    expect(methods).toEqual(
      expect.arrayContaining(['GET /v2/parcels', 'POST /v2/parcels', 'GET /v2/couriers/{id}', 'POST /v1/keys']),
    );
    for (const examplePath of ['/v1/contacts', '/v1/rides', '/v1/tables', '/v1/vehicles']) {
      expect(methods.filter((method) => method.includes(examplePath))).toEqual([]);
    }
  });

  it('ships the team’s compiled definition, its own zod event schema included, with every function', () => {
    const assets = readdirSync(join(appDir, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    const definitions = assets
      .map((asset) => join(appDir, 'cdk.out', asset, 'api-definition.json'))
      .filter((file) => existsSync(file));
    expect(definitions.length).toBeGreaterThanOrEqual(20);
    const compiled = JSON.parse(readFileSync(definitions[0] as string, 'utf8'));
    expect(compiled).toMatchObject({ name: 'Parcels API', keyPrefix: 'pc' });
    expect(compiled.events['parcel.delivered'].schema).toMatchObject({
      type: 'object',
      properties: { parcelId: { type: 'string' }, deliveredAt: { type: 'string' } },
    });
  });

  it("ships the docs page's swagger-ui files in the api-docs function's code", () => {
    const assets = readdirSync(join(appDir, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    const docs = assets.filter((asset) => existsSync(join(appDir, 'cdk.out', asset, 'swagger-ui-bundle.js')));
    expect(docs).toHaveLength(1);
    for (const file of ['index.js', 'swagger-ui.css', 'api-definition.json']) {
      expect(existsSync(join(appDir, 'cdk.out', docs[0] as string, file))).toBe(true);
    }
  });

  it('ships the declarations of its entry points only, importing nothing but its peer dependencies', () => {
    const typesDir = join(appDir, 'node_modules', 'api-key-platform', 'dist', 'types');
    const declarations = readdirSync(typesDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.d.ts'),
    );
    expect(declarations).not.toContain('infra/function-bundler.d.ts');
    const imported = new Set(
      declarations.flatMap((file) => {
        const code = readFileSync(join(typesDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        return [...code.matchAll(/(?:from|import\()\s*'([^.'][^']*)'/g)].map(([, specifier]) =>
          packageOf(specifier as string),
        );
      }),
    );
    expect([...imported].filter((name) => !(name in repoPackage.peerDependencies))).toEqual([]);
    for (const name of OPTIONAL_PEERS) expect(repoPackage.peerDependenciesMeta[name]).toEqual({ optional: true });
  });

  it('type-checks a TypeScript app and a Lambda backend against its declarations, entry points by entry point', () => {
    const check = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', appDir], { cwd: appDir, encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
  });

  it('exports a VERSION equal to package.json’s', () => {
    expect(VERSION).toBe(repoPackage.version);
    expect(synthLog).toBeDefined();
  });
});
