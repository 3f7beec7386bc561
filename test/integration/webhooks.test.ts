/**
 * Webhooks end to end on the local stack: registration over HTTP, events from the product, the
 * fan-out and delivery workers on the SQS emulator, a real receiver on loopback verifying with the
 * public `standardwebhooks` package.
 */
import { randomBytes } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { leadbaseApi } from '../../examples/leadbase/api';
import { PLATFORM_EVENTS } from '../../functions/domain/webhooks/catalog';
import { localClients } from '../../local/bootstrap';
import type { ApiResponse } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { queueCounts as countQueue } from '../support/queue-counts';
import { type ReceivedWebhook, type Receiver, startReceiver } from '../support/webhook-receiver';

let platform: TestPlatform;
let receiver: Receiver;
let accountId: string;

beforeAll(async () => {
  // Three attempts, no waits: the retry schedule itself is unit-tested (retry-policy.test.ts).
  platform = await startTestPlatform({ messaging: true, workers: 'manual', webhookRetrySchedule: [0, 0, 0] });
  receiver = await startReceiver();
  accountId = platform.bootstrap.accountIds[0] as string;
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.answer(() => ({ status: 200, body: 'ok' }));
});

const admin = () => platform.sandboxAdmin;

async function register(events: string[] = ['contact.created'], path = '/hooks') {
  const response = await admin().post('/v1/webhooks', { url: `${receiver.url}${path}`, events });
  if (response.status !== 201) throw new Error(`registering failed: ${response.status} ${response.text}`);
  return response.body as { id: string; secret: string; status: string };
}

async function createContact(name = 'Ada') {
  const response = await admin().post(`/v1/contacts?account_id=${accountId}`, { name, email: 'ada@example.com' });
  expect(response.status).toBe(201);
  return response.body as { id: string };
}

async function deliveriesOf(webhookId: string) {
  const response: ApiResponse = await admin().get(`/v1/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return response.body.items as {
    id: string;
    eventType: string;
    status: string;
    attempts: { statusCode: number | null; error: string | null; response: string | null; durationMs: number }[];
    nextAttemptAt: string | null;
  }[];
}

const verify = (secret: string, webhook: ReceivedWebhook | undefined) =>
  new Webhook(secret).verify(webhook?.body ?? '', webhook?.headers as Record<string, string>);

async function remove(webhookId: string) {
  await admin().delete(`/v1/webhooks/${webhookId}`);
}

describe('webhook registration', () => {
  it('returns a whsec_ secret once, and never again', async () => {
    const created = await register();

    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await admin().get(`/v1/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(created.secret.slice(6));
    await remove(created.id);
  });

  it('answers an unknown event type with 400 listing the valid ones', async () => {
    const response = await admin().post('/v1/webhooks', { url: `${receiver.url}/x`, events: ['contact.exploded'] });

    expect(response.status).toBe(400);
    expect(response.body.error.fields[0].field).toBe('events[0]');
    expect(response.body.error.fields[0].message).toContain('contact.created, contact.updated');
  });

  it('accepts only https in the live stage, with a message that says so', async () => {
    const response = await platform.admin.post('/v1/webhooks', {
      url: 'http://hooks.example.com/x',
      events: ['contact.created'],
    });

    expect(response.status).toBe(400);
    expect(response.body.error.fields[0]).toMatchObject({ field: 'url', message: expect.stringContaining('https') });
  });

  it('rejects loopback receivers in the live stage even with the local loopback setting', async () => {
    const response = await platform.admin.post('/v1/webhooks', {
      url: 'https://127.0.0.1/x',
      events: ['contact.created'],
    });

    expect(response.status).toBe(400);
  });

  it('keeps one organization out of another one’s endpoints and deliveries', async () => {
    const mine = await register();
    const other = await platform.createOrganization();

    expect((await other.admin.get(`/v1/webhooks/${mine.id}`)).status).toBe(404);
    expect((await other.admin.get(`/v1/webhooks/${mine.id}/deliveries`)).status).toBe(404);
    expect((await other.admin.delete(`/v1/webhooks/${mine.id}`)).status).toBe(404);
    // A live key does not see sandbox endpoints either.
    expect((await platform.admin.get(`/v1/webhooks/${mine.id}`)).status).toBe(404);
    await remove(mine.id);
  });

  it('lists the event catalog with an example body each', async () => {
    const response = await admin().get('/v1/webhook-event-types');

    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(10);
    expect(response.body.items[0]).toMatchObject({
      type: 'contact.created',
      example: { type: 'contact.created', data: { name: 'Ada Lovelace' } },
    });
  });
});

