/**
 * Concurrent requests against the local stack, fired together with Promise.all over HTTP: the
 * endpoint limit and a delivery's single pending retry must hold exactly, not just usually.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEndpointSlots, endpointSlotsKey, SETTLE_MS } from '../../functions/adapters/dynamo-endpoint-slots';
import { DynamoWebhookStore } from '../../functions/adapters/dynamo-webhook-store';
import { changePlan } from '../../functions/domain/plan-change';
import { localClients } from '../../local/bootstrap';
import type { ApiResponse } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  // One attempt per run, so a delivery to a failing receiver ends failed after one drain.
  platform = await startTestPlatform({ messaging: true, workers: 'manual', webhookRetrySchedule: [0] });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

type Api = TestPlatform['admin'];

/** A fresh organization, so its endpoint count starts at 0, on a plan no burst of 70 calls trips. */
async function anOrganization(name: string): Promise<{ id: string; admin: Api }> {
  const { organization, admin } = await platform.createOrganization({ name });
  await changePlan(platform.provisioningDeps(), organization.id, {
    plan: 'enterprise',
    customRequestsPerMinute: 1_000_000,
  });
  return { id: organization.id, admin };
}

async function endpointIds(api: Api): Promise<string[]> {
  const response = await api.get('/v1/webhooks?limit=100');
  expect(response.status).toBe(200);
  return (response.body.items as { id: string }[]).map((endpoint) => endpoint.id);
}

const createEndpoint = (api: Api, index: number) =>
  api.post('/v1/webhooks', { url: `https://hooks.example.com/race/${index}`, events: ['contact.created'] });

const statuses = (responses: ApiResponse[]) => responses.map((response) => response.status).sort();
const count = (responses: ApiResponse[], status: number) =>
  responses.filter((response) => response.status === status).length;

describe('the webhook endpoint limit under concurrency', () => {
  it('makes exactly 50 endpoints of 70 concurrent creates, and refuses the rest with 409', async () => {
    const { admin } = await anOrganization('Race Corp');

    const responses = await Promise.all(Array.from({ length: 70 }, (_unused, index) => createEndpoint(admin, index)));

    expect(count(responses, 201)).toBe(50);
    expect(count(responses, 409)).toBe(20);
    const refused = responses.find((response) => response.status === 409);
    expect(refused?.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('at most 50') });
    expect(await endpointIds(admin)).toHaveLength(50);
  });

  it('gives a slot back once per deleted endpoint, even when the delete is sent twice at once', async () => {
    const { admin } = await anOrganization('Full Corp');
    await Promise.all(Array.from({ length: 50 }, (_unused, index) => createEndpoint(admin, index)));
    const [doomed] = await endpointIds(admin);

    const deletes = await Promise.all([admin.delete(`/v1/webhooks/${doomed}`), admin.delete(`/v1/webhooks/${doomed}`)]);
    const creates = await Promise.all([createEndpoint(admin, 100), createEndpoint(admin, 101)]);

    expect(count(deletes, 204)).toBe(1);
    expect(statuses(creates)).toEqual([201, 409]);
    expect(await endpointIds(admin)).toHaveLength(50);
  });
});

describe('DynamoEndpointSlots', () => {
  it('gives back a slot a crash left taken, once the counter has been quiet for 5 minutes', async () => {
    const { id, admin } = await anOrganization('Crash Corp');
    await Promise.all(Array.from({ length: 49 }, (_unused, index) => createEndpoint(admin, index)));
    const { documents } = localClients(platform.bootstrap.endpoints);
    const endpoints = new DynamoWebhookStore(documents, platform.bootstrap.tableName);
    const slotsAt = (now: Date) =>
      new DynamoEndpointSlots(documents, platform.bootstrap.tableName, endpoints, () => now);
    // A create that took the 50th slot and died before writing its endpoint.
    expect(await slotsAt(new Date()).reserve(id, 'live', 50)).toBe(true);

    const refusedNow = await createEndpoint(admin, 49);
    const later = slotsAt(new Date(Date.now() + SETTLE_MS + 1000));

    expect(refusedNow.status).toBe(409);
    expect(await later.reserve(id, 'live', 50)).toBe(true);
    expect(await later.reserve(id, 'live', 50)).toBe(false);
    expect(await endpointIds(admin)).toHaveLength(49);
  });
});

describe('DynamoEndpointSlots for an organization made before the counter', () => {
  it('starts the count at the endpoints it already has', async () => {
    const { id, admin } = await anOrganization('Early Corp');
    await Promise.all([0, 1, 2].map((index) => createEndpoint(admin, index)));
    const { documents } = localClients(platform.bootstrap.endpoints);
    const tableName = platform.bootstrap.tableName;
    await documents.send(new DeleteCommand({ TableName: tableName, Key: endpointSlotsKey(id, 'live') }));
    const slots = new DynamoEndpointSlots(documents, tableName, new DynamoWebhookStore(documents, tableName));

    expect(await slots.reserve(id, 'live', 4)).toBe(true);
    expect(await slots.reserve(id, 'live', 4)).toBe(false);
  });
});

describe('retrying one delivery concurrently', () => {
  it('accepts exactly one of 10 concurrent retries of a failed delivery, and answers the rest 409', async () => {
    const admin = platform.sandboxAdmin;
    const accountId = platform.bootstrap.accountIds[0] as string;
    const registered = await admin.post('/v1/webhooks', { url: `${receiver.url}/retry`, events: ['table.created'] });
    const webhookId = registered.body.id as string;
    receiver.answer(() => ({ status: 500, body: 'down' }));
    await admin.post('/v1/events', {
      type: 'table.created',
      data: { id: 'tb_1', accountId, name: 'Leads', createdAt: new Date().toISOString() },
    });
    await platform.webhooks?.deliver();
    const [failed] = (await admin.get(`/v1/webhooks/${webhookId}/deliveries`)).body.items as {
      id: string;
      status: string;
    }[];
    expect(failed?.status).toBe('failed');

    const retries = await Promise.all(
      Array.from({ length: 10 }, () => admin.post(`/v1/webhooks/${webhookId}/deliveries/${failed?.id}/retry`)),
    );
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    const before = receiver.received.length;
    await platform.webhooks?.deliver();

    expect(count(retries, 202)).toBe(1);
    expect(count(retries, 409)).toBe(9);
    expect(retries.find((response) => response.status === 409)?.body.error.message).toContain('pending');
    // The one accepted retry makes one attempt: nine refused ones queued nothing.
    expect(receiver.received.length - before).toBe(1);
    await admin.delete(`/v1/webhooks/${webhookId}`);
  });
});
