/** Counts the DynamoDB requests a client sends, by operation, through the SDK's middleware stack. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export function countDynamoDbRequests(client: DynamoDBDocumentClient) {
  const counts = { reads: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      if (READS.has(name)) counts.reads++;
      if (WRITES.has(name)) counts.writes++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return {
    snapshot: () => ({ ...counts }),
    since: (before: { reads: number; writes: number }) => ({
      reads: counts.reads - before.reads,
      writes: counts.writes - before.writes,
    }),
  };
}
