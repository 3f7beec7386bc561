/**
 * First-start setup of the local stack: the table (from the shared schema), the pepper secret and
 * a demo organization whose admin keys are written to .local/bootstrap.json.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type Projection,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayUsagePlans } from '../functions/adapters/api-gateway-usage-plans';
import { DynamoKeyStore } from '../functions/adapters/dynamo-key-store';
import { DynamoMemberStore } from '../functions/adapters/dynamo-member-store';
import { DynamoOrganizationStore } from '../functions/adapters/dynamo-organization-store';
import { DynamoSessionStore } from '../functions/adapters/dynamo-session-store';
import { pepperFromSecretsManager, secretBytesFromSecretsManager } from '../functions/adapters/pepper';
import { signInUrl } from '../functions/console-sessions/console-url';
import { QUEUES, type QueueId } from '../functions/definition/queues';
import { type IndexProjection, TABLE_SCHEMA } from '../functions/definition/table';
import { systemClock } from '../functions/domain/clock';
import { parseKey } from '../functions/domain/keys/key-token';
import { type ProvisioningDeps, provisionOrganization } from '../functions/domain/provisioning';
import { SESSION_LIFETIME } from '../functions/domain/sessions/session-model';
import { createSession } from '../functions/domain/sessions/session-service';
import { LOCAL_REGION } from './gateway/events';
import { localUsagePlanIds } from './gateway/usage-plans';

/** The local gateway's REST API id; the management handlers flush its authorizer cache by it. */
export const LOCAL_REST_API_ID = 'local';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalEndpoints {
  dynamodb: string;
  secretsManager: string;
  apiGateway: string;
  sqs: string;
  /** S3 (the usage bucket): fauxqs serves it on the SQS endpoint. */
  s3: string;
  ses: string;
  /** Lambda's Invoke API for the app's Lambda backends (the metered proxy calls them through it). */
  lambda: string;
}

export function localClients(endpoints: LocalEndpoints) {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  return {
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    secretsManager: new SecretsManagerClient({ ...common, endpoint: endpoints.secretsManager }),
    apiGateway: new APIGatewayClient({ ...common, endpoint: endpoints.apiGateway }),
  };
}

/** What provisioning needs, on the local stack's emulators and local gateway. */
export function localProvisioningDeps(
  clients: ReturnType<typeof localClients>,
  config: { tableName: string; pepperSecretId: string },
): ProvisioningDeps {
  return {
    keys: new DynamoKeyStore(clients.documents, config.tableName),
    organizations: new DynamoOrganizationStore(clients.documents, config.tableName),
    members: new DynamoMemberStore(clients.documents, config.tableName),
    usagePlans: new ApiGatewayUsagePlans(clients.apiGateway, {
      restApiId: LOCAL_REST_API_ID,
      usagePlanIds: localUsagePlanIds(),
    }),
    pepper: pepperFromSecretsManager(clients.secretsManager, config.pepperSecretId),
    clock: systemClock,
  };
}

export async function createTable(client: DynamoDBClient, tableName: string) {
  const { partitionKey, sortKey, globalSecondaryIndexes, timeToLiveAttribute: _ttl } = TABLE_SCHEMA;
  const attributes = new Set<string>([partitionKey, sortKey]);
  for (const index of globalSecondaryIndexes) attributes.add(index.partitionKey).add(index.sortKey);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: projectionOf(index.projection),
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await assertIndexes(client, tableName);
  }
  await untilActive(client, tableName);
}

/**
 * CreateTable answers while the table is still CREATING, and a request in that state is refused
 * as ResourceNotFound (dynalite marks the table ACTIVE on a timer, so a loaded machine can run the
 * first request before it): wait, as a deployment waits for CloudFormation.
 */
async function untilActive(client: DynamoDBClient, tableName: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`The local table ${tableName} did not become ACTIVE`);
}

const projectionOf = (projection: IndexProjection): Projection =>
  projection.type === 'KEYS_ONLY'
    ? { ProjectionType: 'KEYS_ONLY' }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.attributes] };

/**
 * dynalite cannot add an index to an existing table or change what one projects, so a `.local/`
 * made before an index was added to TABLE_SCHEMA (gsi2, for rotation reminders) or before the
 * indexes stopped projecting ALL has to be started over.
 */
async function assertIndexes(client: DynamoDBClient, tableName: string) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Map((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection]));
  const missing = TABLE_SCHEMA.globalSecondaryIndexes.filter((index) => !existing.has(index.indexName));
  if (missing.length > 0) {
    throw new Error(
      `The local table predates the index ${missing.map((index) => index.indexName).join(', ')} (added to functions/definition/table.ts), and the local DynamoDB cannot add an index to an existing table. Start over with \`rm -rf .local\` (this drops local keys and data).`,
    );
  }
  const shapeOf = (projection?: { ProjectionType?: string; NonKeyAttributes?: string[] }) =>
    `${projection?.ProjectionType} ${[...(projection?.NonKeyAttributes ?? [])].sort()}`;
  const changed = TABLE_SCHEMA.globalSecondaryIndexes.filter(
    (index) => shapeOf(existing.get(index.indexName)) !== shapeOf(projectionOf(index.projection)),
  );
  if (changed.length > 0) {
    throw new Error(
      `The local table's index ${changed.map((index) => index.indexName).join(', ')} copies other attributes than functions/definition/table.ts says (indexes no longer project ALL; see docs/dynamodb.md), and the local DynamoDB cannot change an existing index. Start over with \`rm -rf .local\` (this drops local keys and data).`,
    );
  }
}

