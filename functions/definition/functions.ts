/**
 * Every Lambda function of the platform, its entry file and the AWS access it needs. CDK turns
 * `needs` into environment variables and least-privilege IAM in one step (see infra/grants.ts);
 * the local runner loads the same entries.
 */
import type { QueueId } from './queues';
import {
  AUDITED,
  CREATOR_EMAILS,
  INDEX_LIST,
  type IndexName,
  MEMBER_READS,
  PAID,
  ROUTE_STACK,
  type TableAction,
  tableActions as table,
} from './table-access';
import { ACCESS_LOG_OBJECT_PREFIX, CALL_LOG_OBJECT_PREFIX } from './usage';

/**
 * Object key prefixes of the usage bucket (functions/definition/usage.ts): Firehose's raw access
 * log and the call-log archive.
 */
export type UsageBucketPrefix = typeof ACCESS_LOG_OBJECT_PREFIX | typeof CALL_LOG_OBJECT_PREFIX;

/** Partition key prefixes per table action (`needs.tablePartitions`). */
export type TablePartitions = { readonly [action in TableAction]?: readonly string[] };

export interface FunctionNeeds {
  /**
   * The DynamoDB actions it takes on the table's items, each one read off its code paths: its
   * entry, the stores it builds, and for route handlers the middy stack (ROUTE_STACK, AUDITED,
   * PAID in table-access.ts). Empty for none. docs/iam.md lists them all.
   */
  table: readonly TableAction[];
  /** The indexes it queries: dynamodb:Query on these only, never on the table's other indexes. */
  queryIndexes?: readonly IndexName[];
  /**
   * For each action of `table`, the partition key prefixes of the only items it may touch: one
   * statement per group of actions with the same prefixes, each held to them by a
   * `dynamodb:LeadingKeys` condition (the management authorizer reads `SESSION#…` items but writes
   * none). When given, every action of `table` must name its prefixes (infra/grants.ts refuses
   * otherwise). Without it, the table actions reach every item.
   */
  tablePartitions?: TablePartitions;
  /** Reads the HMAC pepper from Secrets Manager. */
  pepper?: boolean;
  /** Reads the key that seals list cursors (functions/domain/cursors.ts): every function that pages. */
  cursorKey?: boolean;
  /** Calls FlushStageAuthorizersCache, so that a stopped key stops at once. */
  flushAuthorizerCache?: boolean;
  /**
   * Writes keys with an expiry: schedules the authorizer cache flush of that expiry, and sends it
   * to the key-expiries queue when it is near.
   */
  scheduleKeyExpiry?: boolean;
  /** Sends messages to this queue of QUEUES. */
  sendToQueue?: QueueId;
  /**
   * Is the consumer of this queue of QUEUES, or of each of these (an SQS event source per queue,
   * with partial batch failures): the event source mapping receives and deletes with the
   * function's role. `consumedQueues(needs)` reads either form.
   */
  consumeQueue?: QueueId | readonly QueueId[];
  /** Hides received messages of its queue until their next attempt (ChangeMessageVisibility). */
  hideMessages?: boolean;
  /**
   * Invokes the team's Lambda backends of paid routes (the metered proxy): lambda:InvokeFunction on
   * exactly those functions, whose ARNs arrive by backend name in BACKEND_FUNCTIONS (JSON).
   */
  invokeBackends?: boolean;
  /** Sends email through SES v2, from the configured sender identity only. */
  sendEmail?: boolean;
  /**
   * Reads the caller signing secret, to sign the caller it hands HTTP backends (X-Caller-Signature).
   * The authorizer only: a backend that verifies gets read access through the construct's grantCallerSecret.
   */
  callerSigningSecret?: boolean;
  /** Reads the master secret that every webhook endpoint's signing secret is derived from. */
  webhookSecret?: boolean;
  /** Reads the secret console session tokens are hashed with (SESSION_SECRET_ID). */
  sessionSecret?: boolean;
  /** Posts to customers' webhook URLs on the internet (see the network note in infra/constructs/webhooks.ts). */
  webhookEgress?: boolean;
  /**
   * The usage bucket (USAGE_BUCKET): s3:GetObject on the objects under each `read` prefix (ranged
   * GETs included), s3:PutObject under each `write` prefix, nothing on the bucket itself.
   */
  usageBucket?: { read?: readonly UsageBucketPrefix[]; write?: readonly UsageBucketPrefix[] };
}

