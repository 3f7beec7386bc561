/**
 * The platform's SQS queues: one definition for the CDK stack and the local bootstrap. Each queue
 * has a dead-letter queue that takes a message after `maxReceiveCount` failed receives.
 */
export interface QueueDefinition {
  /** Queue name suffix; the local stack uses it as is, CDK lets CloudFormation name the queue. */
  name: string;
  deadLetterQueueName: string;
  /** Longer than the consumer's timeout, so a message is not handed out twice while still in work. */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  /** How long a message may wait in the DLQ before SQS drops it. */
  deadLetterRetentionDays: number;
  /** Messages the consumer gets per invocation. */
  batchSize: number;
}

export const QUEUES = {
  reminders: {
    name: 'api-key-platform-reminders',
    deadLetterQueueName: 'api-key-platform-reminders-dlq',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
    batchSize: 10,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueId = keyof typeof QUEUES;

/** How often the reminder scan runs: daily by default (the CDK construct and `npm start` both read it). */
export const REMINDER_SCAN_RATE_MINUTES = 24 * 60;
