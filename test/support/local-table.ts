/** A table on the local DynamoDB emulator (dynalite unless LOCAL_DYNAMODB says otherwise), for adapter unit tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTable, LOCAL_CREDENTIALS } from '../../local/bootstrap';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { LOCAL_REGION } from '../../local/gateway/events';

/** Starts the emulator; `table(name)` creates a table with the platform's layout. Close it in afterAll. */
export async function aLocalDynamoDb() {
  const dynamo = await startDynamoDb({});
  const client = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: dynamo.endpoint,
  });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    documents,
    table: (name: string) => createTable(client, name),
    close: () => dynamo.close(),
  };
}
