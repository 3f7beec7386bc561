import { Webhook } from 'standardwebhooks';
import { advanceDelivery, type DeliveryDeps } from '../../functions/domain/webhooks/delivery';
import { deliveryBody } from '../../functions/domain/webhooks/publish';
import { AUTO_DISABLE_AFTER_MS, RETRY_SCHEDULE_SECONDS } from '../../functions/domain/webhooks/retry-policy';
import { deriveEndpointSecret, SECRET_OVERLAP_MS } from '../../functions/domain/webhooks/signing';
import type {
  Delivery,
  DisabledReason,
  SendOutcome,
  WebhookEndpoint,
  WebhookRequest,
} from '../../functions/domain/webhooks/webhook-model';
import { aManualClock, NOW } from '../support/unit-factories';
import {
  aDelivery,
  anAttempt,
  anEndpoint,
  anEvent,
  MASTER_SECRET,
  MemoryDeliveryStore,
  MemoryEventStore,
  MemoryWebhookStore,
  messageOf,
  ScriptedSender,
} from '../support/webhook-memory';

type Answer = (request: WebhookRequest, index: number) => Partial<SendOutcome> | Promise<Partial<SendOutcome>>;

/** advanceDelivery's ports in memory, with one endpoint, one event and one pending delivery of it. */
function aDeliverySetup(
  options: { endpoint?: Partial<WebhookEndpoint>; delivery?: Partial<Delivery>; answer?: Answer; now?: Date } = {},
) {
  const endpoint = anEndpoint(options.endpoint);
  const event = anEvent();
  const delivery = aDelivery({ webhookId: endpoint.id, eventId: event.id, ...options.delivery });
  const endpoints = new MemoryWebhookStore([endpoint]);
  const deliveries = new MemoryDeliveryStore([delivery]);
  const sender = new ScriptedSender(options.answer);
  const events = new MemoryEventStore([event]);
  const time = aManualClock(options.now ?? NOW);
  const disabled: { endpointId: string; reason: DisabledReason }[] = [];
  const deps: DeliveryDeps = {
    deliveries,
    endpoints,
    events,
    sender,
    masterSecret: async () => MASTER_SECRET,
    clock: time.clock,
    schedule: RETRY_SCHEDULE_SECONDS,
    // The middle of the ±20% jitter: waits are exactly the schedule's.
    random: () => 0.5,
    onEndpointDisabled: async (disabledEndpoint, reason) => {
      disabled.push({ endpointId: disabledEndpoint.id, reason });
    },
  };
  const stored = {
    delivery: () => deliveries.items.get(delivery.id),
    endpoint: () => endpoints.items.get(endpoint.id),
  };
  return { deps, delivery, endpoint, event, sender, time, disabled, stored, endpoints, deliveries, events };
}

const HOUR_MS = 3600 * 1000;

