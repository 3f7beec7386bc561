/** Functions: shared runtime defaults, and environment and IAM derived from each entry's `needs`. */
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { runsPerCall } from '../../infra/function-logging';
import { actionsOf, logicalIdOf, type Statement, statementsOfRole, synthDemo } from './synth';

const { stack, template } = synthDemo();
const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
const AUTHORIZERS: FunctionId[] = ['authorizer', 'management-authorizer'];
/** Invoked per product call (runsPerCall), or per management call for the uncached management authorizer. */
const JSON_LOGGERS: FunctionId[] = ['authorizer', 'management-authorizer', 'metered-proxy'];

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const usesTable = (needs: FunctionNeeds) => needs.table.length > 0 || (needs.queryIndexes ?? []).length > 0;

function lambdaOf(functionId: FunctionId) {
  const resource = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.platform.functions[functionId])];
  if (!resource) throw new Error(`No Lambda function for ${functionId}`);
  return resource.Properties as { Environment: { Variables: Record<string, unknown> } } & Record<string, unknown>;
}

function statementsOf(functionId: FunctionId): Statement[] {
  const role = stack.platform.functions[functionId].role;
  if (!role) throw new Error(`${functionId} has no role`);
  return statementsOfRole(template, role);
}

describe('every function', () => {
  it('exists once per FUNCTIONS entry, beside the team’s backends and CDK’s S3 notification handler', () => {
    // BucketNotificationsHandler sets the usage bucket's notification at deploy time (constructs/access-log-delivery.ts).
    const handlers = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.startsWith('BucketNotificationsHandler'),
    );
    expect(handlers).toHaveLength(1);
    template.resourceCountIs(
      'AWS::Lambda::Function',
      functionIds.length + Object.keys(stack.backends).length + handlers.length,
    );
  });

  it.each(functionIds)('%s runs Node.js 22 on arm64 with its own log group', (functionId) => {
    const logGroupId = logicalIdOf(stack.platform.functions[functionId].logGroup);
    expect(lambdaOf(functionId)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'api-key-platform' } },
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
  });

  it.each(
    functionIds.filter((functionId) => !AUTHORIZERS.includes(functionId)),
  )('%s maps stack traces to the source', (functionId) => {
    expect(lambdaOf(functionId).Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it.each(AUTHORIZERS)('runs %s without source maps: it throws on every refused key', (functionId) => {
    expect(lambdaOf(functionId).Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });

  it.each(
    JSON_LOGGERS,
  )('%s, invoked per call, logs as JSON without Lambda’s START/END/REPORT lines (system WARN), application INFO', (functionId) => {
    expect(lambdaOf(functionId).LoggingConfig).toEqual({
      LogFormat: 'JSON',
      SystemLogLevel: 'WARN',
      ApplicationLogLevel: 'INFO',
      LogGroup: { Ref: logicalIdOf(stack.platform.functions[functionId].logGroup) },
    });
  });

  it('leaves the functions that run per minute or serve a management call in the text format, with their REPORT lines', () => {
    expect(functionIds.filter(runsPerCall).sort()).toEqual(['authorizer', 'metered-proxy']);
    for (const functionId of functionIds.filter((id) => !JSON_LOGGERS.includes(id))) {
      expect(lambdaOf(functionId).LoggingConfig).toEqual({
        LogGroup: { Ref: logicalIdOf(stack.platform.functions[functionId].logGroup) },
      });
    }
  });

  it('keeps logs for a month', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(functionIds.length);
    for (const logGroup of logGroups) expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  it('gives the authorizer more memory and a shorter timeout than the route functions', () => {
    expect(lambdaOf('authorizer')).toMatchObject({ MemorySize: 512, Timeout: 5 });
    expect(lambdaOf('keys-list')).toMatchObject({ MemorySize: 256, Timeout: 10 });
  });

  it('uses no AWS managed policies: each role may write only to its own log group', () => {
    for (const functionId of functionIds) {
      const fn = stack.platform.functions[functionId];
      const roleResource = template.findResources('AWS::IAM::Role')[logicalIdOf(fn.role as Construct)];
      expect(roleResource).toBeDefined();
      expect(roleResource?.Properties.ManagedPolicyArns).toBeUndefined();
      const logStatements = statementsOf(functionId).filter((s) => actionsOf([s]).some((a) => a.startsWith('logs:')));
      expect(logStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] }]);
    }
  });
});

