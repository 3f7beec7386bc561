/**
 * Least privilege per function: each role holds exactly the actions its `needs` name, on exactly
 * the resources they name, and the needs themselves cover the shared runtime every route runs in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../../functions/definition/functions';
import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { AUDITED, PAID, ROUTE_STACK } from '../../functions/definition/table-access';
import { findProjectRoot } from '../../infra/function-defaults';
import { renderIamDoc } from '../../infra/iam-doc';
import { logicalIdOf, type Statement, statementsOfRole, synthDemo } from './synth';

const { stack, template } = synthDemo();
const platform = stack.platform;
const functionIds = Object.keys(FUNCTIONS) as FunctionId[];
const needsOf = (functionId: FunctionId): FunctionNeeds => FUNCTIONS[functionId].needs;

const statementsOf = (functionId: FunctionId): Statement[] =>
  statementsOfRole(template, platform.functions[functionId].role as never);

/** A statement's resource as a short name: a logical id, `<table id>/index/<name>`, or the string itself. */
function resourceName(resource: unknown): string {
  const value = resource as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (typeof resource === 'string') return resource;
  if (value.Ref) return value.Ref;
  if (value['Fn::GetAtt']) return value['Fn::GetAtt'][0];
  if (value['Fn::Join']) return value['Fn::Join'][1].map(resourceName).join('');
  return JSON.stringify(resource);
}

/** Every action a role may take, by resource name; `service` keeps one service's actions only. */
function accessOf(functionId: FunctionId, service: string): Record<string, string[]> {
  const access: Record<string, Set<string>> = {};
  for (const statement of statementsOf(functionId)) {
    const actions = [statement.Action].flat().filter((action) => action.startsWith(`${service}:`));
    const resources = [statement.Resource].flat();
    for (const resource of resources) {
      const name = resourceName(resource);
      const onResource = access[name] ?? new Set<string>();
      for (const action of actions) onResource.add(action.slice(service.length + 1));
      if (onResource.size > 0) access[name] = onResource;
    }
  }
  return Object.fromEntries(Object.entries(access).map(([name, actions]) => [name, [...actions].sort()]));
}

const TABLE = logicalIdOf(platform.table);
const BUCKET = logicalIdOf(platform.usage.delivery.bucket);

describe.each(functionIds)('%s', (functionId) => {
  const needs = needsOf(functionId);

  it('may take the table actions its needs name and no other, and Query only the indexes it names', () => {
    const expected: Record<string, string[]> = {};
    if (needs.table.length > 0) expected[TABLE] = [...new Set(needs.table)].sort();
    for (const index of needs.queryIndexes ?? []) expected[`${TABLE}/index/${index}`] = ['Query'];
    expect(accessOf(functionId, 'dynamodb')).toEqual(expected);
  });

  it('may GetObject and PutObject under the usage bucket prefixes its needs name, and take no other S3 action', () => {
    const expected: Record<string, string[]> = {};
    for (const prefix of needs.usageBucket?.read ?? []) expected[`${BUCKET}/${prefix}*`] = ['GetObject'];
    for (const prefix of needs.usageBucket?.write ?? []) expected[`${BUCKET}/${prefix}*`] = ['PutObject'];
    expect(accessOf(functionId, 's3')).toEqual(expected);
  });

  it('reads its secrets with GetSecretValue and nothing else', () => {
    for (const actions of Object.values(accessOf(functionId, 'secretsmanager'))) {
      expect(actions).toEqual(['GetSecretValue']);
    }
  });
});

describe('least privilege, against the grants before issue 10', () => {
  it("lets the authorizer GetItem key and organization items (a '*' key's sub-accounts) and nothing else on the table", () => {
    expect(accessOf('authorizer', 'dynamodb')).toEqual({ [TABLE]: ['GetItem'] });
    const statement = statementsOf('authorizer').find((s) => [s.Action].flat().includes('dynamodb:GetItem')) as
      | (Statement & { Condition?: unknown })
      | undefined;
    expect(statement?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['KEY#*', 'ORG#*'] },
    });
  });

  it('lets whoami read only organization items and count only rate windows', () => {
    const conditionOf = (action: string) =>
      (
        statementsOf('whoami').find((s) => [s.Action].flat().includes(`dynamodb:${action}`)) as
          | (Statement & { Condition?: unknown })
          | undefined
      )?.Condition;

    expect(conditionOf('GetItem')).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] } });
    expect(conditionOf('UpdateItem')).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
  });

  it.each([
    // Issue 15: GetItem of the organization item, for its name, locale and sub-accounts.
    ['whoami', { [TABLE]: ['GetItem', 'UpdateItem'] }],
    ['webhook-event-types', { [TABLE]: ['UpdateItem'] }],
    ['key-expiry-worker', { [TABLE]: ['GetItem', 'UpdateItem'] }],
    // Issue 13: GetItem and Query for the recent usage windows (lastUsedAt).
    // Issue 14: no PutItem: a reader of people reads a legacy organization's members array as it is.
    ['keys-list', { [TABLE]: ['BatchGetItem', 'GetItem', 'Query', 'UpdateItem'], [`${TABLE}/index/gsi1`]: ['Query'] }],
    ['reminders-scan', { [TABLE]: ['BatchGetItem'], [`${TABLE}/index/gsi2`]: ['Query'] }],
  ] as const)('spells out %s', (functionId, expected) => {
    expect(accessOf(functionId, 'dynamodb')).toEqual(expected);
  });

  it('lets no role Scan the table, nor reach every index with index/*', () => {
    for (const functionId of functionIds) {
      const access = accessOf(functionId, 'dynamodb');
      expect(Object.values(access).flat()).not.toContain('Scan');
      expect(Object.keys(access).filter((name) => name.endsWith('/index/*'))).toEqual([]);
    }
  });

  it('gives no role DescribeSecret, GetQueueUrl or GetQueueAttributes it does not poll with', () => {
    for (const functionId of functionIds) {
      expect(Object.values(accessOf(functionId, 'secretsmanager')).flat()).not.toContain('DescribeSecret');
      const sqs = Object.values(accessOf(functionId, 'sqs')).flat();
      expect(sqs).not.toContain('GetQueueUrl');
      expect(sqs.includes('GetQueueAttributes')).toBe(needsOf(functionId).consumeQueue !== undefined);
    }
  });

  it('lets only the delivery worker hide messages, and lets it re-send to its own queue (finding 1)', () => {
    const hiders = functionIds.filter((id) =>
      Object.values(accessOf(id, 'sqs')).flat().includes('ChangeMessageVisibility'),
    );
    expect(hiders).toEqual(['webhook-delivery']);
    expect(accessOf('webhook-delivery', 'sqs')[logicalIdOf(platform.webhooks.deliveryQueue)]).toEqual([
      'ChangeMessageVisibility',
      'DeleteMessage',
      'GetQueueAttributes',
      'ReceiveMessage',
      'SendMessage',
    ]);
  });
});

