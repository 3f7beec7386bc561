/**
 * What an admin does with deliveries: read the log, redeliver one, recover every failed one since a
 * time, and send a test event now.
 */
import type { Caller } from '../caller';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Page, PageRequest } from '../keys/key-model';
import { catalogEntry, type EventType, eventTypes } from './catalog';
import { type AttemptDeps, attemptOnce } from './delivery';
import { ownedEndpoint } from './endpoint-service';
import { newEventId } from './event-message';
import { DELIVERY_RETENTION_DAYS, deliveryIdOf, newDelivery } from './fanout';
import type {
  Delivery,
  DeliveryQueue,
  DeliveryStatus,
  DeliveryStore,
  EventStore,
  PublishedEvent,
  WebhookStore,
} from './webhook-model';

export const DELIVERY_ID_PATTERN = /^msg_[0-9a-f]{24}$/;
/** Redeliveries one recover call queues; a larger backlog takes further calls (it says so). */
export const MAX_RECOVER_PER_CALL = 500;
const DAY_MS = 24 * 3600 * 1000;

export interface RedeliveryDeps {
  endpoints: Pick<WebhookStore, 'get'>;
  deliveries: DeliveryStore;
  queue: DeliveryQueue;
  clock: () => Date;
}

export async function listDeliveries(
  deps: Pick<RedeliveryDeps, 'endpoints' | 'deliveries'>,
  caller: Caller,
  webhookId: string,
  page: PageRequest,
  status?: DeliveryStatus,
): Promise<Page<Delivery>> {
  const endpoint = await ownedEndpoint(deps.endpoints, caller, webhookId);
  return deps.deliveries.listByWebhook(endpoint.id, page, status ? { status } : {});
}

/**
 * One more attempt for a finished delivery, now; a pending one is already on its way (409). Of
 * concurrent retries one wins a conditional write on the delivery as read, and the rest get 409.
 */
export async function retryDelivery(
  deps: RedeliveryDeps,
  caller: Caller,
  webhookId: string,
  deliveryId: string,
): Promise<Delivery> {
  const endpoint = await ownedEndpoint(deps.endpoints, caller, webhookId);
  const delivery = DELIVERY_ID_PATTERN.test(deliveryId) ? await deps.deliveries.get(deliveryId) : undefined;
  if (!delivery || delivery.webhookId !== endpoint.id)
    throw new NotFoundError(`Delivery ${deliveryId} does not exist.`);
  if (delivery.status === 'pending') {
    const now = deps.clock();
    if (isStuck(delivery, now)) {
      // Its message was lost (a crash between writing and queueing): queue a new one. Should the old
      // one still exist, attempts are recorded conditionally, so neither can count one twice.
      const read = { attempts: delivery.attempts.length, updatedAt: delivery.updatedAt };
      if (!(await deps.deliveries.markRequeued(delivery.id, read, now.toISOString())))
        throw retriedMeanwhile(deliveryId);
      await deps.queue.enqueue([messageOf(delivery)]);
      return (await deps.deliveries.get(deliveryId)) ?? delivery;
    }
    throw new ConflictError(
      `Delivery ${deliveryId} is pending${delivery.nextAttemptAt ? `; its next attempt is at ${delivery.nextAttemptAt}` : ''}.`,
    );
  }
  if (endpoint.status !== 'enabled') {
    throw new ConflictError(
      `Webhook endpoint ${endpoint.id} is disabled; re-enable it with PATCH {"enabled": true} first.`,
    );
  }
  if ((await requeue(deps, [delivery])) === 0) throw retriedMeanwhile(deliveryId);
  return (await deps.deliveries.get(deliveryId)) ?? delivery;
}

const retriedMeanwhile = (deliveryId: string) =>
  new ConflictError(
    `Delivery ${deliveryId} changed while this retry was made: another retry is pending (or just finished). Read the delivery log, and retry again only if it is still needed.`,
  );

