/**
 * Every Lambda function of the platform, its entry file and the AWS access it needs. CDK turns
 * `needs` into environment variables and least-privilege IAM in one step (see infra/grants.ts);
 * the local runner loads the same entries.
 */
import type { QueueId } from './queues';

export type TableAccess = 'none' | 'read' | 'read-write';

export interface FunctionNeeds {
  table: TableAccess;
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
  /** Is the consumer of this queue of QUEUES (an SQS event source with partial batch failures). */
  consumeQueue?: QueueId;
  /** Sends email through SES v2, from the configured sender identity only. */
  sendEmail?: boolean;
  /** Reads the master secret that every webhook endpoint's signing secret is derived from. */
  webhookSecret?: boolean;
  /** Posts to customers' webhook URLs on the internet (see the network note in infra/constructs/webhooks.ts). */
  webhookEgress?: boolean;
}

export interface FunctionDefinition {
  /** Path of the entry file from the repository root; it exports `handler`. */
  entry: string;
  description: string;
  needs: FunctionNeeds;
}

export const FUNCTIONS = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'REQUEST authorizer: verifies API keys and returns the policy of every route the key may call',
    needs: { table: 'read', pepper: true },
  },
  'keys-create': {
    entry: 'functions/keys/create.ts',
    description: 'POST /v1/keys',
    needs: { table: 'read-write', pepper: true, sendToQueue: 'webhook-events', scheduleKeyExpiry: true },
  },
  'keys-list': {
    entry: 'functions/keys/list.ts',
    description: 'GET /v1/keys',
    needs: { table: 'read-write', cursorKey: true },
  },
  'keys-get': { entry: 'functions/keys/get.ts', description: 'GET /v1/keys/{id}', needs: { table: 'read-write' } },
  'keys-update': {
    entry: 'functions/keys/update.ts',
    description: 'PATCH /v1/keys/{id}',
    needs: { table: 'read-write', flushAuthorizerCache: true, scheduleKeyExpiry: true },
  },
  'keys-delete': {
    entry: 'functions/keys/delete.ts',
    description: 'DELETE /v1/keys/{id}',
    needs: { table: 'read-write', flushAuthorizerCache: true },
  },
  'keys-status': {
    entry: 'functions/keys/status.ts',
    description: 'POST /v1/keys/{id}/deactivate, /activate and /revoke',
    needs: { table: 'read-write', flushAuthorizerCache: true, sendToQueue: 'webhook-events' },
  },
  'keys-rotate': {
    entry: 'functions/keys/rotate.ts',
    description: 'POST /v1/keys/{id}/rotate',
    needs: {
      table: 'read-write',
      pepper: true,
      flushAuthorizerCache: true,
      sendToQueue: 'webhook-events',
      scheduleKeyExpiry: true,
    },
  },
  'audit-log': {
    entry: 'functions/account/audit-log.ts',
    description: 'GET /v1/audit-log',
    needs: { table: 'read-write', cursorKey: true },
  },
  whoami: { entry: 'functions/account/whoami.ts', description: 'GET /v1/whoami', needs: { table: 'read-write' } },
  'key-calls': {
    entry: 'functions/keys/calls.ts',
    description: 'GET /v1/keys/{id}/calls',
    needs: { table: 'read-write', cursorKey: true },
  },
  'usage-report': { entry: 'functions/usage/report.ts', description: 'GET /v1/usage', needs: { table: 'read-write' } },
  'usage-ingest': {
    entry: 'functions/usage/ingest.ts',
    description: 'Turns API Gateway access log batches into usage counters and the 7-day call log',
    needs: { table: 'read-write' },
  },
  contacts: {
    entry: 'functions/product/contacts.ts',
    description: 'Sample product: contacts',
    needs: { table: 'read-write', sendToQueue: 'webhook-events', cursorKey: true },
  },
  tables: {
    entry: 'functions/product/tables.ts',
    description: 'Sample product: tables',
    needs: { table: 'read-write', sendToQueue: 'webhook-events', cursorKey: true },
  },
  enrichments: {
    entry: 'functions/product/enrichments.ts',
    description: 'Sample product: enrichments',
    needs: { table: 'read-write', sendToQueue: 'webhook-events' },
  },
  search: {
    entry: 'functions/product/search.ts',
    description: 'Sample product: search',
    needs: { table: 'read-write', cursorKey: true },
  },
  'reminders-scan': {
    entry: 'functions/reminders/scan.ts',
    description: 'Scheduled: finds keys with a rotation reminder due and queues one message per reminder',
    needs: { table: 'read', sendToQueue: 'reminders' },
  },
  'reminders-worker': {
    entry: 'functions/reminders/worker.ts',
    description: 'Sends rotation reminders (email, in-app notification), exactly once per stage',
    needs: { table: 'read-write', consumeQueue: 'reminders', sendEmail: true, sendToQueue: 'webhook-events' },
  },
  'notifications-list': {
    entry: 'functions/notifications/list.ts',
    description: 'GET /v1/notifications',
    needs: { table: 'read-write', cursorKey: true },
  },
  'notifications-read': {
    entry: 'functions/notifications/read.ts',
    description: 'POST /v1/notifications/{id}/read',
    needs: { table: 'read-write' },
  },
  webhooks: {
    entry: 'functions/webhooks/endpoints.ts',
    description: 'Webhook endpoints: POST/GET /v1/webhooks, GET/PATCH/DELETE /v1/webhooks/{id}, POST …/rotate-secret',
    needs: { table: 'read-write', webhookSecret: true, cursorKey: true },
  },
  'webhook-test': {
    entry: 'functions/webhooks/test-send.ts',
    description: 'POST /v1/webhooks/{id}/test: signs and sends a test event now, and answers with the outcome',
    needs: { table: 'read-write', webhookSecret: true, webhookEgress: true },
  },
  'webhook-deliveries': {
    entry: 'functions/webhooks/deliveries.ts',
    description: 'GET /v1/webhooks/{id}/deliveries, POST …/deliveries/{deliveryId}/retry and POST …/recover',
    needs: { table: 'read-write', sendToQueue: 'webhook-deliveries', cursorKey: true },
  },
  'webhook-event-types': {
    entry: 'functions/webhooks/event-types.ts',
    description: 'GET /v1/webhook-event-types: the event catalog with an example payload each',
    needs: { table: 'read-write' },
  },
  'events-publish': {
    entry: 'functions/webhooks/publish.ts',
    description: 'POST /v1/events: internal services publish an event for webhook delivery',
    needs: { table: 'read-write', sendToQueue: 'webhook-events' },
  },
  'secret-scanning-report': {
    entry: 'functions/secret-scanning/report.ts',
    description:
      'POST /v1/secret-scanning/reports: verifies a partner-signed report, stops the real keys in it and tells their organizations',
    needs: {
      table: 'read-write',
      pepper: true,
      flushAuthorizerCache: true,
      sendEmail: true,
      sendToQueue: 'webhook-events',
    },
  },
  'webhook-fanout': {
    entry: 'functions/webhooks/fanout-worker.ts',
    description: 'Finds the endpoints subscribed to each published event and queues one delivery per endpoint',
    needs: { table: 'read-write', consumeQueue: 'webhook-events', sendToQueue: 'webhook-deliveries' },
  },
  'webhook-delivery': {
    entry: 'functions/webhooks/delivery-worker.ts',
    description: 'Signs and posts deliveries, records every attempt and schedules retries',
    needs: {
      table: 'read-write',
      consumeQueue: 'webhook-deliveries',
      webhookSecret: true,
      webhookEgress: true,
      sendEmail: true,
    },
  },
  'key-expiry-sweep': {
    entry: 'functions/expiry/sweep.ts',
    description: 'Scheduled: queues a delayed cache flush for each key expiring within the next 15 minutes',
    needs: { table: 'read-write', sendToQueue: 'key-expiries' },
  },
  'key-expiry-worker': {
    entry: 'functions/expiry/worker.ts',
    description: "Flushes a stage's authorizer cache once a key's expiry has passed, at most once per window",
    needs: { table: 'read-write', consumeQueue: 'key-expiries', flushAuthorizerCache: true },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionId = keyof typeof FUNCTIONS;
