/**
 * Live and sandbox are separate worlds: a sandbox key never reads, changes or deletes live product
 * data, sees live usage, live audit entries or live notifications, and the reverse. (Credits per
 * environment are in credits.test.ts, keys per environment in key-lifecycle.test.ts.)
 */
import { DynamoNotificationStore } from '../../functions/adapters/dynamo-notification-store';
import type { Notification } from '../../functions/domain/reminders/reminder-service';
import { addDays, dayOf } from '../../functions/domain/usage/days';
import { localClients } from '../../local/bootstrap';
import type { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';

type Api = ReturnType<typeof apiAs>;

describe('live and sandbox environments', () => {
  let platform: TestPlatform;
  let live: Api;
  let sandbox: Api;
  let query: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    live = platform.admin;
    sandbox = platform.sandboxAdmin;
    query = `?account_id=${platform.bootstrap.accountIds[0]}`;
  });
  afterAll(() => platform.close());

  const idsOf = (response: { body: { items: { id: string }[] } }) => response.body.items.map((item) => item.id);

  describe('product data', () => {
    it.each([
      ['a sandbox key', 'live', () => [live, sandbox] as const],
      ['a live key', 'sandbox', () => [sandbox, live] as const],
    ])('%s cannot read, list, search, change, enrich or delete a %s contact', async (_who, _whose, pair) => {
      const [owner, intruder] = pair();
      const name = `Grace ${Math.random().toString(36).slice(2)}`;
      const created = await owner.post(`/v1/contacts${query}`, { name, email: 'grace@navy.example' });
      expect(created.status).toBe(201);
      const id = created.body.id as string;

      expect((await intruder.get(`/v1/contacts/${id}${query}`)).status).toBe(404);
      expect(idsOf(await intruder.get(`/v1/contacts${query}&limit=100`))).not.toContain(id);
      expect(idsOf(await intruder.post(`/v1/search${query}`, { query: name }))).toEqual([]);
      expect((await intruder.patch(`/v1/contacts/${id}${query}`, { name: 'Changed' })).status).toBe(404);
      expect((await intruder.post(`/v1/enrichments${query}`, { contactId: id })).status).toBe(404);
      expect((await intruder.delete(`/v1/contacts/${id}${query}`)).status).toBe(404);

      const after = await owner.get(`/v1/contacts/${id}${query}`);
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ id, name });
      expect(after.body).not.toHaveProperty('enrichment');
    });

    it('keeps tables apart: a sandbox key neither lists nor deletes a live table', async () => {
      const table = await live.post(`/v1/tables${query}`, { name: 'Live pipeline' });
      expect(table.status).toBe(201);

      expect(idsOf(await sandbox.get(`/v1/tables${query}&limit=100`))).not.toContain(table.body.id);
      expect((await sandbox.delete(`/v1/tables/${table.body.id}${query}`)).status).toBe(404);
      expect(idsOf(await live.get(`/v1/tables${query}&limit=100`))).toContain(table.body.id);
    });

    it("refuses a live list's cursor in the sandbox", async () => {
      await live.post(`/v1/contacts${query}`, { name: 'Page one' });
      await live.post(`/v1/contacts${query}`, { name: 'Page two' });
      const cursor = (await live.get(`/v1/contacts${query}&limit=1`)).body.nextCursor as string;
      expect(cursor).toEqual(expect.any(String));

      const paged = await sandbox.get(`/v1/contacts${query}&limit=1&cursor=${encodeURIComponent(cursor)}`);

      expect(paged.status).toBe(400);
    });
  });

  describe('usage', () => {
    it('shows a sandbox key sandbox usage only and a live key live usage only', async () => {
      const other = await platform.createOrganization({ adminKeyEnvironments: ['live', 'test'] });
      const otherLive = other.admin;
      const otherSandbox = platform.sandbox(other.adminKeys.test);
      const account = `?account_id=${other.organization.accounts[0]?.id}`;
      for (let call = 0; call < 3; call++) expect((await otherLive.get(`/v1/contacts${account}`)).status).toBe(200);
      for (let call = 0; call < 2; call++) expect((await otherSandbox.get('/v1/whoami')).status).toBe(200);
      await platform.flushUsage();
      const today = dayOf(Date.now());
      const range = `from=${addDays(today, -1)}&to=${addDays(today, 1)}`;

      const liveUsage = await otherLive.get(`/v1/usage?${range}`);
      const sandboxUsage = await otherSandbox.get(`/v1/usage?${range}`);

      expect(liveUsage.body.totals.requests).toBe(3);
      expect(liveUsage.body.byEndpoint.map((entry: { endpoint: string }) => entry.endpoint)).toEqual([
        'GET /v1/contacts',
      ]);
      expect(sandboxUsage.body.totals.requests).toBe(2);
      expect(sandboxUsage.body.byEndpoint.map((entry: { endpoint: string }) => entry.endpoint)).toEqual([
        'GET /v1/whoami',
      ]);
    });

    it("answers 404 for the other environment's key, in the usage report and the call log", async () => {
      const liveKey = await platform.createKey({ name: 'live reader' });
      const sandboxKey = await platform.createKey({ name: 'sandbox reader' }, sandbox);

      expect((await sandbox.get(`/v1/usage?keyId=${liveKey.id}`)).status).toBe(404);
      expect((await sandbox.get(`/v1/keys/${liveKey.id}/calls`)).status).toBe(404);
      expect((await live.get(`/v1/usage?keyId=${sandboxKey.id}`)).status).toBe(404);
      expect((await live.get(`/v1/keys/${sandboxKey.id}/calls`)).status).toBe(404);
      expect((await sandbox.get(`/v1/usage?keyId=${sandboxKey.id}`)).status).toBe(200);
    });
  });

  describe('audit log', () => {
    it("lists each environment's entries apart, each marked with its environment", async () => {
      const liveKey = await platform.createKey({ name: 'audited live' });
      const sandboxKey = await platform.createKey({ name: 'audited sandbox' }, sandbox);

      const liveEntries = (await live.get('/v1/audit-log?limit=100')).body.items;
      const sandboxEntries = (await sandbox.get('/v1/audit-log?limit=100')).body.items;

      const targets = (entries: { targetKeyId?: string }[]) => entries.map((entry) => entry.targetKeyId);
      expect(targets(liveEntries)).toContain(liveKey.id);
      expect(targets(liveEntries)).not.toContain(sandboxKey.id);
      expect(targets(sandboxEntries)).toContain(sandboxKey.id);
      expect(targets(sandboxEntries)).not.toContain(liveKey.id);
      expect(new Set(liveEntries.map((entry: { environment: string }) => entry.environment))).toEqual(
        new Set(['live']),
      );
      expect(new Set(sandboxEntries.map((entry: { environment: string }) => entry.environment))).toEqual(
        new Set(['test']),
      );
    });
  });

  describe('notifications', () => {
    /** Written as the reminder worker writes them, for a key of the given environment. */
    async function aReminder(environment: Notification['environment']): Promise<string> {
      const { documents } = localClients(platform.bootstrap.endpoints);
      const store = new DynamoNotificationStore(documents, platform.bootstrap.tableName);
      const id = `ntf_${environment}${Math.random().toString(36).slice(2, 12)}`;
      await store.put({
        id,
        organizationId: platform.bootstrap.organizationId,
        environment,
        type: 'api_key.rotation_due',
        keyId: 'key_AAAAAAAAAAAAAAAA',
        keyName: `${environment} key`,
        last8: 'abcdefgh',
        stage: 2,
        title: 'Rotate it',
        message: 'It is six months old.',
        createdAt: new Date().toISOString(),
      });
      return id;
    }

    it("lists each environment's notifications apart, and neither marks the other's read", async () => {
      const liveNotice = await aReminder('live');
      const sandboxNotice = await aReminder('test');

      expect(idsOf(await live.get('/v1/notifications?limit=100'))).toContain(liveNotice);
      expect(idsOf(await live.get('/v1/notifications?limit=100'))).not.toContain(sandboxNotice);
      expect(idsOf(await sandbox.get('/v1/notifications?limit=100'))).toContain(sandboxNotice);
      expect(idsOf(await sandbox.get('/v1/notifications?limit=100'))).not.toContain(liveNotice);
      expect((await sandbox.post(`/v1/notifications/${liveNotice}/read`, {})).status).toBe(404);
      expect((await live.post(`/v1/notifications/${sandboxNotice}/read`, {})).status).toBe(404);
      expect((await sandbox.post(`/v1/notifications/${sandboxNotice}/read`, {})).body).toMatchObject({
        id: sandboxNotice,
        environment: 'test',
        read: true,
      });
    });
  });
});
