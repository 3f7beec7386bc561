/** A `.local/` table from before the indexes stopped projecting ALL is refused with what to do. */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../functions/definition/table';
import { createTable, LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../local/gateway/events';

describe('createTable on an existing local table', () => {
  let dynamodb: Awaited<ReturnType<typeof startDynamoDb>>;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamodb = await startDynamoDb({});
    client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamodb.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await dynamodb.close();
  });

  it('accepts a table of the current layout', async () => {
    await createTable(client, 'current');
    await expect(createTable(client, 'current')).resolves.toBeUndefined();
  });

  it('refuses one whose indexes project ALL, saying to start over with rm -rf .local', async () => {
    const keys = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];
    await client.send(
      new CreateTableCommand({
        TableName: 'old',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );

    await expect(createTable(client, 'old')).rejects.toThrow(/gsi1, gsi2 copies other attributes.*rm -rf \.local/);
  });
});
