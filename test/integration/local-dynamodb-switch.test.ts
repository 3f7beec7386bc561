/**
 * The local stack's DynamoDB switch (local/emulators/dynamodb.ts): dynalite by default, AWS's
 * DynamoDB Local with LOCAL_DYNAMODB=dynamodb-local. The JVM starts only in `npm run
 * test:dynamodb-local`; CI checks the switch's refusals, which start nothing.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../local/gateway/events';
import { nonLoopbackAddresses, tryConnect } from '../support/listening-sockets';

const chosen = process.env.LOCAL_DYNAMODB;
const onDynamoDbLocal = chosen === 'dynamodb-local' ? it : it.skip;

function choose(value: string | undefined) {
  if (value === undefined) delete process.env.LOCAL_DYNAMODB;
  else process.env.LOCAL_DYNAMODB = value;
}

describe('startDynamoDb', () => {
  afterEach(() => choose(chosen));

  it('refuses a LOCAL_DYNAMODB it does not know, naming the choices', async () => {
    choose('dynamodb');

    await expect(startDynamoDb({})).rejects.toThrow('use one of dynalite, dynamodb-local');
  });

  it('refuses a data directory on DynamoDB Local, which runs in memory only', async () => {
    choose('dynamodb-local');

    await expect(startDynamoDb({ path: '/tmp/unused' })).rejects.toThrow('runs in memory');
  });

  onDynamoDbLocal('serves DynamoDB Local on loopback only, and stops with close', async () => {
    const dynamodb = await startDynamoDb({});
    const port = Number(new URL(dynamodb.endpoint).port);
    try {
      const client = new DynamoDBClient({
        endpoint: dynamodb.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      });
      const tables = await client.send(new ListTablesCommand({}));
      const fromOtherAddresses = await Promise.all(nonLoopbackAddresses().map((host) => tryConnect(host, port)));

      expect(tables.TableNames).toEqual([]);
      expect(fromOtherAddresses).not.toContain('accepted');
    } finally {
      await dynamodb.close();
    }
    expect(await tryConnect('127.0.0.1', port)).toBe('refused');
  });
});