describe('advanceDelivery', () => {
  it('posts a pending delivery and records the success', async () => {
    const { deps, delivery, event, sender, stored } = aDeliverySetup({ answer: () => ({ statusCode: 204 }) });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'done', outcome: 'succeeded' });
    expect(sender.requests).toEqual([
      expect.objectContaining({
        url: 'https://hooks.example.com/receive',
        body: deliveryBody(event),
        environment: 'live',
      }),
    ]);
    expect(sender.requests[0]?.headers['webhook-id']).toBe(delivery.id);
    expect(stored.delivery()).toMatchObject({
      status: 'succeeded',
      attempts: [{ statusCode: 204, at: NOW.toISOString() }],
    });
    expect(stored.delivery()?.nextAttemptAt).toBeUndefined();
  });

  it('only hides a message that comes before its attempt is due, for the seconds remaining', async () => {
    const due = new Date(NOW.getTime() + 90_500).toISOString();
    const { deps, delivery, sender, stored } = aDeliverySetup({
      delivery: { attempts: [anAttempt()], nextAttemptAt: due },
    });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'wait', seconds: 91 });
    expect(sender.requests).toHaveLength(0);
    expect(stored.delivery()).toMatchObject({ status: 'pending', attempts: [anAttempt()], nextAttemptAt: due });
  });

  it('makes the attempt once it is due', async () => {
    const { deps, delivery, sender, time } = aDeliverySetup({
      delivery: { attempts: [anAttempt()], nextAttemptAt: new Date(NOW.getTime() + 5000).toISOString() },
    });
    time.advance(5000);

    expect(await advanceDelivery(deps, messageOf(delivery))).toEqual({ kind: 'done', outcome: 'succeeded' });
    expect(sender.requests).toHaveLength(1);
  });

  it.each([
    ['deleted', (endpoints: MemoryWebhookStore, id: string) => endpoints.items.delete(id), 'endpoint_deleted'],
    [
      'moved to another organization',
      (endpoints: MemoryWebhookStore, id: string) =>
        Object.assign(endpoints.items.get(id) ?? {}, { organizationId: 'org_2' }),
      'endpoint_deleted',
    ],
    [
      'disabled',
      (endpoints: MemoryWebhookStore, id: string) =>
        Object.assign(endpoints.items.get(id) ?? {}, { status: 'disabled' }),
      'endpoint_disabled',
    ],
  ])('fails a delivery whose endpoint was %s, with the reason and without posting', async (_case, change, reason) => {
    const { deps, delivery, endpoint, endpoints, sender, stored } = aDeliverySetup();
    change(endpoints, endpoint.id);

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'done', outcome: 'failed' });
    expect(sender.requests).toHaveLength(0);
    expect(stored.delivery()).toMatchObject({ status: 'failed', failureReason: reason, attempts: [] });
  });

  it('fails a delivery whose event has expired', async () => {
    const { deps, delivery, event, events, stored } = aDeliverySetup();
    events.items.delete(event.id);

    expect(await advanceDelivery(deps, messageOf(delivery))).toEqual({ kind: 'done', outcome: 'failed' });
    expect(stored.delivery()).toMatchObject({ status: 'failed', failureReason: 'event_expired' });
  });

  it('skips a delivery that is no longer pending, or gone', async () => {
    const { deps, delivery, sender } = aDeliverySetup({ delivery: { status: 'succeeded' } });

    expect(await advanceDelivery(deps, messageOf(delivery))).toEqual({ kind: 'done', outcome: 'skipped' });
    expect(await advanceDelivery(deps, { ...messageOf(delivery), deliveryId: 'msg_gone' })).toEqual({
      kind: 'done',
      outcome: 'skipped',
    });
    expect(sender.requests).toHaveLength(0);
  });

  it('clears failingSince when an attempt succeeds', async () => {
    const { deps, delivery, stored } = aDeliverySetup({ endpoint: { failingSince: '2026-02-28T00:00:00.000Z' } });

    await advanceDelivery(deps, messageOf(delivery));

    expect(stored.endpoint()?.failingSince).toBeUndefined();
  });

  it('sets failingSince on the first failure and schedules the next attempt', async () => {
    const { deps, delivery, stored } = aDeliverySetup({ answer: () => ({ statusCode: 500, response: 'boom' }) });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'wait', seconds: RETRY_SCHEDULE_SECONDS[1] });
    expect(stored.endpoint()?.failingSince).toBe(NOW.toISOString());
    expect(stored.delivery()).toMatchObject({
      status: 'pending',
      attempts: [{ statusCode: 500, response: 'boom' }],
      nextAttemptAt: new Date(NOW.getTime() + 5000).toISOString(),
    });
  });

  it('keeps the failingSince of an earlier failure', async () => {
    const since = new Date(NOW.getTime() - HOUR_MS).toISOString();
    const { deps, delivery, stored } = aDeliverySetup({
      endpoint: { failingSince: since },
      answer: () => ({ statusCode: null, error: 'ECONNREFUSED' }),
    });

    await advanceDelivery(deps, messageOf(delivery));

    expect(stored.endpoint()).toMatchObject({ status: 'enabled', failingSince: since });
  });

  it('disables an endpoint failing for 5 days once, and tells the admins once', async () => {
    const since = new Date(NOW.getTime() - AUTO_DISABLE_AFTER_MS).toISOString();
    const { deps, delivery, endpoint, disabled, stored } = aDeliverySetup({
      endpoint: { failingSince: since },
      answer: () => ({ statusCode: 503 }),
    });
    const other = aDelivery({ id: 'msg_000000000000000000000002', webhookId: endpoint.id, eventId: delivery.eventId });
    await deps.deliveries.createIfAbsent(other);

    // Two deliveries fail at once, each having read the endpoint while it was still enabled.
    await Promise.all([advanceDelivery(deps, messageOf(delivery)), advanceDelivery(deps, messageOf(other))]);

    expect(stored.endpoint()).toMatchObject({
      status: 'disabled',
      disabledReason: 'failing',
      disabledAt: NOW.toISOString(),
    });
    expect(disabled).toEqual([{ endpointId: endpoint.id, reason: 'failing' }]);
  });

  it('does not disable an endpoint failing for just under 5 days', async () => {
    const since = new Date(NOW.getTime() - AUTO_DISABLE_AFTER_MS + 1000).toISOString();
    const { deps, delivery, disabled, stored } = aDeliverySetup({
      endpoint: { failingSince: since },
      answer: () => ({ statusCode: 500 }),
    });

    await advanceDelivery(deps, messageOf(delivery));

    expect(stored.endpoint()?.status).toBe('enabled');
    expect(disabled).toEqual([]);
  });

  it('disables the endpoint at once on 410 Gone and fails the delivery without retrying', async () => {
    const { deps, delivery, endpoint, disabled, stored } = aDeliverySetup({ answer: () => ({ statusCode: 410 }) });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'done', outcome: 'failed' });
    expect(stored.delivery()).toMatchObject({ status: 'failed', attempts: [{ statusCode: 410 }] });
    expect(stored.endpoint()).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect(disabled).toEqual([{ endpointId: endpoint.id, reason: 'gone' }]);
  });

  it('fails the delivery when its last attempt fails, with no further wait', async () => {
    const { deps, delivery, stored } = aDeliverySetup({
      delivery: { attempts: Array.from({ length: 7 }, () => anAttempt()), nextAttemptAt: NOW.toISOString() },
      answer: () => ({ statusCode: 502 }),
    });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'done', outcome: 'failed' });
    expect(stored.delivery()?.status).toBe('failed');
    expect(stored.delivery()?.attempts).toHaveLength(8);
    expect(stored.delivery()?.nextAttemptAt).toBeUndefined();
  });

  it('skips, and leaves the endpoint alone, when another receive recorded this attempt first', async () => {
    const { deps, delivery, stored } = aDeliverySetup({
      answer: async () => {
        // While this post is in flight, a duplicate message's worker records the same attempt.
        await deps.deliveries.recordAttempt(delivery.id, 0, anAttempt({ statusCode: 200 }), { status: 'succeeded' });
        return { statusCode: 500 };
      },
    });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'done', outcome: 'skipped' });
    expect(stored.delivery()).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200 }] });
    expect(stored.endpoint()?.failingSince).toBeUndefined();
  });

  it('waits as long as a 429 asks with Retry-After, when that is longer than the schedule', async () => {
    const { deps, delivery, stored } = aDeliverySetup({ answer: () => ({ statusCode: 429, retryAfterSeconds: 120 }) });

    const step = await advanceDelivery(deps, messageOf(delivery));

    expect(step).toEqual({ kind: 'wait', seconds: 120 });
    expect(stored.delivery()?.nextAttemptAt).toBe(new Date(NOW.getTime() + 120_000).toISOString());
  });

  it('ignores Retry-After on a plain failure', async () => {
    const { deps, delivery } = aDeliverySetup({ answer: () => ({ statusCode: 500, retryAfterSeconds: 120 }) });

    expect(await advanceDelivery(deps, messageOf(delivery))).toEqual({ kind: 'wait', seconds: 5 });
  });

  describe('signatures after a secret rotation', () => {
    const oldSecret = deriveEndpointSecret(MASTER_SECRET, anEndpoint().id, 1);
    const newSecret = deriveEndpointSecret(MASTER_SECRET, anEndpoint().id, 2);
    /** Rotated from version 1 to 2, the old secret signing until `expiresInMs` from the real now. */
    const rotatedSetup = (expiresInMs: number) => {
      // standardwebhooks checks the timestamp against the real time, so these sign at it.
      const now = new Date();
      return aDeliverySetup({
        now,
        endpoint: {
          secretVersion: 2,
          previousSecretVersion: 1,
          previousSecretExpiresAt: new Date(now.getTime() + expiresInMs).toISOString(),
        },
      });
    };
    const verify = (secret: string, request: WebhookRequest | undefined) =>
      new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {});

    it('carry both secrets within the 24 h overlap', async () => {
      const { deps, delivery, sender } = rotatedSetup(SECRET_OVERLAP_MS - 1000);

      await advanceDelivery(deps, messageOf(delivery));

      const [request] = sender.requests;
      expect(request?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
      expect(verify(oldSecret, request)).toMatchObject({ type: 'table.created' });
      expect(verify(newSecret, request)).toMatchObject({ type: 'table.created' });
    });

    it('carry only the new secret after it', async () => {
      const { deps, delivery, sender } = rotatedSetup(-1000);

      await advanceDelivery(deps, messageOf(delivery));

      const [request] = sender.requests;
      expect(request?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
      expect(verify(newSecret, request)).toMatchObject({ type: 'table.created' });
      expect(() => verify(oldSecret, request)).toThrow();
    });
  });
});