describe('webhook delivery', () => {
  it('delivers a contact.created that standardwebhooks verifies', async () => {
    const { id, secret } = await register();

    await createContact('Grace');
    await platform.webhooks?.deliver();

    expect(receiver.received).toHaveLength(1);
    expect(verify(secret, receiver.received[0])).toMatchObject({
      type: 'contact.created',
      data: { name: 'Grace', accountId },
    });
    expect(await deliveriesOf(id)).toMatchObject([{ eventType: 'contact.created', status: 'succeeded' }]);
    await remove(id);
  });

  it('sends only subscribed event types', async () => {
    const { id } = await register(['contact.deleted']);

    await createContact();
    await platform.webhooks?.deliver();

    expect(receiver.received).toHaveLength(0);
    await remove(id);
  });

  it('retries a receiver that fails twice: one success, three attempts logged, the same webhook-id', async () => {
    const { id } = await register();
    receiver.answer((_request, index) => (index < 2 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' }));

    await createContact();
    await platform.webhooks?.deliver();

    const [delivery] = await deliveriesOf(id);
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(delivery?.attempts[0]?.response).toBe('boom');
    expect(new Set(receiver.received.map((webhook) => webhook.headers['webhook-id']))).toEqual(new Set([delivery?.id]));
    await remove(id);
  });

  it('marks a delivery failed when every attempt fails, then redelivers it by hand', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 503, body: 'down' }));
    await createContact();
    await platform.webhooks?.deliver();
    const [failed] = await deliveriesOf(id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.attempts).toHaveLength(3);

    receiver.answer(() => ({ status: 204 }));
    const retried = await admin().post(`/v1/webhooks/${id}/deliveries/${failed?.id}/retry`);
    expect(retried.status).toBe(202);
    await platform.webhooks?.deliver();

    const [after] = await deliveriesOf(id);
    expect(after?.status).toBe('succeeded');
    expect(after?.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 503, 503, 204]);
    await remove(id);
  });

  it('recovers every failed delivery since a time', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 500 }));
    const since = new Date().toISOString();
    await createContact('one');
    await createContact('two');
    await platform.webhooks?.deliver();
    expect((await deliveriesOf(id)).map((delivery) => delivery.status)).toEqual(['failed', 'failed']);

    receiver.answer(() => ({ status: 200 }));
    const recovered = await admin().post(`/v1/webhooks/${id}/recover`, { since });
    await platform.webhooks?.deliver();

    expect(recovered.body).toEqual({ recovered: 2, more: false });
    expect((await deliveriesOf(id)).map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded']);
    await remove(id);
  });

  it('does not follow a redirect, and logs it as a failed attempt', async () => {
    const target = await startReceiver();
    // Closed even when an expectation fails: a server left open would outlive this file in its Jest worker.
    try {
      const { id } = await register();
      receiver.answer(() => ({ status: 302, headers: { location: `${target.url}/elsewhere` } }));

      await createContact();
      await platform.webhooks?.deliver();

      expect(target.received).toHaveLength(0);
      const [delivery] = await deliveriesOf(id);
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts[0]).toMatchObject({ statusCode: 302, error: expect.stringContaining('redirect') });
      await remove(id);
    } finally {
      await target.close();
    }
  });

  it('disables an endpoint that answers 410, emails the admins and sends it nothing more', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 410 }));
    await createContact();
    await platform.webhooks?.deliver();

    const endpoint = await admin().get(`/v1/webhooks/${id}`);
    expect(endpoint.body).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect(receiver.received).toHaveLength(1);
    expect(await emailsAbout(id)).toHaveLength(1);
    const notifications = await admin().get('/v1/notifications');
    expect(notifications.body.items).toContainEqual(
      expect.objectContaining({ type: 'webhook.disabled', webhookId: id, reason: 'gone', read: false }),
    );

    await createContact();
    await platform.webhooks?.deliver();
    expect(receiver.received).toHaveLength(1);

    const reenabled = await admin().patch(`/v1/webhooks/${id}`, { enabled: true });
    expect(reenabled.body).toMatchObject({ status: 'enabled', disabledReason: null });
    receiver.answer(() => ({ status: 200 }));
    await createContact();
    await platform.webhooks?.deliver();
    expect(receiver.received).toHaveLength(2);
    await remove(id);
  });

  it('disables an endpoint that has failed every attempt for 5 days', async () => {
    const { id } = await register();
    await setFailingSince(id, new Date(Date.now() - 5 * 24 * 3600 * 1000 - 60_000));
    receiver.answer(() => ({ status: 500 }));

    await createContact();
    await platform.webhooks?.deliver();

    const endpoint = await admin().get(`/v1/webhooks/${id}`);
    expect(endpoint.body).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    expect(receiver.received).toHaveLength(1);
    expect(await emailsAbout(id)).toHaveLength(1);
    await remove(id);
  });

  it('honours Retry-After on a 503 and schedules the next attempt after it', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const before = Date.now();

    await createContact();
    await platform.webhooks?.deliver();

    const [delivery] = await deliveriesOf(id);
    expect(delivery?.status).toBe('pending');
    expect(delivery?.attempts).toHaveLength(1);
    expect(Date.parse(delivery?.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(before + 119_000);
    await remove(id);
  });

  it('sends a long wait as a delayed message instead of keeping it in flight', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const before = await queueCounts();

    await createContact();
    await platform.webhooks?.deliver();

    const [delivery] = await deliveriesOf(id);
    expect(delivery?.status).toBe('pending');
    expect(Date.parse(delivery?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now() + 3500_000);
    const after = await queueCounts();
    expect(after.delayed - before.delayed).toBe(1);
    expect(after.inFlight - before.inFlight).toBe(0);
    await remove(id);
  });

  it('requeues a pending delivery whose message was lost, when retried by hand', async () => {
    const { id } = await register();
    receiver.answer(() => ({ status: 200 }));
    await createContact();
    // Leadbase's backends publish to the team events queue.
    await platform.webhooks?.teamFanOut.drain();
    // The message is lost (as if a fan-out crashed before queueing it) and the delivery is old.
    await purgeDeliveries();
    const [lost] = await deliveriesOf(id);
    await setDelivery(lost?.id ?? '', { updatedAt: new Date(Date.now() - 20 * 60_000).toISOString() });

    const retried = await admin().post(`/v1/webhooks/${id}/deliveries/${lost?.id}/retry`);
    await platform.webhooks?.deliver();

    expect(retried.status).toBe(202);
    expect((await deliveriesOf(id))[0]).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200 }] });
    await remove(id);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const { id, secret: oldSecret } = await register();
    const rotated = await admin().post(`/v1/webhooks/${id}/rotate-secret`);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);

    await createContact();
    await platform.webhooks?.deliver();

    const [webhook] = receiver.received;
    expect(String(webhook?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(oldSecret, webhook)).toMatchObject({ type: 'contact.created' });
    expect(verify(newSecret, webhook)).toMatchObject({ type: 'contact.created' });
    expect(rotated.body.previousSecretExpiresAt).toEqual(expect.any(String));
    await remove(id);
  });

  it('sends a test event now and answers with the outcome', async () => {
    const { id, secret } = await register(['contact.updated']);
    receiver.answer(() => ({ status: 202, body: 'thanks' }));

    const response = await admin().post(`/v1/webhooks/${id}/test`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      succeeded: true,
      statusCode: 202,
      response: 'thanks',
      eventType: 'contact.updated',
    });
    expect(response.body.durationMs).toEqual(expect.any(Number));
    // The flag rides on the envelope: data is the catalog's example, as the type's schema has it.
    expect(verify(secret, receiver.received[0])).toMatchObject({
      type: 'contact.updated',
      test: true,
      data: expect.not.objectContaining({ test: expect.anything() }),
    });
    expect(await deliveriesOf(id)).toMatchObject([{ status: 'succeeded', attempts: [{ statusCode: 202 }] }]);
    await remove(id);
  });

  it('keeps a failed test send marked test when it is retried by hand', async () => {
    const { id, secret } = await register(['contact.updated']);
    receiver.answer(() => ({ status: 503 }));
    await admin().post(`/v1/webhooks/${id}/test`);
    const [failed] = await deliveriesOf(id);
    receiver.answer(() => ({ status: 204 }));

    const retried = await admin().post(`/v1/webhooks/${id}/deliveries/${failed?.id}/retry`);
    await platform.webhooks?.deliver();

    expect(retried.status).toBe(202);
    expect(receiver.received).toHaveLength(2);
    expect(verify(secret, receiver.received[1])).toMatchObject({ type: 'contact.updated', test: true });
    await remove(id);
  });
});

