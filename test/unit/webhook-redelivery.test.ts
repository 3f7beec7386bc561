import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { activeApi } from '../../functions/definition/active-api';
import { openApiDocument } from '../../functions/definition/openapi';
import type { Caller } from '../../functions/domain/caller';
import { ConflictError } from '../../functions/domain/errors';
import { catalogEntry } from '../../functions/domain/webhooks/catalog';
import {
  recoverDeliveries,
  retryDelivery,
  STUCK_AFTER_MS,
  sendTestEvent,
} from '../../functions/domain/webhooks/redelivery';
import { NOW } from '../support/unit-factories';
import {
  aDelivery,
  anAttempt,
  anEndpoint,
  MASTER_SECRET,
  MemoryDeliveryQueue,
  MemoryDeliveryStore,
  MemoryEventStore,
  MemoryWebhookStore,
  ScriptedSender,
} from '../support/webhook-memory';

const caller = { organizationId: 'org_1', environment: 'live' } as Caller;

function harness(delivery = aDelivery()) {
  const endpoint = anEndpoint();
  const deliveries = new MemoryDeliveryStore([delivery]);
  const queue = new MemoryDeliveryQueue();
  const deps = { endpoints: new MemoryWebhookStore([endpoint]), deliveries, queue, clock: () => NOW };
  const retry = () => retryDelivery(deps, caller, endpoint.id, delivery.id);
  return { deps, deliveries, queue, retry, endpoint, delivery };
}

const settled = (results: PromiseSettledResult<unknown>[]) => ({
  accepted: results.filter((result) => result.status === 'fulfilled').length,
  conflicts: results.filter((result) => result.status === 'rejected' && result.reason instanceof ConflictError).length,
});

describe('retryDelivery', () => {
  it('accepts one of 10 concurrent retries of a failed delivery and refuses the rest with a ConflictError', async () => {
    const { retry, queue, deliveries, delivery } = harness(
      aDelivery({ status: 'failed', attempts: [anAttempt()], maxAttempts: 1 }),
    );

    const results = await Promise.allSettled(Array.from({ length: 10 }, retry));

    expect(settled(results)).toEqual({ accepted: 1, conflicts: 9 });
    expect(queue.messages).toHaveLength(1);
    expect((await deliveries.get(delivery.id))?.maxAttempts).toBe(2);
  });

  it('queues one new message for a stuck pending delivery however many retries come at once', async () => {
    const lost = aDelivery({ updatedAt: new Date(NOW.getTime() - STUCK_AFTER_MS - 60_000).toISOString() });
    const { retry, queue } = harness(lost);

    const results = await Promise.allSettled(Array.from({ length: 10 }, retry));

    expect(settled(results)).toEqual({ accepted: 1, conflicts: 9 });
    expect(queue.messages).toHaveLength(1);
  });

  it('refuses a second retry of a requeued stuck delivery until it is stuck again', async () => {
    const lost = aDelivery({ updatedAt: new Date(NOW.getTime() - STUCK_AFTER_MS - 60_000).toISOString() });
    const { retry, queue } = harness(lost);

    await retry();

    await expect(retry()).rejects.toThrow(/is pending; its next attempt is at/);
    expect(queue.messages).toHaveLength(1);
  });

  it('refuses a retry made from a read the delivery has moved on from', async () => {
    const { deps, endpoint, delivery } = harness(aDelivery({ status: 'failed', attempts: [anAttempt()] }));
    // Between this retry's read and its write, another retry ran to completion.
    const stale = await deps.deliveries.get(delivery.id);
    await retryDelivery(deps, caller, endpoint.id, delivery.id);
    await deps.deliveries.recordAttempt(delivery.id, 1, anAttempt({ statusCode: 500 }), { status: 'failed' });
    deps.deliveries.get = async () => stale;

    await expect(retryDelivery(deps, caller, endpoint.id, delivery.id)).rejects.toThrow(/changed while this retry/);
  });
});

describe('recoverDeliveries', () => {
  it('reopens each failed delivery once when a retry of one of them races it', async () => {
    const failed = aDelivery({ status: 'failed', attempts: [anAttempt()], createdAt: NOW.toISOString() });
    const { deps, retry, queue } = harness(failed);

    const [recovered, retried] = await Promise.allSettled([
      recoverDeliveries(deps, caller, anEndpoint().id, new Date(NOW.getTime() - 3600_000)),
      retry(),
    ]);

    const reopenedTwice =
      recovered.status === 'fulfilled' && recovered.value.recovered === 1 && retried.status === 'fulfilled';
    expect(reopenedTwice).toBe(false);
    expect(queue.messages).toHaveLength(1);
  });
});

describe('sendTestEvent', () => {
  /** The document's schema of a webhook type's body, resolved within the document. */
  function documentedBody(type: string) {
    const document = openApiDocument(activeApi());
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
    ajv.addSchema(document, 'https://example.test/openapi.json');
    const operation = document.webhooks[type] as {
      post: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } } };
    };
    const { $ref } = operation.post.requestBody.content['application/json'].schema;
    return { validate: ajv.compile({ $ref: `https://example.test/openapi.json${$ref}` }), document };
  }

  async function testSendOf(type: string) {
    const endpoint = anEndpoint({ events: [type] });
    const sender = new ScriptedSender();
    const deps = {
      endpoints: new MemoryWebhookStore([endpoint]),
      deliveries: new MemoryDeliveryStore(),
      events: new MemoryEventStore(),
      sender,
      masterSecret: async () => MASTER_SECRET,
      clock: () => NOW,
    };
    await sendTestEvent(deps, caller, endpoint.id, type);
    return JSON.parse(sender.requests[0]?.body ?? 'null') as Record<string, unknown>;
  }

  it.each([
    ['a platform event', 'api_key.created'],
    ['a team event', 'contact.created'],
  ])('sends a body the document describes for %s, marked test beside type', async (_, type) => {
    const body = await testSendOf(type);
    const { validate } = documentedBody(type);

    expect(body).toMatchObject({ type, test: true, data: catalogEntry(type)?.example });
    expect({ valid: validate(body), errors: validate.errors }).toEqual({ valid: true, errors: null });
  });

  it('is told apart in the document: the envelope names test', () => {
    const { document } = documentedBody('api_key.created');

    expect(document.components.schemas.ApiKeyCreatedEvent).toMatchObject({
      properties: { test: { const: true } },
    });
  });
});
