/** The usage and call log stores on the platform's table, built once per instance. */
import { DynamoCallLogStore } from '../adapters/dynamo-call-log-store';
import { DynamoUsageStore } from '../adapters/dynamo-usage-store';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';

const { TABLE_NAME } = loadConfig(tableConfig);

export const usageStore = new DynamoUsageStore(dynamoDb, TABLE_NAME);
export const callLogStore = new DynamoCallLogStore(dynamoDb, TABLE_NAME);
