/** The platform's single DynamoDB table: one schema for the CDK stack and the local bootstrap. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Epoch seconds; DynamoDB deletes the item some time after. Reads filter expired items too. */
  timeToLiveAttribute: 'ttl',
} as const;
