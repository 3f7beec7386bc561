/**
 * One consistent BatchGetItem for a whole batch of delivery messages: their deliveries, endpoints
 * and events (at most 30 distinct items), instead of three GetItems per message. The delivery step
 * then reads through `withPrefetched` stores, which answer from what was fetched.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryMessage } from '../domain/webhooks/webhook-model';
import { deliveryKey, eventKey, toDelivery, toEvent } from './dynamo-delivery-store';
import { endpointKey, toEndpoint } from './dynamo-webhook-store';

const MAX_ROUNDS = 5;

export interface Prefetched {
  deliveries: Map<string, ReturnType<typeof toDelivery> | undefined>;
  endpoints: Map<string, ReturnType<typeof toEndpoint> | undefined>;
  events: Map<string, ReturnType<typeof toEvent> | undefined>;
}

export async function prefetchDeliveries(
  client: DynamoDBDocumentClient,
  tableName: string,
  messages: readonly DeliveryMessage[],
): Promise<Prefetched> {
  const wanted = new Map<string, { pk: string; sk: string }>();
  for (const message of messages) {
    for (const key of [deliveryKey(message.deliveryId), endpointKey(message.webhookId), eventKey(message.eventId)]) {
      wanted.set(`${key.pk}|${key.sk}`, key);
    }
  }
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = [...wanted.values()];
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
    const { Responses, UnprocessedKeys } = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(Responses?.[tableName] ?? []));
    pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
  const found = new Map(items.map((item) => [`${item.pk}|${item.sk}`, item]));
  const lookup = <T>(key: { pk: string; sk: string }, convert: (item: Record<string, unknown>) => T) => {
    const item = found.get(`${key.pk}|${key.sk}`);
    return item ? convert(item) : undefined;
  };
  const prefetched: Prefetched = { deliveries: new Map(), endpoints: new Map(), events: new Map() };
  for (const message of messages) {
    prefetched.deliveries.set(message.deliveryId, lookup(deliveryKey(message.deliveryId), toDelivery));
    prefetched.endpoints.set(message.webhookId, lookup(endpointKey(message.webhookId), toEndpoint));
    prefetched.events.set(message.eventId, lookup(eventKey(message.eventId), toEvent));
  }
  return prefetched;
}

/** The store, with `get` answered from `fetched` for the ids in it (absent ones included). */
export function withPrefetched<Value, Store extends { get(id: string): Promise<Value | undefined> }>(
  store: Store,
  fetched: Map<string, Value | undefined>,
): Store {
  const reader = Object.create(store) as Store;
  reader.get = (id: string) => (fetched.has(id) ? Promise.resolve(fetched.get(id)) : store.get(id));
  return reader;
}