describe.each(functionIds)('%s gets exactly what its needs say', (functionId) => {
  const needs: FunctionNeeds = FUNCTIONS[functionId].needs;
  const variables = lambdaOf(functionId).Environment.Variables;
  const actions = actionsOf(statementsOf(functionId));

  it('table access (the exact actions: least-privilege.test.ts)', () => {
    expect('TABLE_NAME' in variables).toBe(usesTable(needs));
    expect(actions.some((action) => action.startsWith('dynamodb:'))).toBe(usesTable(needs));
  });

  it('pepper', () => {
    expect('PEPPER_SECRET_ID' in variables).toBe(needs.pepper === true);
    expect(JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.pepper))).toBe(
      needs.pepper === true,
    );
  });

  it('webhook secret', () => {
    expect('WEBHOOK_SECRET_ID' in variables).toBe(needs.webhookSecret === true);
    expect(JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.webhooks.secret))).toBe(
      needs.webhookSecret === true,
    );
  });

  it('cursor key', () => {
    expect('CURSOR_SECRET_ID' in variables).toBe(needs.cursorKey === true);
    expect(JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.cursorKey))).toBe(
      needs.cursorKey === true,
    );
  });

  it('caller signing secret', () => {
    expect('CALLER_SIGNING_SECRET_ID' in variables).toBe(needs.callerSigningSecret === true);
    expect(JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.callerSigningSecret))).toBe(
      needs.callerSigningSecret === true,
    );
  });

  it('session secret', () => {
    expect('SESSION_SECRET_ID' in variables).toBe(needs.sessionSecret === true);
    expect(JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.sessionSecret))).toBe(
      needs.sessionSecret === true,
    );
  });

  it('secrets: Secrets Manager access only for the pepper, the cursor key, the webhook, caller signing or session secret', () => {
    expect(actions.some((action) => action.startsWith('secretsmanager:'))).toBe(
      needs.pepper === true ||
        needs.cursorKey === true ||
        needs.webhookSecret === true ||
        needs.callerSigningSecret === true ||
        needs.sessionSecret === true,
    );
  });

  it('authorizer cache flush', () => {
    expect('REST_API_ID' in variables).toBe(needs.flushAuthorizerCache === true);
    expect(actions.some((action) => action.startsWith('apigateway:'))).toBe(needs.flushAuthorizerCache === true);
  });
});

describe('least privilege, spelled out', () => {
  it('lets the authorizer read the table and the pepper, and nothing more', () => {
    const actions = actionsOf(statementsOf('authorizer'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'secretsmanager:GetSecretValue']));
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
    // X-Ray's two actions come with tracing (lambda.Tracing.ACTIVE); they reach no data.
    expect(actions.filter((action) => !/^(dynamodb|secretsmanager|logs|xray):/.test(action))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('xray:')).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(lambdaOf('authorizer').Environment.Variables.PEPPER_SECRET_ID).toEqual({
      Ref: logicalIdOf(stack.platform.pepper),
    });
  });

  it('lets keys-status flush only the authorizer cache of this API, stage by stage', () => {
    const flush = statementsOf('keys-status').filter((s) => actionsOf([s]).some((a) => a.startsWith('apigateway:')));
    expect(flush).toHaveLength(1);
    expect(flush[0]?.Action).toBe('apigateway:DELETE');
    const resources = JSON.stringify(flush[0]?.Resource);
    expect(resources).toContain(`{"Ref":"${logicalIdOf(stack.api)}"}`);
    expect(resources).toContain('/stages/live/cache/authorizers');
    expect(resources).toContain('/stages/sandbox/cache/authorizers');
    expect(resources).not.toContain('/stages/*');
    expect(lambdaOf('keys-status').Environment.Variables.REST_API_ID).toEqual({ Ref: logicalIdOf(stack.api) });
  });

  it('has a generated cursor key, readable by exactly the functions that page', () => {
    const secret = template.findResources('AWS::SecretsManager::Secret')[logicalIdOf(stack.platform.cursorKey)];
    expect(secret?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    const readers = functionIds.filter((functionId) =>
      JSON.stringify(statementsOf(functionId)).includes(logicalIdOf(stack.platform.cursorKey)),
    );
    expect(readers.sort()).toEqual(
      [
        'audit-log',
        'console-sessions',
        'key-calls',
        'keys-list',
        'notifications-list',
        'webhook-deliveries',
        'webhooks',
      ].sort(),
    );
  });

  it('does not let keys-list read the pepper: its one secret is the cursor key', () => {
    const secretStatements = statementsOf('keys-list').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretStatements.map((s) => s.Resource)).toEqual([{ Ref: logicalIdOf(stack.platform.cursorKey) }]);
    expect(JSON.stringify(statementsOf('keys-list'))).not.toContain(logicalIdOf(stack.platform.pepper));
  });
});
