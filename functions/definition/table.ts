/** The platform's single DynamoDB table: one schema for the CDK stack and the local bootstrap. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /**
     * Sparse: only keys with a reminder ahead are in it, under `REMINDERS#<shard>` and sorted by
     * when that reminder is due, so the reminder scan reads the due keys and nothing else.
     */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds; DynamoDB deletes the item some time after. Reads filter expired items too. */
  timeToLiveAttribute: 'ttl',
} as const;
