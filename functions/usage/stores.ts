/** The usage and call log stores and the lastUsedAt writer on the platform's table, built once per instance. */
import { DynamoCallLogStore } from '../adapters/dynamo-call-log-store';
import { DynamoIngestedBatches } from '../adapters/dynamo-ingested-batches';
import { DynamoKeyStore } from '../adapters/dynamo-key-store';
import { DynamoUsageStore } from '../adapters/dynamo-usage-store';
import { systemClock } from '../domain/clock';
import { LastUsedWriter } from '../domain/usage/last-used';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';

const { TABLE_NAME } = loadConfig(tableConfig);

export const usageStore = new DynamoUsageStore(dynamoDb, TABLE_NAME);
export const callLogStore = new DynamoCallLogStore(dynamoDb, TABLE_NAME);
/** usage-ingest only: which access log batches were counted. */
export const ingestedBatches = new DynamoIngestedBatches(dynamoDb, TABLE_NAME, systemClock);
/** One per instance: it remembers which keys it wrote in the last minute. */
export const lastUsed = new LastUsedWriter(new DynamoKeyStore(dynamoDb, TABLE_NAME));
