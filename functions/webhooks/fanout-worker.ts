/**
 * webhook-fanout: the consumer of both events queues, the platform's and the team's. Each event
 * becomes one delivery per subscribed endpoint (fanout-batch.ts); which types a record may carry
 * depends on the queue it came from.
 */
import { systemClock } from '../domain/clock';
import type { FanOutDeps } from '../domain/webhooks/fanout';
import { loadConfig, webhookEventQueueConfig } from '../runtime/config';
import {
  deliveryQueueFromEnvironment,
  deliveryStore,
  egressFromEnvironment,
  eventStore,
  webhookStore,
} from '../runtime/webhooks';
import { fanOutBatch } from './fanout-batch';

const deps: FanOutDeps = {
  endpoints: webhookStore,
  events: eventStore,
  deliveries: deliveryStore,
  queue: deliveryQueueFromEnvironment(),
  clock: systemClock,
  maxAttempts: egressFromEnvironment().schedule.length,
};

export const handler = fanOutBatch(deps, {
  platformQueueUrl: loadConfig(webhookEventQueueConfig).WEBHOOK_EVENT_QUEUE_URL,
});
