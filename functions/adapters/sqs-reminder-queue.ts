/** The reminder queue on SQS: up to 10 messages per SendMessageBatch. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReminderMessage, ReminderQueue } from '../domain/reminders/reminder-service';

export class SqsReminderQueue implements ReminderQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: ReminderMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      if (Failed && Failed.length > 0) {
        throw new Error(`SQS refused ${Failed.length} reminder message(s): ${Failed.map((f) => f.Message).join('; ')}`);
      }
    }
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
