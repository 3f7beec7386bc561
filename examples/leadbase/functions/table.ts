/** Leadbase's DynamoDB table: one key schema for the CDK stack and the local setup. */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const LEADBASE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Creates the table on a local DynamoDB unless it is there (a data directory keeps it between runs). */
export async function createLeadbaseTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: LEADBASE_TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: LEADBASE_TABLE_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: LEADBASE_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: LEADBASE_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}
