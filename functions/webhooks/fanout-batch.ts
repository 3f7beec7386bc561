/**
 * The fan-out of one SQS batch, without the AWS wiring (fanout-worker.ts builds its deps). The
 * batch shares one read of each organization's endpoints and one queueing of all its delivery
 * messages (10 per SendMessageBatch), so a batch of 10 events costs about one Query and one send
 * instead of ten of each. A record whose fan-out failed is reported in `batchItemFailures` alone,
 * and SQS hands it out again: fan-out is idempotent. A record that can never be fanned out (not an
 * event, not of the catalog, or a type its queue may not carry) fails the same way and reaches its
 * queue's DLQ after `maxReceiveCount` receives, whose alarm tells the operator.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEventMessage } from '../adapters/sqs-webhook-queues';
import { checkEventSource, isQueueOf, RefusedEventSourceError } from '../domain/webhooks/event-source';
import { type FanOutDeps, memoizedEndpoints, prepareDeliveries } from '../domain/webhooks/fanout';
import type { DeliveryMessage } from '../domain/webhooks/webhook-model';
import { logger } from '../runtime/logger';

export interface FanOutBatchOptions {
  /**
   * The platform's own events queue (WEBHOOK_EVENT_QUEUE_URL): records from it may carry any type
   * of the catalog; records from any other queue, the team's, only the definition's types.
   */
  platformQueueUrl: string;
}

export function fanOutBatch(fanOutDeps: FanOutDeps, options: FanOutBatchOptions) {
  const eventOf = (record: SQSRecord) => {
    const event = parseEventMessage(record.body);
    checkEventSource(event.type, { fromPlatformQueue: isQueueOf(record.eventSourceARN, options.platformQueueUrl) });
    return event;
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchDeps = { ...fanOutDeps, endpoints: memoizedEndpoints(fanOutDeps.endpoints) };
    const prepared = await Promise.allSettled(
      // async, so a message that does not parse rejects its own promise instead of failing the batch.
      event.Records.map(async (record) =>
        prepareDeliveries(batchDeps, eventOf(record), {
          retried: Number(record.attributes.ApproximateReceiveCount) > 1,
        }),
      ),
    );
    const messages: DeliveryMessage[] = prepared.flatMap((result) =>
      result.status === 'fulfilled' ? result.value : [],
    );
    let queued = true;
    try {
      await fanOutDeps.queue.enqueue(messages);
    } catch (error) {
      queued = false;
      logger.error('Queueing deliveries failed; their events are retried', { error });
    }
    const batchItemFailures = event.Records.flatMap((record, index) => {
      const result = prepared[index];
      if (result?.status === 'rejected') {
        if (result.reason instanceof RefusedEventSourceError) {
          logger.warn('Refused an event its queue may not carry; it goes to the DLQ', {
            messageId: record.messageId,
            eventSourceARN: record.eventSourceARN,
            reason: result.reason.message,
          });
        } else {
          logger.error('Fanning out an event failed; SQS retries it', {
            messageId: record.messageId,
            error: result.reason,
          });
        }
        return [{ itemIdentifier: record.messageId }];
      }
      return !queued && result && result.value.length > 0 ? [{ itemIdentifier: record.messageId }] : [];
    });
    logger.debug('Events fanned out', { events: event.Records.length, deliveries: messages.length });
    return { batchItemFailures };
  };
}
