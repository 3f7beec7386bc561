/**
 * Counts every request the handlers' shared AWS clients send (functions/runtime/clients.ts), by the
 * function that sent it (the local IAM's current function) and operation, through an SDK v3
 * middleware. DynamoDB requests also ask for ReturnConsumedCapacity INDEXES and add up read and
 * write units. dynalite reports the table's units but not the indexes', and nothing for a failed
 * conditional write, so those are computed by DynamoDB's rules (see `indexWrites`).
 */
import { TABLE_SCHEMA } from '../../functions/definition/table';
import { currentFunctionId } from '../../local/iam/enforcement';

interface ClientWithMiddleware {
  middlewareStack: {
    add: (middleware: never, options: { step: 'initialize'; name: string }) => void;
    remove: (name: string) => boolean;
  };
}

export interface FunctionUsage {
  /** `<service> <operation>` → requests. */
  requests: Map<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits, the index copies. */
  indexWriteUnits: number;
  /** Failed conditional writes (billed as one write unit each: the items here are under 1 KB). */
  failedConditionalWrites: number;
  /** Bytes of S3 PutObject bodies by the first path segment of the key (`access-logs`, `call-log`). */
  s3PutBytes: Map<string, number>;
}

const MIDDLEWARE_NAME = 'costModelRequestCounter';
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export function newUsage(): FunctionUsage {
  return {
    requests: new Map(),
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    failedConditionalWrites: 0,
    s3PutBytes: new Map(),
  };
}

type Capacity = { CapacityUnits?: number; Table?: { CapacityUnits?: number } };
type Input = Record<string, unknown>;

/** The attribute names an item (wire or document form) or an update expression sets. */
function namesSet(operation: string, input: Input): string[][] {
  if (operation === 'PutItem') return [Object.keys((input.Item as Input) ?? {})];
  if (operation === 'UpdateItem') {
    const aliases = (input.ExpressionAttributeNames as Record<string, string>) ?? {};
    const expression = String(input.UpdateExpression ?? '');
    return [expression.split(/[^#\w]+/).map((token) => aliases[token] ?? token)];
  }
  if (operation === 'BatchWriteItem') {
    const requests = Object.values((input.RequestItems as Record<string, { PutRequest?: { Item: Input } }[]>) ?? {});
    return requests.flat().flatMap((request) => (request.PutRequest ? [Object.keys(request.PutRequest.Item)] : []));
  }
  return [];
}

/**
 * One index write unit per item written with an index's key attributes (the index entries are
 * well under 1 KB). An update that changes no index key writes no index: the table's indexes copy
 * only keys, `status` and `ttl`, and none of the items the usage pipeline writes is in an index.
 */
export function indexWrites(operation: string, input: Input): number {
  const indexKeys = TABLE_SCHEMA.globalSecondaryIndexes.map((index) => [index.partitionKey, index.sortKey]);
  return namesSet(operation, input)
    .map((names) => indexKeys.filter((keys) => keys.some((key) => names.includes(key))).length)
    .reduce((sum, count) => sum + count, 0);
}

/**
 * Which items a single-item request touches, from its partition key with the ids left out:
 * `KEY#…`, `ORG#…#USAGE`, `USAGE#RECENT#…` (wire or document form).
 */
export function itemKind(input: Input): string {
  const pk = (input.Key as Input | undefined)?.pk ?? (input.Item as Input | undefined)?.pk;
  const value = typeof pk === 'object' && pk !== null && 'S' in pk ? (pk as { S: unknown }).S : pk;
  if (typeof value !== 'string') return '';
  return ` ${value
    .split('#')
    .map((part) => (/[_\d]/.test(part) ? '…' : part))
    .join('#')}`;
}

function tableUnits(consumed: Capacity | Capacity[] | undefined): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum, entry) => sum + (entry.Table?.CapacityUnits ?? entry.CapacityUnits ?? 0), 0);
}

export function countAwsRequests(clients: Record<string, ClientWithMiddleware>) {
  const byFunction = new Map<string, FunctionUsage>();
  const usageOf = (functionId: string) => {
    const usage = byFunction.get(functionId) ?? newUsage();
    byFunction.set(functionId, usage);
    return usage;
  };
  for (const [service, client] of Object.entries(clients)) {
    client.middlewareStack.remove(MIDDLEWARE_NAME);
    const middleware =
      (next: (args: { input: Input }) => Promise<{ output: Input }>, context: { commandName?: string }) =>
      async (args: { input: Input }) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        const name = `${service} ${operation}${service === 'dynamoDb' ? itemKind(args.input) : ''}`;
        const usage = usageOf(currentFunctionId() ?? '-');
        usage.requests.set(name, (usage.requests.get(name) ?? 0) + 1);
        if (service === 's3' && operation === 'PutObject') {
          const prefix = String(args.input.Key ?? '').split('/')[0] ?? '';
          const body = args.input.Body as { length?: number; byteLength?: number } | string | undefined;
          const bytes = typeof body === 'string' ? Buffer.byteLength(body) : (body?.byteLength ?? body?.length ?? 0);
          usage.s3PutBytes.set(prefix, (usage.s3PutBytes.get(prefix) ?? 0) + bytes);
        }
        if (service !== 'dynamoDb') return next(args);
        const isWrite = WRITES.has(operation);
        const indexUnits = isWrite ? indexWrites(operation, args.input) : 0;
        try {
          const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'INDEXES' } });
          const units = tableUnits(result.output.ConsumedCapacity as Capacity | Capacity[] | undefined);
          if (isWrite) {
            usage.writeUnits += units + indexUnits;
            usage.indexWriteUnits += indexUnits;
          } else usage.readUnits += units;
          return result;
        } catch (error) {
          if (isWrite && (error as { name?: string }).name === 'ConditionalCheckFailedException') {
            usage.failedConditionalWrites++;
            usage.writeUnits += 1;
          }
          throw error;
        }
      };
    client.middlewareStack.add(middleware as never, { step: 'initialize', name: MIDDLEWARE_NAME });
  }
  return {
    byFunction,
    reset: () => byFunction.clear(),
    detach: () => {
      for (const client of Object.values(clients)) client.middlewareStack.remove(MIDDLEWARE_NAME);
    },
  };
}
