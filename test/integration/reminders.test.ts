/**
 * Rotation reminders end to end on the emulators: the scan (with an injected clock) queues to the
 * real SQS (fauxqs), the local event source hands the messages to the worker, which sends through
 * SES v2 (aws-ses-v2-local, read back from its /store) and writes in-app notifications.
 */

import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { keyItemKey } from '../../functions/adapters/dynamo-key-store';
import { DynamoMemberStore } from '../../functions/adapters/dynamo-member-store';
import { DynamoNotificationStore } from '../../functions/adapters/dynamo-notification-store';
import { SesEmailSender } from '../../functions/adapters/ses-email-sender';
import type { EmailSender, ReminderMessage } from '../../functions/domain/reminders/reminder-service';
import { LOCAL_CREDENTIALS, localClients } from '../../local/bootstrap';
import { LOCAL_REGION } from '../../local/gateway/events';
import { aMemberOf } from '../support/member-memory';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startReceiver } from '../support/webhook-receiver';

const DAY_MS = 24 * 3600 * 1000;

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

describe('rotation reminders', () => {
  let platform: TestPlatform;
  let reminders: NonNullable<TestPlatform['reminders']>;
  let sqs: SQSClient;

  beforeAll(async () => {
    platform = await startTestPlatform({ messaging: true, workers: 'manual', reminderScanIntervalMs: 0 });
    reminders = platform.reminders as NonNullable<TestPlatform['reminders']>;
    sqs = new SQSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
      endpoint: platform.bootstrap.endpoints.sqs,
    });
    // Recipients: owners and admins, and the key's creator; not other members.
    const clients = localClients(platform.bootstrap.endpoints);
    const members = new DynamoMemberStore(clients.documents, platform.bootstrap.tableName);
    const organizationId = platform.bootstrap.organizationId;
    await members.invite(aMemberOf({ id: 'mem_admin2', organizationId, email: 'admin2@demo.example', role: 'admin' }));
    await members.invite(aMemberOf({ id: 'mem_creator', organizationId, email: 'creator@demo.example' }));
    await members.invite(aMemberOf({ id: 'mem_bystander', organizationId, email: 'bystander@demo.example' }));
    clients.dynamoDb.destroy();
  });
  afterAll(async () => {
    sqs.destroy();
    await platform.close();
  });

  async function inbox(): Promise<StoredEmail[]> {
    const response = await fetch(`${platform.bootstrap.emailInboxUrl}/store`);
    return ((await response.json()) as { emails: StoredEmail[] }).emails;
  }
  const emailsFor = async (key: { last8: string }) =>
    (await inbox()).filter((email) => email.subject.includes(`…${key.last8}`));

  /** A key made by the member creator@demo.example (a person's session would make it so; see people.test.ts). */
  async function newKey() {
    const key = await platform.createKey({ name: 'Billing export' });
    const clients = localClients(platform.bootstrap.endpoints);
    await clients.documents.send(
      new UpdateCommand({
        TableName: platform.bootstrap.tableName,
        Key: keyItemKey(key.id),
        UpdateExpression: 'SET createdBy = :creator, ownerMemberId = :creator',
        ExpressionAttributeValues: { ':creator': 'mem_creator' },
      }),
    );
    clients.dynamoDb.destroy();
    return { ...key, created: Date.parse(key.createdAt as string), last8: key.last8 as string };
  }
  async function scanAt(at: number) {
    const result = await reminders.scan(new Date(at));
    await reminders.deliver();
    return result;
  }
  async function notificationsOf(keyId: string, as = platform.admin) {
    const response = await as.get('/v1/notifications?limit=100');
    expect(response.status).toBe(200);
    return (response.body as { items: { keyId: string; stage: number; read: boolean; id: string }[] }).items.filter(
      (item) => item.keyId === keyId,
    );
  }

  test("a sandbox key's reminder is a sandbox notification: the sandbox lists it, live does not", async () => {
    const key = await platform.createKey({ name: 'Sandbox export' }, platform.sandboxAdmin);

    await scanAt(Date.parse(key.createdAt as string) + 183 * DAY_MS);

    expect(await notificationsOf(key.id, platform.sandboxAdmin)).toMatchObject([
      { stage: 2, environment: 'test', read: false },
    ]);
    expect(await notificationsOf(key.id)).toEqual([]);
  });

  test('4 months: nothing; 5 months: one email to the right recipients; 6 and 12 months: notification and email', async () => {
    const key = await newKey();
    await scanAt(key.created + 122 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(0);

    await scanAt(key.created + 153 * DAY_MS);
    const fiveMonths = await emailsFor(key);
    expect(fiveMonths).toHaveLength(1);
    expect(fiveMonths[0]?.destination.to.sort()).toEqual(
      ['admin2@demo.example', 'creator@demo.example', platform.bootstrap.ownerEmail].sort(),
    );
    const email = fiveMonths[0] as StoredEmail;
    expect(email.body.text).toContain('Billing export');
    expect(email.body.text).toContain('153 days old');
    expect(email.body.text).toContain('creator@demo.example');
    expect(email.body.html).toContain(`/v1/keys/${key.id}/rotate`);
    expect(JSON.stringify(email)).not.toContain(key.key);
    expect(await notificationsOf(key.id)).toHaveLength(0);
    const listed = await platform.admin.get(`/v1/keys/${key.id}`);
    expect((listed.body as { lastReminderStage: number }).lastReminderStage).toBe(1);

    // The same scan again sends nothing new.
    await scanAt(key.created + 153 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(1);

    await scanAt(key.created + 183 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(2);
    expect(await notificationsOf(key.id)).toMatchObject([{ stage: 2, read: false }]);

    await scanAt(key.created + 366 * DAY_MS);
    await scanAt(key.created + 366 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(3);
    const notifications = await notificationsOf(key.id);
    expect(notifications.map((n) => n.stage)).toEqual([3, 2]);

    const list = await platform.admin.get('/v1/keys?limit=100');
    const view = (
      list.body as { items: { id: string; lastReminderStage: number; rotationDueAt: string }[] }
    ).items.find((item) => item.id === key.id);
    expect(view).toMatchObject({ lastReminderStage: 3, rotationDueAt: expect.any(String) });

    const read = await platform.admin.post(`/v1/notifications/${notifications[0]?.id}/read`, {});
    expect(read.status).toBe(200);
    expect((await notificationsOf(key.id))[0]).toMatchObject({ stage: 3, read: true });
  });

  test('two concurrent scans send once', async () => {
    const key = await newKey();
    const at = key.created + 184 * DAY_MS;
    await Promise.all([reminders.scan(new Date(at)), reminders.scan(new Date(at))]);
    await Promise.all([reminders.deliver(), reminders.deliver()]);
    expect(await emailsFor(key)).toHaveLength(1);
    expect(await notificationsOf(key.id)).toHaveLength(1);
  });

  test('a duplicated SQS message sends once', async () => {
    const key = await newKey();
    const message: ReminderMessage = {
      keyId: key.id,
      stage: 1,
      asOf: new Date(key.created + 160 * DAY_MS).toISOString(),
    };
    const queueUrl = platform.bootstrap.queueUrls.reminders as string;
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    }
    await reminders.deliver();
    expect(await emailsFor(key)).toHaveLength(1);
  });

  test('a failed SES send is reported as a batch item failure, retried, and then sent once', async () => {
    const key = await newKey();
    const { processReminderBatch } = await import('../../functions/reminders/worker');
    const { keyStore, memberStore, organizationStore } = await import('../../functions/runtime/stores');
    const ses = new SESv2Client({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: platform.bootstrap.endpoints.ses,
    });
    const real = new SesEmailSender(ses, 'reminders@api-key-platform.local');
    let failuresLeft = 1;
    const flaky: EmailSender = {
      send: async (email) => {
        if (failuresLeft-- > 0) throw new Error('SES throttled');
        await real.send(email);
      },
    };
    const deps = {
      keys: keyStore,
      organizations: organizationStore,
      members: memberStore,
      notifications: new DynamoNotificationStore(
        (await import('../../functions/runtime/clients')).dynamoDb,
        platform.bootstrap.tableName,
      ),
      email: flaky,
    };
    const body = JSON.stringify({ keyId: key.id, stage: 2, asOf: new Date(key.created + 190 * DAY_MS).toISOString() });
    const event = { Records: [{ messageId: 'm-1', body }] } as Parameters<typeof processReminderBatch>[1];

    expect(await processReminderBatch(deps, event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(await emailsFor(key)).toHaveLength(0);
    expect((await keyStore.get(key.id))?.lastReminderStage).toBeUndefined();

    expect(await processReminderBatch(deps, event)).toEqual({ batchItemFailures: [] });
    expect(await processReminderBatch(deps, event)).toEqual({ batchItemFailures: [] });
    expect(await emailsFor(key)).toHaveLength(1);
    expect(await notificationsOf(key.id)).toHaveLength(1);
    ses.destroy();
  });

  test("a rotated key's reminders stop; its grace period ending gets one warning", async () => {
    const key = await newKey();
    await scanAt(key.created + 153 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(1);

    const rotated = await platform.admin.post(`/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 3600 });
    expect(rotated.status).toBe(201);
    // The old key stops within the hour: one warning, however often the scan runs.
    await scanAt(Date.now() + 60_000);
    await scanAt(Date.now() + 120_000);
    const emails = await emailsFor(key);
    expect(emails).toHaveLength(2);
    expect(emails[1]?.subject).toContain('stops working');

    // No more stage reminders for the rotated key.
    await scanAt(key.created + 183 * DAY_MS);
    await scanAt(key.created + 400 * DAY_MS);
    expect(await emailsFor(key)).toHaveLength(2);
    expect(await notificationsOf(key.id)).toHaveLength(0);
  });

  test('a key reaching its rotation date sends api_key.rotation_due to subscribed webhooks, once', async () => {
    const receiver = await startReceiver();
    // Closed even when an expectation fails: a server left open would outlive this file in its Jest worker.
    try {
      const { secret, id: webhookId } = (
        await platform.sandboxAdmin.post('/v1/webhooks', { url: receiver.url, events: ['api_key.rotation_due'] })
      ).body as { id: string; secret: string };
      const key = await platform.createKey({ name: 'Sandbox export' }, platform.sandboxAdmin);
      const created = Date.parse(key.createdAt as string);

      // Other keys (the sandbox admin key) become due in these scans too; count this key's only.
      const forKey = () =>
        receiver.received
          .map((webhook) => new Webhook(secret).verify(webhook.body, webhook.headers as Record<string, string>))
          .filter((payload) => (payload as { data: { id: string } }).data.id === key.id);
      await scanAt(created + 153 * DAY_MS);
      await platform.webhooks?.deliver();
      expect(forKey()).toHaveLength(0);
      await scanAt(created + 183 * DAY_MS);
      await scanAt(created + 183 * DAY_MS);
      await platform.webhooks?.deliver();

      expect(forKey()).toHaveLength(1);
      expect(forKey()[0]).toMatchObject({
        type: 'api_key.rotation_due',
        data: { id: key.id, name: 'Sandbox export', rotationPeriodDays: 182 },
      });
      await platform.sandboxAdmin.delete(`/v1/webhooks/${webhookId}`);
    } finally {
      await receiver.close();
    }
  });
});
