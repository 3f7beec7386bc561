/** The key-expiries queue on SQS: delayed messages, up to 10 per SendMessageBatch. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ExpiryMessage, ExpiryQueue, QueuedExpiry } from '../domain/key-expiry/schedule';
import { KEY_ENVIRONMENTS, type KeyEnvironment } from '../domain/keys/key-token';

export class SqsExpiryQueue implements ExpiryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: QueuedExpiry[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map(({ message, delaySeconds }, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
            DelaySeconds: delaySeconds,
          })),
        }),
      );
      if (Failed && Failed.length > 0) {
        throw new Error(`SQS refused ${Failed.length} expiry message(s): ${Failed.map((f) => f.Message).join('; ')}`);
      }
    }
  }
}

/** Parses a message the schedule wrote; throws on anything else (it then ends in the DLQ). */
export function parseExpiryMessage(body: string): ExpiryMessage {
  const value = JSON.parse(body) as Partial<ExpiryMessage>;
  if (
    !KEY_ENVIRONMENTS.includes(value.environment as KeyEnvironment) ||
    typeof value.expiresAt !== 'string' ||
    Number.isNaN(Date.parse(value.expiresAt))
  ) {
    throw new Error('Not a key expiry message');
  }
  return { environment: value.environment as KeyEnvironment, expiresAt: value.expiresAt };
}
