/**
 * What an admin does with deliveries: read the log, redeliver one, recover every failed one since a
 * time, and send a test event now.
 */
import type { Caller } from '../caller';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Page, PageRequest } from '../keys/key-model';
import { EVENT_CATALOG, type EventType } from './catalog';
import { type AttemptDeps, attemptOnce } from './delivery';
import { ownedEndpoint } from './endpoint-service';
import { DELIVERY_RETENTION_DAYS, newDelivery } from './fanout';
import { newEventId } from './publish';
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

/** One more attempt for a finished delivery, now; a pending one is already on its way (409). */
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
    throw new ConflictError(
      `Delivery ${deliveryId} is pending${delivery.nextAttemptAt ? `; its next attempt is at ${delivery.nextAttemptAt}` : ''}.`,
    );
  }
  if (endpoint.status !== 'enabled') {
    throw new ConflictError(
      `Webhook endpoint ${endpoint.id} is disabled; re-enable it with PATCH {"enabled": true} first.`,
    );
  }
  await requeue(deps, [delivery]);
  return (await deps.deliveries.get(deliveryId)) ?? delivery;
}

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
 * Reopens each delivery for one attempt and queues its message. A delivery whose message could
 * not be queued is failed again, so none is left pending without a message.
 */
async function requeue(deps: RedeliveryDeps, deliveries: Delivery[]): Promise<number> {
  const at = deps.clock().toISOString();
  const reopened: Delivery[] = [];
  for (const delivery of deliveries) if (await deps.deliveries.reopen(delivery.id, 1, at)) reopened.push(delivery);
  try {
    await deps.queue.enqueue(
      reopened.map((delivery) => ({
        deliveryId: delivery.id,
        webhookId: delivery.webhookId,
        eventId: delivery.eventId,
      })),
    );
  } catch (error) {
    await Promise.all(reopened.map((delivery) => deps.deliveries.fail(delivery.id, 'redelivery_not_queued', at)));
    throw error;
  }
  return reopened.length;
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
  const type = eventType ?? endpoint.events[0] ?? 'contact.created';
  const now = deps.clock();
  const event: PublishedEvent = {
    id: newEventId(),
    organizationId: endpoint.organizationId,
    environment: endpoint.environment,
    type,
    timestamp: now.toISOString(),
    data: { ...EVENT_CATALOG[type].example, test: true },
  };
  await deps.events.put(event);
  const delivery = await deps.deliveries.createIfAbsent({
    ...newDelivery(event, endpoint.id, now.toISOString(), 1),
    test: true,
  });
  const { attempt, verdict } = await attemptOnce(deps, delivery.id, endpoint, event);
  await deps.deliveries.recordAttempt(delivery.id, 0, attempt, {
    status: verdict === 'succeeded' ? 'succeeded' : 'failed',
  });
  return { deliveryId: delivery.id, eventType: type, succeeded: verdict === 'succeeded', ...attempt };
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
