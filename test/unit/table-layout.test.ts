/** The key item's layout: a lastUsedAt write changes nothing any index holds, so no index copies it. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoKeyStore, keyItem } from '../../functions/adapters/dynamo-key-store';
import { REMINDER_INDEX_SHARDS, TABLE_SCHEMA } from '../../functions/definition/table';
import { seedKey } from '../support/reminder-seed';

const indexed = new Set(
  TABLE_SCHEMA.globalSecondaryIndexes.flatMap((index) => [
    index.partitionKey,
    index.sortKey,
    ...(index.projection.type === 'INCLUDE' ? index.projection.attributes : []),
  ]),
);

describe('key item layout', () => {
  it('writes lastUsedAt alone, an attribute no index keys on or projects', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const mock = mockClient(documents);
    mock.on(UpdateCommand).resolves({});

    await new DynamoKeyStore(documents, 'table').recordLastUsed('key_AAAAAAAAAAAAAAAA', '2026-03-01T12:00:00.000Z');

    const [call] = mock.commandCalls(UpdateCommand);
    expect(call?.args[0].input.UpdateExpression).toBe('SET lastUsedAt = :at');
    expect(indexed.has('lastUsedAt')).toBe(false);
    expect(TABLE_SCHEMA.globalSecondaryIndexes.map((index) => index.projection.type)).not.toContain('ALL');
  });

  it('puts a key with a reminder ahead in one of the reminder shards', () => {
    const item = keyItem(seedKey(7, 'org_1', new Date('2026-03-01T12:00:00.000Z')));
    const shards = Array.from({ length: REMINDER_INDEX_SHARDS }, (_, shard) => `REMINDERS#${shard}`);
    expect(shards).toContain(item.gsi2pk);
    expect(item.gsi1pk).toBe('ORG#org_1#live#KEYS');
  });
});