describe('POST /v1/events', () => {
  it('publishes for a key with events:publish, and only for it', async () => {
    const { id } = await register(['table.created']);
    const service = await platform.createKey({ permissions: ['events:publish'] }, admin());
    const writer = await platform.createKey({ permissions: ['write'] }, admin());
    const event = {
      type: 'table.created',
      data: { id: 'tb_1', accountId, name: 'Leads', createdAt: new Date().toISOString() },
    };

    const published = await platform.sandbox(service.key).post('/v1/events', event);
    const refused = await platform.sandbox(writer.key).post('/v1/events', event);
    await platform.webhooks?.deliver();

    expect(published.status).toBe(202);
    expect(refused.status).toBe(403);
    expect(receiver.received).toHaveLength(1);
    await remove(id);
  });

  it('lets a key scoped to one sub-account publish for it and refuses another with 403', async () => {
    const { id } = await register(['table.created']);
    const [own, other] = platform.bootstrap.accountIds as [string, string];
    const service = await platform.createKey({ permissions: ['events:publish'], accounts: [own] }, admin());
    const tableOf = (account: string) => ({
      type: 'table.created',
      data: { id: 'tb_1', accountId: account, name: 'Leads', createdAt: new Date().toISOString() },
    });

    const published = await platform.sandbox(service.key).post('/v1/events', tableOf(own));
    const refused = await platform.sandbox(service.key).post('/v1/events', tableOf(other));
    await platform.webhooks?.deliver();

    expect(published.status).toBe(202);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(`data.accountId is ${other}`);
    expect(receiver.received.map((webhook) => JSON.parse(webhook.body).data.accountId)).toEqual([own]);
    await remove(id);
  });

  it('rejects data that does not match the catalog, and events over 256 KB', async () => {
    const bad = await admin().post('/v1/events', { type: 'table.created', data: { id: 1 } });
    const huge = await admin().post('/v1/events', {
      type: 'contact.created',
      data: { id: 'ct', accountId, name: 'x'.repeat(256_000), createdAt: '', updatedAt: '' },
    });

    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((field: { field: string }) => field.field)).toContain('data.id');
    expect(huge.status).toBe(413);
  });

  it('carries characters SQS refuses raw, and answers data nested too deeply with 400', async () => {
    const { id, secret } = await register(['table.created']);
    const name = 'Leads \uffff 😀 é';
    // Built as text: JSON.stringify itself would overflow on it, as the handler used to.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

    const published = await admin().post('/v1/events', {
      type: 'table.created',
      data: { id: 'tb_1', accountId, name, createdAt: new Date().toISOString() },
    });
    const nested = await admin().post('/v1/events', undefined, {
      rawBody: `{"type":"table.created","data":{"id":"tb_1","accountId":"${accountId}","name":"x","createdAt":"","deep":${deep}}}`,
    });
    await platform.webhooks?.deliver();

    expect(published.status).toBe(202);
    expect(verify(secret, receiver.received[0])).toMatchObject({ data: { name } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.fields).toEqual([{ field: 'data', message: 'is nested too deeply' }]);
    await remove(id);
  });

  it('does not let a service publish the platform’s own api_key events', async () => {
    const forged = await admin().post('/v1/events', {
      type: 'api_key.revoked',
      data: { id: 'key_x', name: 'x', environment: 'test', last8: 'x', permissions: [], createdAt: '', revokedAt: '' },
    });

    expect(forged.status).toBe(400);
    expect(forged.body.error.fields[0]).toMatchObject({ field: 'type', message: expect.stringContaining('platform') });
  });

  it('emits api_key.created and api_key.revoked from key management', async () => {
    const { id, secret } = await register(['api_key.created', 'api_key.revoked']);

    const key = await platform.createKey({ name: 'Billing' }, admin());
    await admin().post(`/v1/keys/${key.id}/revoke`);
    await platform.webhooks?.deliver();

    const types = receiver.received.map((webhook) => (verify(secret, webhook) as { type: string }).type);
    expect(types.sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(receiver.received.map((webhook) => webhook.body).join('')).not.toContain(key.key);
    await remove(id);
  });
});

describe("the team's events queue", () => {
  /** An event message as a team's backend could put it on the queue with any SQS client. */
  const eventMessage = (type: string, data: object) =>
    JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      organizationId: platform.bootstrap.organizationId,
      environment: 'test',
      type,
      timestamp: new Date().toISOString(),
      data,
    });

  it('never delivers an api_key event sent to it with a raw SQS client, and delivers a team event', async () => {
    const { id, secret } = await register(['api_key.revoked', 'contact.created']);
    const teamQueueUrl = platform.bootstrap.queueUrls['team-events'];
    const before = await countQueue(platform.sqsClient, teamQueueUrl);

    for (const [type, data] of [
      ['api_key.revoked', PLATFORM_EVENTS['api_key.revoked'].example],
      ['contact.created', leadbaseApi.compiled.events['contact.created']?.example ?? {}],
    ] as const) {
      await platform.sqsClient.send(
        new SendMessageCommand({ QueueUrl: teamQueueUrl, MessageBody: eventMessage(type, data) }),
      );
    }
    await platform.webhooks?.deliver();

    const types = receiver.received.map((webhook) => (verify(secret, webhook) as { type: string }).type);
    expect(types).toEqual(['contact.created']);
    expect((await deliveriesOf(id)).map((delivery) => delivery.eventType)).toEqual(['contact.created']);
    // Refused, not deleted: hidden until received again, and in the DLQ after maxReceiveCount receives.
    const after = await countQueue(platform.sqsClient, teamQueueUrl);
    expect(after.inFlight - before.inFlight).toBe(1);
    await remove(id);
  });
});

