/** The key table follows TABLE_SCHEMA; the pepper is random and long enough for the runtime. */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DELIVERY_LIST_SHARDS, REMINDER_INDEX_SHARDS, TABLE_SCHEMA } from '../../functions/definition/table';
import { KeyStore } from '../../infra/constructs/key-store';
import { synthDemo, testApp } from './synth';

const { template } = synthDemo();

describe('key table', () => {
  it('has the keys, indexes and TTL of TABLE_SCHEMA', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          index.projection.type === 'KEYS_ONLY'
            ? { ProjectionType: 'KEYS_ONLY' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
    });
  });

  it('projects no index ALL, and copies lastUsedAt and the other hot attributes into none', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const indexes = table?.Properties.GlobalSecondaryIndexes as {
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
    expect(Object.fromEntries(indexes.map((index) => [index.IndexName, index.Projection]))).toEqual({
      gsi1: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'ttl'] },
      gsi2: { ProjectionType: 'KEYS_ONLY' },
    });
    for (const hot of ['lastUsedAt', 'attempts', 'attemptCount', 'updatedAt', 'readAt', 'version', 'failingSince']) {
      for (const index of indexes) expect(index.Projection.NonKeyAttributes ?? []).not.toContain(hot);
    }
  });

  it('writes the reminder index across 16 partitions and a delivery list across 8', () => {
    expect(REMINDER_INDEX_SHARDS).toBe(16);
    expect(DELIVERY_LIST_SHARDS).toBe(8);
  });

  it('is on-demand, encrypted and recoverable to any point in time', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('pepper', () => {
  it('is generated as base64-safe characters that decode to at least 32 bytes', () => {
    const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    const generator = secret?.Properties.GenerateSecretString as Record<string, unknown>;
    expect(generator).toMatchObject({ ExcludePunctuation: true, IncludeSpace: false });
    // Only letters and digits are left, all of them base64 characters; the runtime wants 32 bytes.
    const sample = 'A'.repeat(generator.PasswordLength as number);
    expect(Buffer.from(sample, 'base64').length).toBeGreaterThanOrEqual(32);
  });
});

describe('removal policy', () => {
  it('retains the table and the pepper unless told otherwise: they hold every issued key', () => {
    const stack = new Stack(testApp(), 'Retained');
    new KeyStore(stack, 'KeyStore');
    const retained = Template.fromStack(stack);
    retained.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    retained.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('deletes them when told to (the demo stack with destroyOnRemoval)', () => {
    const stack = new Stack(testApp(), 'Destroyed');
    new KeyStore(stack, 'KeyStore', { removalPolicy: RemovalPolicy.DESTROY });
    const destroyed = Template.fromStack(stack);
    destroyed.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    destroyed.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});
