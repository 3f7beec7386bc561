/** The reminder queue on SQS: up to 10 messages per SendMessageBatch. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ReminderMessage, ReminderQueue } from '../domain/reminders/reminder-service';
import { sendJsonBatches } from './sqs-batch';

export class SqsReminderQueue implements ReminderQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: ReminderMessage[]): Promise<void> {
    await sendJsonBatches(this.client, this.queueUrl, messages, 'reminder');
  }
}

/** Parses a message body the scan wrote; throws on anything else (it then ends in the DLQ). */
export function parseReminderMessage(body: string): ReminderMessage {
  const value = JSON.parse(body) as Partial<ReminderMessage>;
  if (
    typeof value.keyId !== 'string' ||
    typeof value.asOf !== 'string' ||
    Number.isNaN(Date.parse(value.asOf)) ||
    !(value.stage === 'grace' || typeof value.stage === 'number')
  ) {
    throw new Error('Not a reminder message');
  }
  return { keyId: value.keyId, stage: value.stage, asOf: value.asOf };
}
