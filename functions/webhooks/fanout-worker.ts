/**
 * webhook-fanout: the events queue's consumer. Each event becomes one delivery per subscribed
 * endpoint; an event whose fan-out failed is reported in `batchItemFailures` alone, and SQS hands
 * it out again (fan-out is idempotent).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEventMessage } from '../adapters/sqs-webhook-queues';
import { systemClock } from '../domain/clock';
import { type FanOutDeps, fanOut } from '../domain/webhooks/fanout';
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
  const fanOutRecord = async (record: SQSRecord) => {
    const event = parseEventMessage(record.body);
    const { deliveries } = await fanOut(fanOutDeps, event);
    logger.debug('Event fanned out', { eventId: event.id, type: event.type, deliveries });
  };
  // A processor per invocation, as in delivery-worker.ts: batches run at once must not share one.
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, fanOutRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
}

export const handler = fanOutBatch(deps);
