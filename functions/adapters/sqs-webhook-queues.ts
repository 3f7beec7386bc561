/** The webhook queues on SQS: events to fan out, and one message per delivery. */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueMessageJson } from '../domain/webhooks/event-message';
import { checkEventData } from '../domain/webhooks/publish';
import type { DeliveryMessage, DeliveryQueue, EventQueue, PublishedEvent } from '../domain/webhooks/webhook-model';
import { sendJsonBatches } from './sqs-batch';

export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(event: PublishedEvent): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: queueMessageJson(event) }));
  }
}

/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    await sendJsonBatches(this.client, this.queueUrl, messages, 'delivery');
  }

  /** Sends a delivery's message again, to arrive after `seconds` (SQS allows at most 900). */
  async delay(message: DeliveryMessage, seconds: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: queueMessageJson(message),
        DelaySeconds: Math.min(Math.max(Math.ceil(seconds), 0), MAX_DELAY_SECONDS),
      }),
    );
  }

  /** Hides a received message until its next attempt is due (SQS allows up to 12 hours). */
  async hide(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(Math.max(Math.ceil(seconds), 0), 43_200),
      }),
    );
  }
}

/** Parses an events queue message; throws on anything else (it then ends in the DLQ). */
export function parseEventMessage(body: string): PublishedEvent {
  const value = JSON.parse(body) as Partial<PublishedEvent>;
  if (
    typeof value.id !== 'string' ||
    typeof value.organizationId !== 'string' ||
    (value.environment !== 'live' && value.environment !== 'test') ||
    typeof value.type !== 'string' ||
    typeof value.timestamp !== 'string' ||
    typeof value.data !== 'object' ||
    value.data === null
  ) {
    throw new Error('Not an event message');
  }
  // Backends queue their events themselves: one the catalog does not describe is never delivered.
  checkEventData(value.type, value.data);
  return value as PublishedEvent;
}

export function parseDeliveryMessage(body: string): DeliveryMessage {
  const value = JSON.parse(body) as Partial<DeliveryMessage>;
  if (
    typeof value.deliveryId !== 'string' ||
    typeof value.webhookId !== 'string' ||
    typeof value.eventId !== 'string'
  ) {
    throw new Error('Not a delivery message');
  }
  return { deliveryId: value.deliveryId, webhookId: value.webhookId, eventId: value.eventId };
}
