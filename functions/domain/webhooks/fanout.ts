/**
 * Fan-out: one published event becomes one delivery per subscribed endpoint. Every step is
 * idempotent (the delivery id is derived from the event and the endpoint), so a fan-out retried
 * after a crash neither loses nor doubles a delivery.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type {
  Delivery,
  DeliveryMessage,
  DeliveryQueue,
  DeliveryStore,
  EventStore,
  PublishedEvent,
  WebhookEndpoint,
  WebhookStore,
} from './webhook-model';

export interface FanOutDeps {
  endpoints: Pick<WebhookStore, 'allOfOrganization'>;
  events: Pick<EventStore, 'put'>;
  deliveries: Pick<DeliveryStore, 'createIfAbsent' | 'get'>;
  queue: DeliveryQueue;
  clock: Clock;
  /** Attempts a delivery gets: the retry schedule's length. */
  maxAttempts: number;
}

/** Deliveries are kept 30 days, and so are the events they carry. */
export const DELIVERY_RETENTION_DAYS = 30;

export function deliveryIdOf(eventId: string, webhookId: string): string {
  return `msg_${createHash('sha256').update(`${eventId}:${webhookId}`).digest('hex').slice(0, 24)}`;
}

export function subscribes(endpoint: WebhookEndpoint, event: PublishedEvent): boolean {
  return (
    endpoint.status === 'enabled' && endpoint.environment === event.environment && endpoint.events.includes(event.type)
  );
}

export async function fanOut(
  deps: FanOutDeps,
  event: PublishedEvent,
  options: { retried?: boolean } = {},
): Promise<{ deliveries: number }> {
  const messages = await prepareDeliveries(deps, event, options);
  await deps.queue.enqueue(messages);
  return { deliveries: messages.length };
}

/**
 * Stores the event's deliveries and returns the messages to queue for them; the caller queues them
 * (the worker, for a whole batch of events in as few SendMessageBatch calls as possible).
 */
export async function prepareDeliveries(
  deps: Omit<FanOutDeps, 'queue'>,
  event: PublishedEvent,
  options: { retried?: boolean } = {},
): Promise<DeliveryMessage[]> {
  const endpoints = await deps.endpoints.allOfOrganization(event.organizationId, event.environment);
  const subscribed = endpoints.filter((endpoint) => subscribes(endpoint, event));
  // A retried fan-out may have stored deliveries for endpoints that have since been disabled or
  // unsubscribed, without queueing them: queue those too, and the worker ends them as failed.
  // Only retries pay for these reads.
  const orphans = options.retried
    ? await orphanedDeliveries(
        deps,
        event,
        endpoints.filter((endpoint) => !subscribes(endpoint, event)),
      )
    : [];
  if (subscribed.length === 0) return orphans;
  await deps.events.put(event);
  const now = deps.clock().toISOString();
  const stored = await Promise.all(
    subscribed.map((endpoint) =>
      deps.deliveries.createIfAbsent(newDelivery(event, endpoint.id, now, deps.maxAttempts)),
    ),
  );
  // A delivery with attempts already made has its message; one without may not (a crash between
  // creating it and queueing), and a second message for it is harmless: attempts are recorded
  // conditionally, so only one of them can make each attempt count.
  return [...stored.filter(unqueued).map(messageOf), ...orphans];
}

const unqueued = (delivery: Delivery) => delivery.status === 'pending' && delivery.attempts.length === 0;
const messageOf = (delivery: Delivery): DeliveryMessage => ({
  deliveryId: delivery.id,
  webhookId: delivery.webhookId,
  eventId: delivery.eventId,
});

async function orphanedDeliveries(
  deps: Pick<FanOutDeps, 'deliveries'>,
  event: PublishedEvent,
  endpoints: WebhookEndpoint[],
): Promise<DeliveryMessage[]> {
  const found = await Promise.all(
    endpoints.map((endpoint) => deps.deliveries.get(deliveryIdOf(event.id, endpoint.id))),
  );
  return found.filter((delivery): delivery is Delivery => delivery !== undefined && unqueued(delivery)).map(messageOf);
}

/** Reads each organization's endpoints once per batch of events: most batches are one organization's. */
export function memoizedEndpoints(endpoints: Pick<WebhookStore, 'allOfOrganization'>) {
  const cache = new Map<string, Promise<WebhookEndpoint[]>>();
  return {
    allOfOrganization(organizationId: string, environment: PublishedEvent['environment']) {
      const key = `${organizationId}/${environment}`;
      let found = cache.get(key);
      if (!found) {
        found = endpoints.allOfOrganization(organizationId, environment);
        cache.set(key, found);
        found.catch(() => cache.delete(key));
      }
      return found;
    },
  };
}

export function newDelivery(event: PublishedEvent, webhookId: string, now: string, maxAttempts: number): Delivery {
  return {
    id: deliveryIdOf(event.id, webhookId),
    webhookId,
    organizationId: event.organizationId,
    eventId: event.id,
    eventType: event.type,
    status: 'pending',
    attempts: [],
    maxAttempts,
    createdAt: now,
    updatedAt: now,
  };
}