async function emailsAbout(webhookId: string) {
  const response = await fetch(`${platform.bootstrap.emailInboxUrl}/store`);
  const { emails } = (await response.json()) as {
    emails: { subject: string; text?: string; body?: { text?: string } }[];
  };
  return emails.filter((email) => JSON.stringify(email).includes(webhookId));
}

function setFailingSince(webhookId: string, since: Date) {
  return setFields({ pk: `WEBHOOK#${webhookId}`, sk: 'WEBHOOK' }, { failingSince: since.toISOString() });
}

function queueCounts() {
  return countQueue(platform.sqsClient, platform.bootstrap.queueUrls['webhook-deliveries']);
}

async function purgeDeliveries() {
  const queueUrl = platform.bootstrap.queueUrls['webhook-deliveries'];
  const { Messages = [] } = await platform.sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
  );
  for (const message of Messages) {
    await platform.sqsClient.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle as string }),
    );
  }
}

function setDelivery(deliveryId: string, fields: Record<string, string>) {
  return setFields({ pk: `DELIVERY#${deliveryId}`, sk: 'DELIVERY' }, fields);
}

/** Arranges state the API cannot: sets fields of one table item directly. */
async function setFields(key: { pk: string; sk: string }, fields: Record<string, string>) {
  const clients = localClients(platform.bootstrap.endpoints);
  const names = Object.keys(fields);
  await clients.documents.send(
    new UpdateCommand({
      TableName: platform.bootstrap.tableName,
      Key: key,
      UpdateExpression: `SET ${names.map((_name, index) => `#f${index} = :v${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, index) => [`:v${index}`, fields[name]])),
    }),
  );
  clients.dynamoDb.destroy();
}
