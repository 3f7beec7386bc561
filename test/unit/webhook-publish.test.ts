import { PayloadTooLargeError, ValidationError } from '../../functions/domain/errors';
import { type EventType, eventTypes } from '../../functions/domain/webhooks/catalog';
import {
  deliveryIdOf,
  type FanOutDeps,
  fanOut,
  prepareDeliveries,
  subscribes,
} from '../../functions/domain/webhooks/fanout';
import {
  buildEvent,
  deliveryBody,
  type EventInput,
  MAX_EVENT_BYTES,
  publishEvent,
} from '../../functions/domain/webhooks/publish';
import type { PublishedEvent, WebhookEndpoint } from '../../functions/domain/webhooks/webhook-model';
import { aManualClock, NOW, validationIssuesOf } from '../support/unit-factories';
import {
  anAttempt,
  anEndpoint,
  anEvent,
  MemoryDeliveryQueue,
  MemoryDeliveryStore,
  MemoryEventStore,
  MemoryWebhookStore,
} from '../support/webhook-memory';

const clock = aManualClock(NOW).clock;

function aTableCreated(data: Record<string, unknown> = {}): EventInput<EventType> {
  return {
    organizationId: 'org_1',
    environment: 'live',
    type: 'table.created',
    data: { id: 'tb_1', accountId: 'acc_1', name: 'Leads', createdAt: NOW.toISOString(), ...data },
  } as EventInput<EventType>;
}

/** A table.created whose delivery body is exactly `bytes` long, padding its name with `pad`. */
function tableCreatedOfSize(bytes: number, pad = 'x') {
  const base = Buffer.byteLength(deliveryBody(buildEvent(aTableCreated({ name: '' }), clock)));
  const padBytes = Buffer.byteLength(pad);
  const name = pad.repeat(Math.floor((bytes - base) / padBytes)) + 'x'.repeat((bytes - base) % padBytes);
  return aTableCreated({ name });
}

describe('buildEvent', () => {
  it('builds the event of the caller’s organization and environment, stamped by the clock', () => {
    const event = buildEvent(aTableCreated(), clock);

    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
      organizationId: 'org_1',
      environment: 'live',
      type: 'table.created',
      timestamp: NOW.toISOString(),
      data: { id: 'tb_1', accountId: 'acc_1', name: 'Leads', createdAt: NOW.toISOString() },
    });
  });

  it('names every field of data that does not match the catalog as data.<field>', () => {
    const issues = validationIssuesOf(() => buildEvent(aTableCreated({ id: 1, name: undefined }), clock));

    expect(issues.map((issue) => issue.field).sort()).toEqual(['data.id', 'data.name']);
  });

  it('names nested fields by their path', () => {
    const input = {
      organizationId: 'org_1',
      environment: 'live',
      type: 'api_key.created',
      data: {
        id: 'key_1',
        name: 'CI',
        environment: 'live',
        last8: 'abcdefgh',
        permissions: ['read', 7],
        createdAt: '',
      },
    } as EventInput<EventType>;

    expect(validationIssuesOf(() => buildEvent(input, clock))).toEqual([
      { field: 'data.permissions.1', message: expect.any(String) },
    ]);
  });

  it('keeps fields the catalog does not name', () => {
    expect(buildEvent(aTableCreated({ extra: { nested: true } }), clock).data).toMatchObject({
      extra: { nested: true },
    });
  });

  it('refuses an unknown type, listing the valid ones', () => {
    const issues = validationIssuesOf(() =>
      buildEvent({ ...aTableCreated(), type: 'contact.exploded' as EventType }, clock),
    );

    expect(issues).toEqual([
      { field: 'type', message: expect.stringContaining("'contact.exploded' is not an event type") },
    ]);
    for (const type of eventTypes()) expect(issues[0]?.message).toContain(type);
  });

  it('accepts a delivery body of exactly 256,000 bytes', () => {
    const input = tableCreatedOfSize(MAX_EVENT_BYTES);

    const event = buildEvent(input, clock);

    expect(MAX_EVENT_BYTES).toBe(256_000);
    expect(Buffer.byteLength(deliveryBody(event))).toBe(MAX_EVENT_BYTES);
  });

  it('refuses one byte more with 413, saying the size and the limit', () => {
    const build = () => buildEvent(tableCreatedOfSize(MAX_EVENT_BYTES + 1), clock);

    expect(build).toThrow(PayloadTooLargeError);
    expect(build).toThrow('The event is 256001 bytes as JSON; the limit is 256000.');
    expect(new PayloadTooLargeError('').status).toBe(413);
  });

  it('counts bytes, not characters', () => {
    const input = tableCreatedOfSize(MAX_EVENT_BYTES + 1, 'é');
    const body = deliveryBody({ type: input.type, timestamp: NOW.toISOString(), data: input.data });

    expect(body.length).toBeLessThan(MAX_EVENT_BYTES);
    expect(() => buildEvent(input, clock)).toThrow(PayloadTooLargeError);
  });
});

describe('publishEvent', () => {
  it('queues the built event and returns it', async () => {
    const queued: PublishedEvent[] = [];

    const event = await publishEvent(
      { publish: async (published) => void queued.push(published) },
      aTableCreated(),
      clock,
    );

    expect(queued).toEqual([event]);
  });

  it('queues nothing when the event is refused', async () => {
    const queued: PublishedEvent[] = [];

    await expect(
      publishEvent({ publish: async (published) => void queued.push(published) }, aTableCreated({ id: 1 }), clock),
    ).rejects.toThrow(ValidationError);
    expect(queued).toEqual([]);
  });
});

