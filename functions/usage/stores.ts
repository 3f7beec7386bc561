/** The usage stores on the platform's table and bucket, built once per instance. */
import { DynamoRecentUsageStore } from '../adapters/dynamo-recent-usage-store';
import { DynamoUsageStore } from '../adapters/dynamo-usage-store';
import { S3CallArchive } from '../adapters/s3-call-archive';
import { systemClock } from '../domain/clock';
import type { LastUseStores } from '../domain/usage/last-use';
import { dynamoDb, s3 } from '../runtime/clients';
import { loadConfig, tableConfig, usageBucketConfig } from '../runtime/config';

const { TABLE_NAME } = loadConfig(tableConfig);

export const usageStore = new DynamoUsageStore(dynamoDb, TABLE_NAME);
/** The recent usage windows, the rollup's markers and the call index. */
export const recentUsageStore = new DynamoRecentUsageStore(dynamoDb, TABLE_NAME, systemClock);
/** Where the key handlers read a key's last use from, besides the key (domain/usage/last-use.ts). */
export const lastUseStores: LastUseStores = { recent: recentUsageStore, usage: usageStore };

let archive: S3CallArchive | undefined;
/** Only the functions that reach the usage bucket have USAGE_BUCKET: read it on first use. */
export function callArchive(): S3CallArchive {
  archive ??= new S3CallArchive(s3, loadConfig(usageBucketConfig).USAGE_BUCKET);
  return archive;
}
