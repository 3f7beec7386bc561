/**
 * Counts the DynamoDB requests a client sends, by operation, through the SDK's middleware stack.
 * Requests are split into the request path (keys, rate windows, credits) and the batched usage
 * pipeline (usage-ingest: counters, call-log items, lastUsedAt, its batch ledger), which share the
 * handlers' one client: a request belongs to the pipeline when usage-ingest's invocation makes it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { currentFunctionId } from '../local/iam/enforcement';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export interface RequestCounts {
  reads: number;
  writes: number;
  /** Of `writes`, those of the usage pipeline (usage-ingest), not of any request. */
  usageWrites: number;
  /** Of `reads`, those of the usage pipeline. */
  usageReads: number;
}

function isUsagePipeline(commandName: string, input: { Key?: { pk?: unknown } }): boolean {
  if (currentFunctionId() === 'usage-ingest') return true;
  // Outside any invocation (the bench calling a handler directly), the usage items tell by their key.
  if (commandName === 'BatchWriteItemCommand') return true; // only the call log writes in batches
  const pk = input.Key?.pk;
  // Document form ('ORG#…#USAGE') or wire form ({S: 'ORG#…#USAGE'}), depending on where marshalling ran.
  const value = typeof pk === 'object' && pk !== null && 'S' in pk ? (pk as { S: unknown }).S : pk;
  return typeof value === 'string' && (value.endsWith('#USAGE') || value.startsWith('USAGE_BATCH#'));
}

export function countDynamoDbRequests(client: DynamoDBDocumentClient) {
  const counts: RequestCounts = { reads: 0, writes: 0, usageWrites: 0, usageReads: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      const pipeline = isUsagePipeline(name, args.input as { Key?: { pk?: unknown } });
      if (READS.has(name)) {
        counts.reads++;
        if (pipeline) counts.usageReads++;
      }
      if (WRITES.has(name)) {
        counts.writes++;
        if (pipeline) counts.usageWrites++;
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
      usageReads: counts.usageReads - before.usageReads,
    }),
  };
}