describe('fanOut', () => {
  const event = anEvent({ environment: 'test', type: 'table.created' });
  const subscribed = anEndpoint({ id: 'wh_0000000000000000000a', environment: 'test', events: ['table.created'] });
  const alsoSubscribed = anEndpoint({ id: 'wh_0000000000000000000b', environment: 'test', events: ['table.created'] });

  function aFanOutSetup(endpoints: WebhookEndpoint[]) {
    const stores = {
      endpoints: new MemoryWebhookStore(endpoints),
      events: new MemoryEventStore(),
      deliveries: new MemoryDeliveryStore(),
      queue: new MemoryDeliveryQueue(),
    };
    const time = aManualClock(NOW);
    const deps: FanOutDeps = { ...stores, clock: time.clock, maxAttempts: 8 };
    return { deps, time, ...stores };
  }

  it('on a retry, also queues a stored delivery whose endpoint has stopped subscribing, and only on a retry', async () => {
    const { deps, queue, endpoints } = aFanOutSetup([subscribed, alsoSubscribed]);
    await prepareDeliveries(deps, event); // stored, never queued: the first run crashed here
    await endpoints.replace({ ...alsoSubscribed, status: 'disabled', version: alsoSubscribed.version + 1 });

    await fanOut(deps, event);
    const firstRun = queue.messages.map((message) => message.webhookId);
    queue.messages.length = 0;
    await fanOut(deps, event, { retried: true });

    expect(firstRun).toEqual([subscribed.id]);
    expect(queue.messages.map((message) => message.webhookId).sort()).toEqual(
      [subscribed.id, alsoSubscribed.id].sort(),
    );
  });

  it('makes one pending delivery per subscribed endpoint, queues it and keeps the event', async () => {
    const { deps, deliveries, events, queue } = aFanOutSetup([subscribed]);

    expect(await fanOut(deps, event)).toEqual({ deliveries: 1 });

    const id = deliveryIdOf(event.id, subscribed.id);
    expect(id).toMatch(/^msg_[0-9a-f]{24}$/);
    expect([...deliveries.items.values()]).toEqual([
      {
        id,
        webhookId: subscribed.id,
        organizationId: event.organizationId,
        eventId: event.id,
        eventType: 'table.created',
        status: 'pending',
        attempts: [],
        maxAttempts: 8,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
    ]);
    expect(queue.messages).toEqual([{ deliveryId: id, webhookId: subscribed.id, eventId: event.id }]);
    expect(events.items.get(event.id)).toEqual(event);
  });

  it('delivers only to enabled endpoints of the event’s organization and environment subscribed to its type', async () => {
    const { deps, deliveries } = aFanOutSetup([
      subscribed,
      anEndpoint({ id: 'wh_0000000000000000000c', environment: 'live', events: ['table.created'] }),
      anEndpoint({ id: 'wh_0000000000000000000d', environment: 'test', events: ['contact.created'] }),
      anEndpoint({ id: 'wh_0000000000000000000e', environment: 'test', events: ['table.created'], status: 'disabled' }),
      anEndpoint({
        id: 'wh_0000000000000000000f',
        environment: 'test',
        events: ['table.created'],
        organizationId: 'org_2',
      }),
    ]);

    await fanOut(deps, event);

    expect([...deliveries.items.values()].map((delivery) => delivery.webhookId)).toEqual([subscribed.id]);
  });

  it('judges the environment itself too, whatever the store returns', () => {
    expect(subscribes(subscribed, event)).toBe(true);
    expect(subscribes({ ...subscribed, environment: 'live' }, event)).toBe(false);
    expect(subscribes({ ...subscribed, status: 'disabled' }, event)).toBe(false);
    expect(subscribes({ ...subscribed, events: ['contact.created'] }, event)).toBe(false);
  });

  it('stores and queues nothing for an event no endpoint subscribes to', async () => {
    const { deps, events, queue } = aFanOutSetup([anEndpoint({ environment: 'test', events: ['contact.deleted'] })]);

    expect(await fanOut(deps, event)).toEqual({ deliveries: 0 });
    expect(events.puts).toBe(0);
    expect(queue.messages).toEqual([]);
  });

  it('run again, creates no second delivery and queues again only the deliveries with no attempt yet', async () => {
    const { deps, deliveries, queue, time } = aFanOutSetup([subscribed, alsoSubscribed]);
    await fanOut(deps, event);
    const attempted = deliveryIdOf(event.id, subscribed.id);
    await deliveries.recordAttempt(attempted, 0, anAttempt(), { status: 'pending', nextAttemptAt: NOW.toISOString() });
    queue.messages.length = 0;
    // SQS hands the event out again once its visibility timeout is over.
    time.advance(180_000);

    expect(await fanOut(deps, event)).toEqual({ deliveries: 1 });

    expect(deliveries.items.size).toBe(2);
    expect(deliveries.items.get(attempted)?.attempts).toHaveLength(1);
    expect([...deliveries.items.values()].map((delivery) => delivery.createdAt)).toEqual([
      NOW.toISOString(),
      NOW.toISOString(),
    ]);
    expect(queue.messages).toEqual([
      { deliveryId: deliveryIdOf(event.id, alsoSubscribed.id), webhookId: alsoSubscribed.id, eventId: event.id },
    ]);
  });

  it('does not queue again a delivery already ended without an attempt', async () => {
    const { deps, deliveries, queue } = aFanOutSetup([subscribed]);
    await fanOut(deps, event);
    await deliveries.fail(deliveryIdOf(event.id, subscribed.id), 'endpoint_disabled', NOW.toISOString());
    queue.messages.length = 0;

    expect(await fanOut(deps, event)).toEqual({ deliveries: 0 });
    expect(queue.messages).toEqual([]);
  });
});
