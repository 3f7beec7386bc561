/**
 * First-start setup of the local stack: the table (from the shared schema), the pepper secret and
 * a demo organization whose admin keys are written to .local/bootstrap.json.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoKeyStore } from '../functions/adapters/dynamo-key-store';
import { DynamoOrganizationStore } from '../functions/adapters/dynamo-organization-store';
import { pepperFromSecretsManager } from '../functions/adapters/pepper';
import { TABLE_SCHEMA } from '../functions/definition/table';
import { systemClock } from '../functions/domain/clock';
import { provisionOrganization } from '../functions/domain/provisioning';
import { LOCAL_REGION } from './gateway/events';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalEndpoints {
  dynamodb: string;
  secretsManager: string;
}

export function localClients(endpoints: LocalEndpoints) {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  return {
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    secretsManager: new SecretsManagerClient({ ...common, endpoint: endpoints.secretsManager }),
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
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
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

/** Reuses the demo organization of an earlier start if it still exists, else creates one. */
export async function ensureDemoOrganization(
  clients: ReturnType<typeof localClients>,
  config: { tableName: string; pepperSecretId: string; bootstrapFile: string },
): Promise<DemoOrganization> {
  const organizations = new DynamoOrganizationStore(clients.documents, config.tableName);
  if (existsSync(config.bootstrapFile)) {
    const previous = JSON.parse(readFileSync(config.bootstrapFile, 'utf8')) as Partial<DemoOrganization>;
    if (previous.organizationId && previous.adminKey && (await organizations.get(previous.organizationId))) {
      return previous as DemoOrganization;
    }
  }
  const ownerEmail = 'owner@demo.example';
  const { organization, adminKeys } = await provisionOrganization(
    {
      keys: new DynamoKeyStore(clients.documents, config.tableName),
      organizations,
      pepper: pepperFromSecretsManager(clients.secretsManager, config.pepperSecretId),
      clock: systemClock,
    },
    { name: 'Demo organization', ownerEmail, accountCount: 2, adminKeyEnvironments: ['live', 'test'] },
  );
  return {
    organizationId: organization.id,
    accountIds: organization.accounts.map((account) => account.id),
    adminKey: adminKeys.live as string,
    sandboxAdminKey: adminKeys.test as string,
    ownerEmail,
  };
}