/** Creates every queue of QUEUES with its DLQ and redrive policy; returns the queue URLs by id. */
export async function createQueues(client: SQSClient): Promise<Record<QueueId, string>> {
  const urls = {} as Record<QueueId, string>;
  for (const [id, queue] of Object.entries(QUEUES) as [QueueId, (typeof QUEUES)[QueueId]][]) {
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: queue.deadLetterQueueName,
        Attributes: { MessageRetentionPeriod: String(queue.deadLetterRetentionDays * 24 * 3600) },
      }),
    );
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const created = await client.send(
      new CreateQueueCommand({
        QueueName: queue.name,
        Attributes: {
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: Attributes?.QueueArn,
            maxReceiveCount: queue.maxReceiveCount,
          }),
        },
      }),
    );
    urls[id] = created.QueueUrl as string;
  }
  return urls;
}

/** The usage bucket (Firehose's access-log objects, the call-log archive); CreateBucket is idempotent locally. */
export async function createBucket(client: S3Client, bucket: string) {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** The local S3, as Firehose and the bootstrap reach it: path-style, as the emulator is on loopback. */
export function localS3Client(endpoint: string) {
  return new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint, forcePathStyle: true });
}

export async function createPepper(client: SecretsManagerClient, secretId: string) {
  try {
    await client.send(new CreateSecretCommand({ Name: secretId, SecretString: randomBytes(32).toString('base64') }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
  }
}

export interface DemoOrganization {
  organizationId: string;
  accountIds: string[];
  adminKey: string;
  sandboxAdminKey: string;
  ownerEmail: string;
}

/**
 * Reuses the demo organization of an earlier start if it still exists, else creates one on the
 * definition's default plan.
 */
export async function ensureDemoOrganization(
  clients: ReturnType<typeof localClients>,
  config: { tableName: string; pepperSecretId: string; bootstrapFile: string },
): Promise<DemoOrganization> {
  const deps = localProvisioningDeps(clients, config);
  if (existsSync(config.bootstrapFile)) {
    const previous = JSON.parse(readFileSync(config.bootstrapFile, 'utf8')) as Partial<DemoOrganization>;
    const organization = previous.organizationId ? await deps.organizations.get(previous.organizationId) : undefined;
    if (previous.adminKey && organization?.gatewayApiKeyId) return previous as DemoOrganization;
  }
  const ownerEmail = 'owner@demo.example';
  const { organization, adminKeys } = await provisionOrganization(deps, {
    name: 'Demo organization',
    ownerEmail,
    accountCount: 2,
    adminKeyEnvironments: ['live', 'test'],
  });
  return {
    organizationId: organization.id,
    accountIds: organization.accounts.map((account) => account.id),
    adminKey: adminKeys.live as string,
    sandboxAdminKey: adminKeys.test as string,
    ownerEmail,
  };
}

/**
 * A console sign-in link for the demo owner, new on every start (a link works once): a 7-day
 * session asked for by the demo's live admin key, through the same service as POST /v1/console-sessions.
 */
export async function createDemoConsoleUrl(
  clients: ReturnType<typeof localClients>,
  config: { tableName: string; sessionSecretId: string; consoleBaseUrl: string },
  demo: Pick<DemoOrganization, 'organizationId' | 'adminKey' | 'ownerEmail'>,
): Promise<string> {
  const adminKey = parseKey(demo.adminKey);
  if (!adminKey)
    throw new Error('The demo admin key in bootstrap.json is not a key of this API; `rm -rf .local` starts over.');
  const { linkToken } = await createSession(
    {
      sessions: new DynamoSessionStore(clients.documents, config.tableName),
      members: new DynamoMemberStore(clients.documents, config.tableName),
      keys: new DynamoKeyStore(clients.documents, config.tableName),
      sessionSecret: secretBytesFromSecretsManager(clients.secretsManager, config.sessionSecretId),
      clock: systemClock,
    },
    {
      actor: { kind: 'key', keyId: adminKey.keyId, memberId: '' },
      keyId: adminKey.keyId,
      organizationId: demo.organizationId,
      memberId: '',
      environment: 'live',
      permissions: ['admin'],
      accounts: '*',
      sourceIp: '127.0.0.1',
    },
    { target: { email: demo.ownerEmail }, expiresInSeconds: SESSION_LIFETIME.maxSeconds, readOnly: false },
  );
  return signInUrl(config.consoleBaseUrl, linkToken);
}