/** Redelivers every failed delivery of the endpoint created at or after `since` (within retention). */
export async function recoverDeliveries(
  deps: RedeliveryDeps,
  caller: Caller,
  webhookId: string,
  since: Date,
): Promise<{ recovered: number; more: boolean }> {
  const endpoint = await ownedEndpoint(deps.endpoints, caller, webhookId);
  const now = deps.clock();
  if (since.getTime() > now.getTime())
    throw new ValidationError([{ field: 'since', message: 'must not be in the future' }]);
  if (now.getTime() - since.getTime() > DELIVERY_RETENTION_DAYS * DAY_MS) {
    throw new ValidationError([
      {
        field: 'since',
        message: `must be within the last ${DELIVERY_RETENTION_DAYS} days (deliveries are kept that long)`,
      },
    ]);
  }
  if (endpoint.status !== 'enabled') {
    throw new ConflictError(
      `Webhook endpoint ${endpoint.id} is disabled; re-enable it with PATCH {"enabled": true} first.`,
    );
  }
  const failed = await deps.deliveries.failedSince(endpoint.id, since.toISOString(), MAX_RECOVER_PER_CALL + 1);
  const batch = failed.slice(0, MAX_RECOVER_PER_CALL);
  const recovered = await requeue(deps, batch);
  return { recovered, more: failed.length > MAX_RECOVER_PER_CALL };
}

/**
 * Reopens deliveries for one attempt each and queues their messages, ten at a time (one
 * SendMessageBatch), so a crash or timeout midway leaves at most ten reopened without a message.
 * A chunk that could not be queued is failed again.
 */
async function requeue(deps: RedeliveryDeps, deliveries: Delivery[]): Promise<number> {
  const at = deps.clock().toISOString();
  let requeued = 0;
  for (let start = 0; start < deliveries.length; start += 10) {
    const chunk = deliveries.slice(start, start + 10);
    const reopened = await Promise.all(
      chunk.map((delivery) => deps.deliveries.reopen(delivery.id, delivery.attempts.length, 1, at)),
    );
    const toQueue = chunk.filter((_delivery, index) => reopened[index]);
    try {
      await deps.queue.enqueue(toQueue.map(messageOf));
    } catch (error) {
      await Promise.allSettled(
        toQueue.map((delivery) => deps.deliveries.fail(delivery.id, 'redelivery_not_queued', at)),
      );
      throw error;
    }
    requeued += toQueue.length;
  }
  return requeued;
}

const messageOf = (delivery: Delivery) => ({
  deliveryId: delivery.id,
  webhookId: delivery.webhookId,
  eventId: delivery.eventId,
});

/**
 * A pending delivery nothing will advance: its next attempt (or its last change) is more than
 * STUCK_AFTER_MS ago. A live message is never that late: it is hidden until the attempt is due, or
 * back within the queue's visibility timeout (6 minutes) after a crash.
 */
export const STUCK_AFTER_MS = 15 * 60 * 1000;
function isStuck(delivery: Delivery, now: Date): boolean {
  const due = Date.parse(delivery.nextAttemptAt ?? delivery.updatedAt);
  return now.getTime() - due > STUCK_AFTER_MS;
}

export interface TestSendDeps extends AttemptDeps {
  endpoints: Pick<WebhookStore, 'get'>;
  deliveries: DeliveryStore;
  events: Pick<EventStore, 'put'>;
}

/**
 * Signs and sends the catalog's example of one event type (the endpoint's first by default) now,
 * records it in the delivery log as a test delivery, and returns the outcome. Test sends change
 * neither the endpoint's health nor its status, and work on a disabled endpoint too.
 */
export async function sendTestEvent(deps: TestSendDeps, caller: Caller, webhookId: string, eventType?: EventType) {
  const endpoint = await ownedEndpoint(deps.endpoints, caller, webhookId);
  const type = eventType ?? endpoint.events[0] ?? (eventTypes()[0] as EventType);
  // An endpoint may still subscribe to a type a later definition dropped: its test sends empty data.
  const example = catalogEntry(type)?.example ?? {};
  const now = deps.clock();
  const event: PublishedEvent = {
    id: newEventId(),
    organizationId: endpoint.organizationId,
    environment: endpoint.environment,
    type,
    timestamp: now.toISOString(),
    test: true,
    data: example,
  };
  await deps.events.put(event);
  // Attempt first, then log the delivery finished: a test send that fails midway leaves nothing pending.
  const deliveryId = deliveryIdOf(event.id, endpoint.id);
  const { attempt, verdict } = await attemptOnce(deps, deliveryId, endpoint, event);
  await deps.deliveries.createIfAbsent({
    ...newDelivery(event, endpoint.id, now.toISOString(), 1),
    status: verdict === 'succeeded' ? 'succeeded' : 'failed',
    attempts: [attempt],
    test: true,
  });
  return { deliveryId, eventType: type, succeeded: verdict === 'succeeded', ...attempt };
}

/** The delivery log's shape. */
export function deliveryView(delivery: Delivery) {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt ?? null,
    failureReason: delivery.failureReason ?? null,
    test: delivery.test ?? false,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}
