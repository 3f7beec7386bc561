/** The usage and call log stores and the lastUsedAt writer on the platform's table, built once per instance. */
import { DynamoCallLogStore } from '../adapters/dynamo-call-log-store';
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { DynamoUsageStore } from '../adapters/dynamo-usage-store';
import { LastUsedWriter } from '../domain/usage/last-used';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';

const { TABLE_NAME } = loadConfig(tableConfig);

export const usageStore = new DynamoUsageStore(dynamoDb, TABLE_NAME);
export const callLogStore = new DynamoCallLogStore(dynamoDb, TABLE_NAME);
/** One per instance: it remembers which keys it wrote in the last minute. */
export const lastUsed = new LastUsedWriter(new DynamoKeyStore(dynamoDb, TABLE_NAME));
