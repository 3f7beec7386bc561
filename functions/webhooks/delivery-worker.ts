/**
 * webhook-delivery: the deliveries queue's consumer. A message stays with its delivery for its
 * whole life: after a failed attempt the worker hides it until the next attempt is due
 * (ChangeMessageVisibility, up to 12 h) and reports it in `batchItemFailures`, so SQS keeps it
 * and no Lambda waits. The records of a batch are posted in parallel.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Prefetched, prefetchDeliveries, withPrefetched } from '../adapters/dynamo-delivery-prefetch';
import { DynamoNotificationStore } from '../adapters/dynamo-notification-store';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { MAX_DELAY_SECONDS, parseDeliveryMessage, type SqsDeliveryQueue } from '../adapters/sqs-webhook-queues';
import { WebhookHttpClient } from '../adapters/webhook-http';
import { PLATFORM_METRICS } from '../definition/metrics';
import { systemClock } from '../domain/clock';
import { advanceDelivery, type DeliveryDeps } from '../domain/webhooks/delivery';
import { endpointDisabledNotifier } from '../domain/webhooks/disabled-notice';
import type { DeliveryMessage, WebhookSender } from '../domain/webhooks/webhook-model';
import { dynamoDb, sesV2 } from '../runtime/clients';
import { loadConfig, optionalEmailConfig, tableConfig } from '../runtime/config';
import { logger } from '../runtime/logger';
import { countMetric, publishMetrics } from '../runtime/metrics';
import { memberStore, organizationStore } from '../runtime/stores';
import {
  deliveryQueueFromEnvironment,
  deliveryStore,
  egressFromEnvironment,
  eventStore,
  masterSecretFromEnvironment,
  webhookStore,
} from '../runtime/webhooks';

const { TABLE_NAME } = loadConfig(tableConfig);
// The sender exists only where the platform was given one (the `reminders` options in CDK).
const { EMAIL_SENDER: emailSender } = loadConfig(optionalEmailConfig);
const egress = egressFromEnvironment();
const queue = deliveryQueueFromEnvironment();
const deps: DeliveryDeps = {
  deliveries: deliveryStore,
  endpoints: webhookStore,
  events: eventStore,
  sender: countingAttempts(new WebhookHttpClient({ policy: egress.policy })),
  masterSecret: masterSecretFromEnvironment(),
  clock: systemClock,
  schedule: egress.schedule,
  onEndpointDisabled: endpointDisabledNotifier({
    organizations: organizationStore,
    members: memberStore,
    notifications: new DynamoNotificationStore(dynamoDb, TABLE_NAME),
    ...(emailSender && { email: new SesEmailSender(sesV2, emailSender) }),
    clock: systemClock,
  }),
};

/** Thrown for a message that must come back later: Powertools then reports it as a batch item failure. */
class NotYetDone extends Error {
  override name = 'NotYetDone';
}

export function deliverBatch(
  deliveryDeps: DeliveryDeps,
  deliveryQueue: Pick<SqsDeliveryQueue, 'hide' | 'delay'>,
  prefetch?: (messages: DeliveryMessage[]) => Promise<Prefetched>,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchDeps = await withBatchReads(deliveryDeps, event, prefetch);
    const deliverRecord = async (record: SQSRecord) => {
      const message = parseDeliveryMessage(record.body);
      const step = await advanceDelivery(batchDeps, message);
      if (step.kind === 'done') return step.outcome;
      // A hidden message counts as in flight, and a queue allows about 120,000 in flight: a busy
      // endpoint down for a day would stall every tenant's deliveries. So a long wait travels as a
      // new, delayed message (in hops of up to 15 minutes; an early arrival is delayed again),
      // and only short waits keep the received message hidden.
      if (step.seconds > MAX_DELAY_SECONDS) {
        const sent = await deliveryQueue.delay(message, MAX_DELAY_SECONDS).then(
          () => true,
          (error: unknown) => {
            logger.warn('Re-sending a delivery message failed; hiding it instead', { error });
            return false;
          },
        );
        if (sent) return 'rescheduled';
      }
      // If hiding fails, the message returns after the queue's visibility timeout and is hidden then.
      await deliveryQueue
        .hide(record.receiptHandle, step.seconds)
        .catch((error: unknown) =>
          logger.warn('Hiding a delivery message failed', { messageId: record.messageId, error }),
        );
      throw new NotYetDone(`next attempt in ${step.seconds} s`);
    };
    // A processor per invocation: a BatchProcessor keeps a batch's successes and failures on the
    // instance (unless Lambda runs several invocations per instance, AWS_LAMBDA_MAX_CONCURRENCY), so
    // batches run at once in one process, as the local event source's parallel pollers do, would
    // report each other's records, and a message due for a later attempt could be deleted as done.
    return processPartialResponse(event, deliverRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });
  };
}

/** The batch's reads in one request; without it (or if it fails) each record reads its own. */
async function withBatchReads(
  deliveryDeps: DeliveryDeps,
  event: SQSEvent,
  prefetch?: (messages: DeliveryMessage[]) => Promise<Prefetched>,
): Promise<DeliveryDeps> {
  if (!prefetch) return deliveryDeps;
  const messages = event.Records.flatMap((record) => {
    try {
      return [parseDeliveryMessage(record.body)];
    } catch {
      return []; // reported by its own record
    }
  });
  try {
    const fetched = await prefetch(messages);
    return {
      ...deliveryDeps,
      deliveries: withPrefetched(deliveryDeps.deliveries, fetched.deliveries),
      endpoints: withPrefetched(deliveryDeps.endpoints, fetched.endpoints),
      events: withPrefetched(deliveryDeps.events, fetched.events),
    };
  } catch (error) {
    logger.warn('Reading the batch at once failed; reading per delivery', { error });
    return deliveryDeps;
  }
}

const deliverWithPrefetch = deliverBatch(deps, queue, (messages) => prefetchDeliveries(dynamoDb, TABLE_NAME, messages));

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  try {
    return await deliverWithPrefetch(event);
  } finally {
    publishMetrics();
  }
};

/** Counts every attempt and every 2xx, for the delivery success rate on the dashboard. */
function countingAttempts(sender: WebhookSender): WebhookSender {
  return {
    async post(request) {
      const outcome = await sender.post(request);
      countMetric(PLATFORM_METRICS.names.webhookAttempts);
      if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) {
        countMetric(PLATFORM_METRICS.names.webhookAttemptsSucceeded);
      }
      return outcome;
    },
  };
}
