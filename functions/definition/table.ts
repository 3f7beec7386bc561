/**
 * The platform's single DynamoDB table: one schema for the CDK stack and the local bootstrap.
 * docs/dynamodb.md lists every access pattern with its keys and the hot-partition arithmetic.
 */

/**
 * Non-key attributes an index copies. An index copies a table write only when the write changes
 * one of its key or projected attributes, so hot attributes (`lastUsedAt`, a delivery's attempts,
 * a notification's `readAt`) stay out of every index; lists read the page's items by key.
 */
export type IndexProjection = { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };

/**
 * Partitions the reminder index's entries are written across (`REMINDERS#0` … `#15`); the scan
 * queries every one. 16 partitions take 16,000 index writes a second, far above any key-creation
 * burst (docs/dynamodb.md). Entries written under fewer shards stay readable: their shard numbers
 * are among these.
 */
export const REMINDER_INDEX_SHARDS = 16;

/**
 * Partitions a webhook endpoint's delivery list is written across; listing merges them newest
 * first. Shard 0 is the list's unsharded name, so deliveries written before sharding stay listed.
 */
export const DELIVERY_LIST_SHARDS = 8;

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: IndexProjection;
}

const GLOBAL_SECONDARY_INDEXES: readonly IndexDefinition[] = [
  {
    indexName: 'gsi1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    /** Per-owner lists; the delivery list filters on `status` and on `ttl` (expired, not yet deleted). */
    projection: { type: 'INCLUDE', attributes: ['status', 'ttl'] },
  },
  /**
   * Sparse: only keys with a reminder ahead are in it, under `REMINDERS#<shard>` and sorted by
   * when that reminder is due, so the reminder scan reads the due keys and nothing else.
   */
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: { type: 'KEYS_ONLY' } },
];

export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
  /** Epoch seconds; DynamoDB deletes the item some time after. Reads filter expired items too. */
  timeToLiveAttribute: 'ttl',
} as const;
