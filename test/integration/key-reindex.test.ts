/** Keys written before lists were per environment reach their environment's list with `keys reindex`. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoKeyStore, keyItemKey } from '../../functions/adapters/dynamo-key-store';
import { localClients } from '../../local/bootstrap';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('DynamoKeyStore.reindexListings', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it('moves a key listed the old way into its environment list, once', async () => {
    const clients = localClients(platform.bootstrap.endpoints);
    const store = new DynamoKeyStore(clients.documents, platform.bootstrap.tableName);
    const made = await platform.createKey({ name: 'made before the split' }, platform.sandboxAdmin);
    await clients.documents.send(
      new UpdateCommand({
        TableName: platform.bootstrap.tableName,
        Key: keyItemKey(made.id),
        UpdateExpression: 'SET gsi1pk = :legacy',
        ExpressionAttributeValues: { ':legacy': `ORG#${platform.bootstrap.organizationId}#KEYS` },
      }),
    );
    const listed = async () =>
      ((await platform.sandboxAdmin.get('/v1/keys?limit=100')).body.items as { id: string }[]).map((key) => key.id);
    expect(await listed()).not.toContain(made.id);

    const first = await store.reindexListings();
    const second = await store.reindexListings();

    expect(first.moved).toBe(1);
    expect(second).toEqual({ read: 0, moved: 0 });
    expect(await listed()).toContain(made.id);
    expect(
      ((await platform.admin.get('/v1/keys?limit=100')).body.items as { id: string }[]).map((k) => k.id),
    ).not.toContain(made.id);
    clients.dynamoDb.destroy();
  });
});
