import type { Caller } from '../../functions/domain/caller';
import { ConflictError } from '../../functions/domain/errors';
import { recoverDeliveries, retryDelivery, STUCK_AFTER_MS } from '../../functions/domain/webhooks/redelivery';
import { NOW } from '../support/unit-factories';
import {
  aDelivery,
  anAttempt,
  anEndpoint,
  MemoryDeliveryQueue,
  MemoryDeliveryStore,
  MemoryWebhookStore,
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
