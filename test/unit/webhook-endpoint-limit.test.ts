import type { Caller } from '../../functions/domain/caller';
import { ConflictError } from '../../functions/domain/errors';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import { createEndpoint, deleteEndpoint } from '../../functions/domain/webhooks/endpoint-service';
import type { EndpointSlots, WebhookEndpoint } from '../../functions/domain/webhooks/webhook-model';
import { NOW } from '../support/unit-factories';
import { MASTER_SECRET, MemoryWebhookStore } from '../support/webhook-memory';

/** Slots with the conditional semantics of DynamoEndpointSlots, counted per organization and environment. */
class MemorySlots implements EndpointSlots {
  readonly taken = new Map<string, number>();

  async reserve(organizationId: string, environment: KeyEnvironment, limit: number) {
    const key = `${organizationId}#${environment}`;
    const count = this.taken.get(key) ?? 0;
    if (count >= limit) return false;
    this.taken.set(key, count + 1);
    return true;
  }

  async release(organizationId: string, environment: KeyEnvironment) {
    const key = `${organizationId}#${environment}`;
    this.taken.set(key, Math.max(0, (this.taken.get(key) ?? 0) - 1));
  }
}

const caller = { organizationId: 'org_1', environment: 'live' } as Caller;
const input = { url: 'https://hooks.example.com/in', events: ['contact.created' as const] };

function harness() {
  const endpoints = new MemoryWebhookStore();
  const slots = new MemorySlots();
  const deps = {
    endpoints,
    slots,
    masterSecret: async () => MASTER_SECRET,
    clock: () => NOW,
    egress: { allowLoopbackForTest: false },
  };
  return { deps, endpoints, slots, taken: () => slots.taken.get('org_1#live') ?? 0 };
}

describe('createEndpoint within the limit', () => {
  it('refuses the 51st endpoint with a ConflictError that says what to do', async () => {
    const { deps, taken } = harness();
    for (let index = 0; index < 50; index += 1) await createEndpoint(deps, caller, input);

    await expect(createEndpoint(deps, caller, input)).rejects.toThrow(
      'at most 50 live webhook endpoints; delete one you no longer use',
    );
    expect(taken()).toBe(50);
  });

  it('gives the slot back when the write fails, leaving nothing behind', async () => {
    const { deps, endpoints, taken } = harness();
    endpoints.create = async () => {
      throw new Error('connection reset');
    };

    await expect(createEndpoint(deps, caller, input)).rejects.toThrow('connection reset');
    expect(taken()).toBe(0);
  });

  it('removes an endpoint whose write landed before its error, then gives the slot back', async () => {
    const { deps, endpoints, taken } = harness();
    const store = endpoints.create.bind(endpoints);
    endpoints.create = async (endpoint: WebhookEndpoint) => {
      await store(endpoint);
      throw new Error('timed out waiting for the response');
    };

    await expect(createEndpoint(deps, caller, input)).rejects.toThrow('timed out');
    expect(endpoints.items.size).toBe(0);
    expect(taken()).toBe(0);
  });

  it('does not touch an endpoint that already had the id, and gives the slot back', async () => {
    const { deps, endpoints, taken } = harness();
    endpoints.create = async (endpoint: WebhookEndpoint) => {
      throw new ConflictError(`Webhook endpoint ${endpoint.id} already exists.`);
    };
    const remove = jest.spyOn(endpoints, 'delete');

    await expect(createEndpoint(deps, caller, input)).rejects.toThrow(ConflictError);
    expect(remove).not.toHaveBeenCalled();
    expect(taken()).toBe(0);
  });
});

describe('deleteEndpoint', () => {
  it('gives a slot back once when the same endpoint is deleted twice at once', async () => {
    const { deps, taken } = harness();
    const { endpoint } = await createEndpoint(deps, caller, input);
    await createEndpoint(deps, caller, input);

    const results = await Promise.allSettled([
      deleteEndpoint(deps, caller, endpoint.id),
      deleteEndpoint(deps, caller, endpoint.id),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(taken()).toBe(1);
  });
});