/** Each table action of a role, with the LeadingKeys prefixes it is held to ('any item' when unconditioned). */
function partitionsOf(functionId: FunctionId): Record<string, string[]> {
  const partitions: Record<string, Set<string>> = {};
  for (const statement of statementsOf(functionId) as (Statement & { Condition?: Record<string, never> })[]) {
    if (resourceName(statement.Resource) !== TABLE) continue;
    const leadingKeys: string[] | undefined =
      statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    for (const action of [statement.Action].flat().filter((name) => name.startsWith('dynamodb:'))) {
      const held = partitions[action.slice('dynamodb:'.length)] ?? new Set<string>();
      for (const prefix of leadingKeys ?? ['any item']) held.add(prefix);
      partitions[action.slice('dynamodb:'.length)] = held;
    }
  }
  return Object.fromEntries(Object.entries(partitions).map(([action, held]) => [action, [...held].sort()]));
}

describe('table partitions per action (issue 14 review: one condition over every action let the internet-facing functions write any partition they read)', () => {
  it.each(
    functionIds.filter((functionId) => needsOf(functionId).tablePartitions),
  )('%s holds each table action to the partitions its needs name for it', (functionId) => {
    const { table, tablePartitions } = needsOf(functionId);
    const expected = Object.fromEntries(
      [...new Set(table)].map((action) => [action, (tablePartitions?.[action] ?? []).map((p) => `${p}*`).sort()]),
    );
    expect(partitionsOf(functionId)).toEqual(expected);
  });

  it('lets the management authorizer write no key, session or link, and read no link', () => {
    const partitions = partitionsOf('management-authorizer');

    for (const write of ['PutItem', 'UpdateItem', 'DeleteItem']) {
      expect(partitions[write] ?? []).not.toEqual(expect.arrayContaining(['KEY#*']));
      expect(partitions[write] ?? []).not.toEqual(expect.arrayContaining(['SESSION#*']));
    }
    expect(partitions.DeleteItem).toBeUndefined();
    expect(Object.values(partitions).flat()).not.toContain('LINK#*');
  });

  it('lets the management authorizer put only OIDC subject lookups: it moves no legacy members', () => {
    expect(partitionsOf('management-authorizer').PutItem).toEqual(['OIDC#*']);
  });

  it('lets the public exchange delete only links and update only sessions and members (ORG#)', () => {
    expect(partitionsOf('console-session-exchange')).toEqual({
      DeleteItem: ['LINK#*'],
      UpdateItem: ['ORG#*', 'SESSION#*'],
    });
  });
});

describe('needs cover the runtime each function runs in', () => {
  const served = (predicate: (route: (typeof PLATFORM_ROUTES)[number]) => boolean) =>
    [...new Set(PLATFORM_ROUTES.filter(predicate).map((route) => route.function))].sort();
  const meteredProxies = functionIds.filter((functionId) => needsOf(functionId).invokeBackends);

  it.each(
    served((route) => route.access.kind !== 'public'),
  )('%s, a route handler, has the middy stack’s UpdateItem (rate limit, lastUsedAt)', (functionId) => {
    expect(needsOf(functionId).table).toEqual(expect.arrayContaining([...ROUTE_STACK]));
  });

  it.each(meteredProxies)('%s, which serves the paid routes, can charge and read credits', (functionId) => {
    expect(needsOf(functionId).table).toEqual(expect.arrayContaining([...PAID]));
  });

  it.each(
    functionIds.filter((functionId) =>
      readFileSync(join(findProjectRoot(), FUNCTIONS[functionId].entry), 'utf8').includes('auditAction'),
    ),
  )('%s, an audited route, can write its audit entries', (functionId) => {
    expect(needsOf(functionId).table).toEqual(expect.arrayContaining([...AUDITED]));
  });
});

describe('docs/iam.md', () => {
  it('is the table the definition renders (rewrite it with `npx tsx infra/write-iam-doc.ts`)', () => {
    expect(readFileSync(join(findProjectRoot(), 'docs', 'iam.md'), 'utf8')).toBe(renderIamDoc());
  });
});
