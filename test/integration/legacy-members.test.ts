/**
 * An organization item that still holds a legacy `members` array, over HTTP with local IAM on: the
 * functions that only read people (console sessions, the management authorizer) see its people
 * and write nothing; the members function moves them into member items.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { localClients } from '../../local/bootstrap';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('legacy members array', () => {
  let platform: TestPlatform;
  let clients: ReturnType<typeof localClients>;
  const legacy = { id: 'mem_00000000000000c1', email: 'legacy-admin@example.com', role: 'admin' };

  beforeAll(async () => {
    platform = await startTestPlatform();
    clients = localClients(platform.bootstrap.endpoints);
  });
  afterAll(async () => {
    clients.dynamoDb.destroy();
    await platform.close();
  });

  const organizationKey = () => ({ pk: `ORG#${platform.bootstrap.organizationId}`, sk: 'ORG' });
  const storedArray = async () =>
    (
      await clients.documents.send(
        new GetCommand({ TableName: platform.bootstrap.tableName, Key: organizationKey(), ConsistentRead: true }),
      )
    ).Item?.members;

  it('is read by the readers without a write, and moved into items by the members function', async () => {
    await clients.documents.send(
      new UpdateCommand({
        TableName: platform.bootstrap.tableName,
        Key: organizationKey(),
        UpdateExpression: 'SET #members = :members',
        ExpressionAttributeNames: { '#members': 'members' },
        ExpressionAttributeValues: { ':members': [legacy] },
      }),
    );

    const created = await platform.admin.post('/v1/console-sessions', { email: legacy.email });
    expect(created.status).toBe(201);
    expect(created.body.member).toMatchObject({ id: legacy.id, role: 'admin' });
    const person = platform.live(created.body.token, { keyHeader: 'bearer' });
    expect((await person.get('/v1/keys')).status).toBe(200);
    expect(await storedArray()).toEqual([legacy]);

    const listed = await platform.admin.get('/v1/members');

    expect(listed.body.items.map((member: { id: string }) => member.id)).toContain(legacy.id);
    expect(await storedArray()).toBeUndefined();
    expect((await person.get('/v1/keys')).status).toBe(200);
  });
});
