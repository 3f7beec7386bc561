/**
 * The words a function's `needs.table` is spelled in: DynamoDB actions by their IAM names, and the
 * actions the shared runtime takes for a function whatever its own code does. infra/grants.ts turns
 * them into one statement on the table and one on the indexes a function queries.
 */
import type { TABLE_SCHEMA } from './table';

/**
 * The item actions a function may be granted. Scan is not among them: no function scans; the
 * operator CLI's one-off upgrades (`keys reindex`, `keys schedule-expiries`) scan with the
 * operator's own credentials.
 */
export const TABLE_ACTIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export type IndexName = (typeof TABLE_SCHEMA.globalSecondaryIndexes)[number]['indexName'];

/**
 * Every route handler's middy stack (functions/runtime/http.ts), whatever the route: the per-key
 * rate limit counter (`RATE#<key>`, an atomic ADD) is UpdateItem. (lastUsedAt is written by
 * usage-ingest, off the request path.)
 */
export const ROUTE_STACK = ['UpdateItem'] as const satisfies readonly TableAction[];

/** A route with an `auditAction` also writes its audit entry (`ORG#<org>#AUDIT…`), PutItem. */
export const AUDITED = ['PutItem'] as const satisfies readonly TableAction[];

/**
 * A paid route (`credits` in the API definition, served by the metered proxy) charges and refunds
 * the organization item's balance (UpdateItem) and reads it for the 402 message (GetItem).
 */
export const PAID = ['UpdateItem', 'GetItem'] as const satisfies readonly TableAction[];

/**
 * Reading a person (DynamoMemberStore `get`, GetItem) or an organization's people (`list`, a Query
 * of `ORG#<org>`). An organization made before members had items of their own is read as it is:
 * only the members function (and the operator CLI) moves its members into items, so readers write nothing.
 */
export const MEMBER_READS = ['GetItem', 'Query'] as const satisfies readonly TableAction[];

/**
 * A key view names the person who made the key by email: one BatchGetItem of the shown keys'
 * creators' `MEMBER#` items (DynamoMemberStore `getMany`, issue 14), never the whole member list;
 * a missing one asks the organization item whether it is not migrated yet (MEMBER_READS).
 */
export const CREATOR_EMAILS = ['BatchGetItem', ...MEMBER_READS] as const satisfies readonly TableAction[];

/**
 * Lists read from an index since the indexes copy keys (and a few filtered attributes) only: the
 * index gives a page's keys, one BatchGetItem on the table their items (functions/adapters/query-page.ts).
 */
export const INDEX_LIST = ['BatchGetItem'] as const satisfies readonly TableAction[];

/** The actions of several parts, each once, in TABLE_ACTIONS order. */
export function tableActions(...parts: readonly (readonly TableAction[])[]): TableAction[] {
  const wanted = new Set(parts.flat());
  return TABLE_ACTIONS.filter((action) => wanted.has(action));
}
