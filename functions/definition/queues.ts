/**
 * The platform's SQS queues: one definition for the CDK stack and the local bootstrap. Each queue
 * has a dead-letter queue that takes a message after `maxReceiveCount` failed receives.
 */
import type {
  keyExpiryQueueConfig,
  reminderQueueConfig,
  teamEventQueueConfig,
  webhookDeliveryQueueConfig,
  webhookEventQueueConfig,
} from '../runtime/config';
import { USAGE_INGEST_TIMEOUT_SECONDS } from './usage';

export interface QueueDefinition {
  /** Queue name suffix; the local stack uses it as is, CDK lets CloudFormation name the queue. */
  name: string;
  deadLetterQueueName: string;
  /**
   * Six times the consumer's timeout, as AWS advises for Lambda event sources: a message is not
   * handed out twice while still in work, and the poller has room to retry a throttled invocation.
   */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  /** How long a message may wait in the DLQ before SQS drops it. */
  deadLetterRetentionDays: number;
  /** Messages the consumer gets per invocation. */
  batchSize: number;
  /**
   * Parallel invocations of the consumer at most (the event source's maximum concurrency; SQS
   * allows 2 to 1,000): the rest wait on the queue, so no queue can take the account's concurrency.
   */
  maxConcurrency: number;
}

export const QUEUES = {
  reminders: {
    name: 'api-key-platform-reminders',
    deadLetterQueueName: 'api-key-platform-reminders-dlq',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // The fewest SQS allows: each worker paces its sends to half the SES send rate (REMINDER_SEND_RATE).
    maxConcurrency: 2,
  },
  /** Published events, before fan-out: one message per event. */
  'webhook-events': {
    name: 'api-key-platform-webhook-events',
    deadLetterQueueName: 'api-key-platform-webhook-events-dlq',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // Fan-out is a query and a few writes per event, about 100 events a second per invocation.
    maxConcurrency: 10,
  },
  /**
   * The team's events, from its Lambda backends (`grantPublishEvents`, `eventPublisher`): the same
   * message format and consumer as `webhook-events`, but a queue of its own, because the team's
   * code may send anything to it. The fan-out delivers only the definition's team types from it, so
   * that code cannot forge the platform's `api_key.*` events.
   */
  'team-events': {
    name: 'api-key-platform-team-events',
    deadLetterQueueName: 'api-key-platform-team-events-dlq',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // Its own cap beside the platform queue's: a flood of team events cannot hold up api_key.* ones.
    maxConcurrency: 10,
  },
  /**
   * One message per delivery, kept for its whole life: between attempts the worker hides it with
   * ChangeMessageVisibility (up to 12 h) instead of blocking, so every attempt is a receive. The
   * receive count covers the 8 scheduled attempts and leaves room for crashes before a message
   * that cannot even be recorded moves to the DLQ.
   */
  'webhook-deliveries': {
    name: 'api-key-platform-webhook-deliveries',
    deadLetterQueueName: 'api-key-platform-webhook-deliveries-dlq',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 16,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // Bounds the parallel outbound connections (infra/constructs/webhooks.ts, DELIVERY_MAX_CONCURRENCY).
    maxConcurrency: 20,
  },
  /**
   * One message per expiry (or per moment many keys expire at), delayed until it: the worker then
   * flushes the stage's authorizer cache. The worker waits at most a flush window plus a second.
   */
  'key-expiries': {
    name: 'api-key-platform-key-expiries',
    deadLetterQueueName: 'api-key-platform-key-expiries-dlq',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // Flushes are coalesced per environment by a conditional claim: more workers only contend.
    maxConcurrency: 2,
  },
  /**
   * One S3 ObjectCreated notification per access-log object Firehose writes (about one a minute per
   * stage, more at high traffic): usage-ingest turns each object into a usage window. The
   * visibility is six times usage-ingest's timeout, as AWS advises for an SQS event source. A
   * redelivered object rewrites the same window items, so a retry counts nothing twice.
   */
  'access-log-objects': {
    name: 'api-key-platform-access-log-objects',
    deadLetterQueueName: 'api-key-platform-access-log-objects-dlq',
    visibilityTimeoutSeconds: 6 * USAGE_INGEST_TIMEOUT_SECONDS,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
    // A few objects a minute: a handful of instances keep up with far more.
    maxConcurrency: 5,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueId = keyof typeof QUEUES;

/** The environment variable that carries each queue's URL: the construct sets it, and `npm start` does the same. */
export const QUEUE_URL_VARIABLES: {
  reminders: keyof typeof reminderQueueConfig;
  'webhook-events': keyof typeof webhookEventQueueConfig;
  'team-events': keyof typeof teamEventQueueConfig;
  'webhook-deliveries': keyof typeof webhookDeliveryQueueConfig;
  'key-expiries': keyof typeof keyExpiryQueueConfig;
  /** Only its consumer gets it (nothing sends to it but S3); the event source mapping does the polling. */
  'access-log-objects': 'ACCESS_LOG_OBJECT_QUEUE_URL';
} = {
  reminders: 'REMINDER_QUEUE_URL',
  'webhook-events': 'WEBHOOK_EVENT_QUEUE_URL',
  'team-events': 'TEAM_EVENT_QUEUE_URL',
  'webhook-deliveries': 'WEBHOOK_DELIVERY_QUEUE_URL',
  'key-expiries': 'KEY_EXPIRY_QUEUE_URL',
  'access-log-objects': 'ACCESS_LOG_OBJECT_QUEUE_URL',
};

/** How often the reminder scan runs: daily by default (the CDK construct and `npm start` both read it). */
export const REMINDER_SCAN_RATE_MINUTES = 24 * 60;
