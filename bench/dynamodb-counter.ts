/**
 * Counts the DynamoDB requests a client sends, by operation, through the SDK's middleware stack.
 * Writes are split into the request path (keys, rate windows, credits) and the batched usage
 * pipeline (usage counters and call-log items), which share the handlers' one client.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export interface RequestCounts {
  reads: number;
  writes: number;
  /** Of `writes`, those of the usage pipeline (usage-ingest), not of any request. */
  usageWrites: number;
}

function isUsagePipelineWrite(commandName: string, input: { Key?: { pk?: unknown } }): boolean {
  if (commandName === 'BatchWriteItemCommand') return true; // only the call log writes in batches
  const pk = input.Key?.pk;
  // Document form ('ORG#…#USAGE') or wire form ({S: 'ORG#…#USAGE'}), depending on where marshalling ran.
  const value = typeof pk === 'object' && pk !== null && 'S' in pk ? (pk as { S: unknown }).S : pk;
  return typeof value === 'string' && value.endsWith('#USAGE');
}

export function countDynamoDbRequests(client: DynamoDBDocumentClient) {
  const counts: RequestCounts = { reads: 0, writes: 0, usageWrites: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      if (READS.has(name)) counts.reads++;
      if (WRITES.has(name)) {
        counts.writes++;
        if (isUsagePipelineWrite(name, args.input as { Key?: { pk?: unknown } })) counts.usageWrites++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return {
    snapshot: (): RequestCounts => ({ ...counts }),
    since: (before: RequestCounts): RequestCounts => ({
      reads: counts.reads - before.reads,
      writes: counts.writes - before.writes,
      usageWrites: counts.usageWrites - before.usageWrites,
    }),
  };
}
