/**
 * webhook-fanout: the events queue's consumer. Each event becomes one delivery per subscribed
 * endpoint. The batch shares one read of each organization's endpoints and one queueing of all its
 * delivery messages (10 per SendMessageBatch), so a batch of 10 events costs about one Query and
 * one send instead of ten of each. A record whose fan-out failed is reported in
 * `batchItemFailures` alone, and SQS hands it out again: fan-out is idempotent.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseEventMessage } from '../adapters/sqs-webhook-queues';
import { systemClock } from '../domain/clock';
import { type FanOutDeps, memoizedEndpoints, prepareDeliveries } from '../domain/webhooks/fanout';
import type { DeliveryMessage } from '../domain/webhooks/webhook-model';
import { logger } from '../runtime/logger';
import {
  deliveryQueueFromEnvironment,
  deliveryStore,
  egressFromEnvironment,
  eventStore,
  webhookStore,
} from '../runtime/webhooks';

const deps: FanOutDeps = {
  endpoints: webhookStore,
  events: eventStore,
  deliveries: deliveryStore,
  queue: deliveryQueueFromEnvironment(),
  clock: systemClock,
  maxAttempts: egressFromEnvironment().schedule.length,
};

export function fanOutBatch(fanOutDeps: FanOutDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchDeps = { ...fanOutDeps, endpoints: memoizedEndpoints(fanOutDeps.endpoints) };
    const prepared = await Promise.allSettled(
      // async, so a message that does not parse rejects its own promise instead of failing the batch.
      event.Records.map(async (record) =>
        prepareDeliveries(batchDeps, parseEventMessage(record.body), {
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
        logger.error('Fanning out an event failed; SQS retries it', {
          messageId: record.messageId,
          error: result.reason,
        });
        return [{ itemIdentifier: record.messageId }];
      }
      return !queued && result && result.value.length > 0 ? [{ itemIdentifier: record.messageId }] : [];
    });
    logger.debug('Events fanned out', { events: event.Records.length, deliveries: messages.length });
    return { batchItemFailures };
  };
}

export const handler = fanOutBatch(deps);