export interface FunctionDefinition {
  /** Path of the entry file from the repository root; it exports `handler`. */
  entry: string;
  description: string;
  needs: FunctionNeeds;
  /**
   * Files of npm packages the function reads at run time, as `package/file`: the bundle carries
   * each beside its `index.js` (function-bundler.ts), a local run reads it from node_modules.
   */
  assets?: readonly string[];
  /** Its bundle carries the built web console (console/build.ts) in a `console/` folder beside `index.js`. */
  bundlesConsole?: true;
}

export const FUNCTIONS = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'REQUEST authorizer: verifies API keys and returns the policy of every route the key may call',
    // KEY# for the key; ORG# for the sub-account ids of a key with accounts `*` (backends get them spelled out).
    needs: {
      table: ['GetItem'],
      tablePartitions: { GetItem: ['KEY#', 'ORG#'] },
      pepper: true,
      callerSigningSecret: true,
    },
  },
  'management-authorizer': {
    entry: 'functions/management-authorizer/handler.ts',
    description:
      'REQUEST authorizer of the management routes, uncached: API keys as the key authorizer answers them, console session and OIDC tokens by the person’s role',
    needs: {
      // Keys as the key authorizer reads them (KEY#, ORG#); the session (SESSION#); the member and
      // the organization's gateway key (ORG#). An OIDC sign-in looks the person up (Query on OIDC#
      // and EMAIL#), links the subject (PutItem OIDC#, UpdateItem MEMBER#) and marks them joined;
      // a legacy organization's members array is read as it is (GetItem, Query ORG#; only the members
      // function moves it).
      table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
      // Internet-facing: each action held to the partitions it needs, so no token or key it is shown
      // can make it write a key or a session.
      tablePartitions: {
        GetItem: ['KEY#', 'ORG#', 'SESSION#'],
        Query: ['ORG#', 'EMAIL#', 'OIDC#'],
        PutItem: ['OIDC#'],
        UpdateItem: ['ORG#'],
      },
      pepper: true,
      callerSigningSecret: true,
      sessionSecret: true,
    },
  },
  'keys-create': {
    entry: 'functions/keys/create.ts',
    description: 'POST /v1/keys',
    needs: {
      // The acting key or person (MEMBER_READS) and the organization; the key, its expiry entry;
      // unmarking a failed send.
      table: table(ROUTE_STACK, AUDITED, MEMBER_READS, ['GetItem', 'PutItem', 'UpdateItem']),
      pepper: true,
      sendToQueue: 'webhook-events',
      scheduleKeyExpiry: true,
    },
  },
  'keys-list': {
    entry: 'functions/keys/list.ts',
    description: 'GET /v1/keys',
    // The recent usage windows for lastUsedAt: the shard's rollup marker (GetItem), its windows (Query);
    // the page's key days of their stored lastUsedAt (the same BatchGetItem); the creators' emails (CREATOR_EMAILS).
    needs: {
      table: table(ROUTE_STACK, INDEX_LIST, CREATOR_EMAILS, ['GetItem', 'Query']),
      queryIndexes: ['gsi1'],
      cursorKey: true,
    },
  },
  'keys-get': {
    entry: 'functions/keys/get.ts',
    description: 'GET /v1/keys/{id}',
    // The key; the recent usage windows for lastUsedAt (the shard's marker, then a Query); its day item
    // of its stored lastUsedAt (BatchGetItem); its creator's email (CREATOR_EMAILS); the view on the record.
    needs: { table: table(ROUTE_STACK, AUDITED, CREATOR_EMAILS, ['GetItem', 'Query', 'BatchGetItem']) },
  },
  'keys-update': {
    entry: 'functions/keys/update.ts',
    description: 'PATCH /v1/keys/{id}',
    needs: {
      // The key, the acting key or person (MEMBER_READS), the organization; the expiry entry; the edit
      // (conditional on the version); the recent usage windows for the answer's lastUsedAt (the shard's
      // marker, then a Query), the key's day item of its stored lastUsedAt (BatchGetItem); its creator's email.
      table: table(ROUTE_STACK, AUDITED, MEMBER_READS, CREATOR_EMAILS, [
        'GetItem',
        'PutItem',
        'UpdateItem',
        'Query',
        'BatchGetItem',
      ]),
      flushAuthorizerCache: true,
      scheduleKeyExpiry: true,
    },
  },
  'keys-delete': {
    entry: 'functions/keys/delete.ts',
    description: 'DELETE /v1/keys/{id}',
    needs: {
      // The key, the acting key or person (MEMBER_READS); the delete.
      table: table(ROUTE_STACK, AUDITED, MEMBER_READS, ['GetItem', 'DeleteItem']),
      flushAuthorizerCache: true,
    },
  },
  'keys-status': {
    entry: 'functions/keys/status.ts',
    description: 'POST /v1/keys/{id}/deactivate, /activate and /revoke',
    needs: {
      // The key, the acting key or person (MEMBER_READS); the change; the recent usage windows and the
      // key's day item (BatchGetItem) for the answer's lastUsedAt; its creator's email (CREATOR_EMAILS).
      table: table(ROUTE_STACK, AUDITED, MEMBER_READS, CREATOR_EMAILS, [
        'GetItem',
        'UpdateItem',
        'Query',
        'BatchGetItem',
      ]),
      flushAuthorizerCache: true,
      sendToQueue: 'webhook-events',
    },
  },
  'keys-rotate': {
    entry: 'functions/keys/rotate.ts',
    description: 'POST /v1/keys/{id}/rotate',
    needs: {
      // The new key and its expiry entry; retiring the old one; deleting the new one if that fails;
      // the recent usage windows and the old key's day item (BatchGetItem) for its lastUsedAt in the answer;
      // the acting person (MEMBER_READS) and the creators' emails (CREATOR_EMAILS).
      table: table(ROUTE_STACK, AUDITED, MEMBER_READS, CREATOR_EMAILS, [
        'GetItem',
        'PutItem',
        'UpdateItem',
        'DeleteItem',
        'Query',
        'BatchGetItem',
      ]),
      pepper: true,
      flushAuthorizerCache: true,
      sendToQueue: 'webhook-events',
      scheduleKeyExpiry: true,
    },
  },
  'audit-log': {
    entry: 'functions/account/audit-log.ts',
    description: 'GET /v1/audit-log',
    needs: { table: table(ROUTE_STACK, ['Query']), cursorKey: true },
  },
  whoami: {
    entry: 'functions/account/whoami.ts',
    description: 'GET /v1/whoami',
    // The route stack's rate counter (RATE#); the organization's name, locale and sub-accounts (ORG#).
    needs: {
      table: table(ROUTE_STACK, ['GetItem']),
      tablePartitions: { GetItem: ['ORG#'], UpdateItem: ['RATE#'] },
    },
  },
  'key-calls': {
    entry: 'functions/keys/calls.ts',
    description: 'GET /v1/keys/{id}/calls',
    // The call index and the recent windows, the key's day item of its stored lastUsedAt (BatchGetItem);
    // the sections themselves, by ranged GETs of the archive.
    needs: {
      table: table(ROUTE_STACK, ['GetItem', 'Query', 'BatchGetItem']),
      cursorKey: true,
      usageBucket: { read: [CALL_LOG_OBJECT_PREFIX] },
    },
  },
  'usage-report': {
    entry: 'functions/usage/report.ts',
    description: 'GET /v1/usage',
    needs: { table: table(ROUTE_STACK, ['GetItem', 'Query']) },
  },
  'usage-ingest': {
    entry: 'functions/usage/ingest.ts',
    description:
      'Turns each access-log object Firehose writes into a usage window, its call-log archive object and status metrics',
    needs: {
      // The window's items per shard (PutItem); the shards' rollup markers and, on a retry across a
      // rollup, the items already written (GetItem, BatchGetItem); unattributed calls per stage and
      // day (UpdateItem ADD).
      table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
      consumeQueue: 'access-log-objects',
      usageBucket: { read: [ACCESS_LOG_OBJECT_PREFIX], write: [CALL_LOG_OBJECT_PREFIX] },
    },
  },
  'usage-rollup': {
    entry: 'functions/usage/rollup.ts',
    description:
      'Hourly: folds the usage windows of each finished hour into day items, lastUsedAt and the call index, and flags anomalies',
    needs: {
      // The shards' windows (Query) and markers; day items, lastUsedAt and anomalies (UpdateItem ADD,
      // conditional); the days an anomaly check reads (Query); call index items and markers (PutItem).
      table: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
    },
  },
  'reminders-scan': {
    entry: 'functions/reminders/scan.ts',
    description: 'Scheduled: finds keys with a rotation reminder due and queues one message per reminder',
    needs: { table: table(INDEX_LIST), queryIndexes: ['gsi2'], sendToQueue: 'reminders' },
  },
  'reminders-worker': {
    entry: 'functions/reminders/worker.ts',
    description: 'Sends rotation reminders (email, in-app notification), exactly once per stage',
    needs: {
      // The key and its organization; its members (Query ORG#); claiming and releasing a stage; the
      // in-app notification.
      table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
      consumeQueue: 'reminders',
      sendEmail: true,
      sendToQueue: 'webhook-events',
    },
  },
  'notifications-list': {
    entry: 'functions/notifications/list.ts',
    description: 'GET /v1/notifications',
    needs: { table: table(ROUTE_STACK, INDEX_LIST), queryIndexes: ['gsi1'], cursorKey: true },
  },
  'notifications-read': {
    entry: 'functions/notifications/read.ts',
    description: 'POST /v1/notifications/{id}/read',
    needs: { table: table(ROUTE_STACK) },
  },
  webhooks: {
    entry: 'functions/webhooks/endpoints.ts',
    description: 'Webhook endpoints: POST/GET /v1/webhooks, GET/PATCH/DELETE /v1/webhooks/{id}, POST …/rotate-secret',
    needs: {
      // Endpoints: CRUD, list, and the endpoint-slot counter (read, seeded, counted).
      table: table(ROUTE_STACK, AUDITED, INDEX_LIST, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
      queryIndexes: ['gsi1'],
      webhookSecret: true,
      cursorKey: true,
    },
  },
  'webhook-test': {
    entry: 'functions/webhooks/test-send.ts',
    description: 'POST /v1/webhooks/{id}/test: signs and sends a test event now, and answers with the outcome',
    needs: {
      // The endpoint; the test event and its finished delivery (read back on a conflict).
      table: table(ROUTE_STACK, AUDITED, ['GetItem', 'PutItem']),
      webhookSecret: true,
      webhookEgress: true,
    },
  },
  'webhook-deliveries': {
    entry: 'functions/webhooks/deliveries.ts',
    description: 'GET /v1/webhooks/{id}/deliveries, POST …/deliveries/{deliveryId}/retry and POST …/recover',
    needs: {
      // The endpoint and a delivery; reopening, requeueing or failing deliveries; their lists.
      table: table(ROUTE_STACK, AUDITED, INDEX_LIST, ['GetItem', 'UpdateItem']),
      queryIndexes: ['gsi1'],
      sendToQueue: 'webhook-deliveries',
      cursorKey: true,
    },
  },
  'webhook-event-types': {
    entry: 'functions/webhooks/event-types.ts',
    description: 'GET /v1/webhook-event-types: the event catalog with an example payload each',
    needs: { table: table(ROUTE_STACK) },
  },
  'events-publish': {
    entry: 'functions/webhooks/publish.ts',
    description: 'POST /v1/events: internal services publish an event for webhook delivery',
    needs: { table: table(ROUTE_STACK), sendToQueue: 'webhook-events' },
  },
  'metered-proxy': {
    entry: 'functions/metering/proxy.ts',
    description:
      "Serves the team's routes with credits: charges the call, then calls the route's Lambda or HTTP backend",
    // The route stack and the credit ledger (charge, refund, the balance for a 402); the team's functions.
    needs: { table: table(ROUTE_STACK, PAID), invokeBackends: true },
  },
  'secret-scanning-report': {
    entry: 'functions/secret-scanning/report.ts',
    description:
      'POST /v1/secret-scanning/reports: verifies a partner-signed report, stops the real keys in it and tells their organizations',
    needs: {
      // Not a route: no middy stack. Keys and organizations; the owners and admins to email (Query
      // ORG#); stopping a key; notifications; audit entries.
      table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
      pepper: true,
      flushAuthorizerCache: true,
      sendEmail: true,
      sendToQueue: 'webhook-events',
    },
  },
  members: {
    entry: 'functions/members/handler.ts',
    description: 'Members: GET/POST /v1/members, GET/PATCH/DELETE /v1/members/{id}',
    needs: {
      // The organization (GetItem ORG#); its members (Query ORG#, strong); a member, an email claim,
      // the OWNERS item, the calling key (GetItem KEY#: a key changes people only while its person
      // may); invite, change, remove as single-item conditional writes: the email claim and the
      // member (PutItem), the owners and the member (UpdateItem), the member and its EMAIL#/OIDC#
      // lookups (DeleteItem); the only function that moves a legacy members array into member items
      // (on a read, or before a write: PutItem of the items, UpdateItem removing it).
      table: table(ROUTE_STACK, AUDITED, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']),
      // The invitation.
      sendEmail: true,
    },
  },
  'console-sessions': {
    entry: 'functions/console-sessions/sessions.ts',
    description: 'POST/GET /v1/console-sessions, DELETE /v1/console-sessions/{id}',
    needs: {
      // The member (by id or email lookup), the calling key (GetItem: its expiry, allowlist and
      // answerable person) or the calling session (GetItem: its end bounds the new one); the session and its link (PutItem; DeleteItem undoes a half-written pair
      // and revokes); the organization's sessions (gsi1, then their items), paged with sealed cursors.
      table: table(ROUTE_STACK, AUDITED, INDEX_LIST, ['GetItem', 'PutItem', 'DeleteItem', 'Query']),
      queryIndexes: ['gsi1'],
      sessionSecret: true,
      cursorKey: true,
    },
  },
  'console-session-exchange': {
    entry: 'functions/console-sessions/exchange.ts',
    description: "POST /v1/console-sessions/exchange: a one-time sign-in link for the browser's session token",
    // Public, no route stack: the link's conditional delete, the session's conditional update, and
    // marking the member joined (their MEMBER# item under ORG#).
    needs: {
      table: ['DeleteItem', 'UpdateItem'],
      tablePartitions: { DeleteItem: ['LINK#'], UpdateItem: ['SESSION#', 'ORG#'] },
      sessionSecret: true,
    },
  },
  'api-docs': {
    entry: 'functions/docs/handler.ts',
    description: 'GET /v1/openapi.json, /docs and /docs/{asset}: the OpenAPI document and the page that renders it',
    // Everything it serves is built from the definition in memory or shipped in its bundle (assets).
    needs: { table: [] },
    assets: ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui.css'],
  },
  console: {
    entry: 'functions/console/handler.ts',
    description: 'GET /console and /console/{asset}: the web console (Settings → API), its page and built files',
    // It serves its bundle's files and a page built from the definition; the browser calls the API itself.
    needs: { table: [] },
    bundlesConsole: true,
  },
  'webhook-fanout': {
    entry: 'functions/webhooks/fanout-worker.ts',
    description: 'Finds the endpoints subscribed to each published event and queues one delivery per endpoint',
    needs: {
      // The organization's endpoints; the event and one delivery per endpoint (read back on a retry).
      table: table(INDEX_LIST, ['GetItem', 'PutItem']),
      queryIndexes: ['gsi1'],
      // The platform's events and the team's (which may carry the definition's team types only).
      consumeQueue: ['webhook-events', 'team-events'],
      sendToQueue: 'webhook-deliveries',
    },
  },
  'webhook-delivery': {
    entry: 'functions/webhooks/delivery-worker.ts',
    description: 'Signs and posts deliveries, records every attempt and schedules retries',
    needs: {
      // A batch's deliveries, endpoints and events at once (each alone as a fallback); attempts,
      // endpoint health; the disabled notice's organization, owners and admins (Query ORG#) and
      // notification.
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
      consumeQueue: 'webhook-deliveries',
      hideMessages: true,
      // Waits longer than SQS's 15-minute delay travel as a new delayed message on its own queue.
      sendToQueue: 'webhook-deliveries',
      webhookSecret: true,
      webhookEgress: true,
      sendEmail: true,
    },
  },
  'key-expiry-sweep': {
    entry: 'functions/expiry/sweep.ts',
    description: 'Scheduled: queues a delayed cache flush for each key expiring within the next 15 minutes',
    needs: {
      // The next quarter hour of the schedule; marking entries queued (and unmarking on a failed send).
      table: ['Query', 'UpdateItem'],
      sendToQueue: 'key-expiries',
    },
  },
  'key-expiry-worker': {
    entry: 'functions/expiry/worker.ts',
    description: "Flushes a stage's authorizer cache once a key's expiry has passed, at most once per window",
    needs: {
      // The stage's flush state: read, claimed, released.
      table: ['GetItem', 'UpdateItem'],
      consumeQueue: 'key-expiries',
      flushAuthorizerCache: true,
    },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionId = keyof typeof FUNCTIONS;

/** The function's assets (`assets`): each npm file and the name its bundle folder holds it under. */
export function functionAssets(functionId: FunctionId): { module: string; file: string }[] {
  const assets = (FUNCTIONS[functionId] as FunctionDefinition).assets ?? [];
  return assets.map((module) => ({ module, file: module.slice(module.lastIndexOf('/') + 1) }));
}

/** The queues a function consumes, in the order `consumeQueue` names them; none for most. */
export function consumedQueues(needs: Pick<FunctionNeeds, 'consumeQueue'>): readonly QueueId[] {
  const { consumeQueue } = needs;
  if (consumeQueue === undefined) return [];
  return typeof consumeQueue === 'string' ? [consumeQueue] : consumeQueue;
}
