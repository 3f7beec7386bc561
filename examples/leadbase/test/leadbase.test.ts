/**
 * Leadbase on the local platform, as a client sees it: the platform checks keys and permissions,
 * Leadbase's handlers (in-process, on their own table) check `account_id` and serve, and their
 * events reach webhooks through the platform's queue. Credits: test/integration/credits.test.ts.
 */
import { Webhook } from 'standardwebhooks';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform';
import { type Receiver, startReceiver } from '../../../test/support/webhook-receiver';
import { leadbaseApp } from '../local';

describe('Leadbase on the local platform', () => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let query: string;
  beforeAll(async () => {
    platform = await startTestPlatform({ app: leadbaseApp, messaging: true, workers: 'manual' });
    receiver = await startReceiver();
    query = `?account_id=${platform.bootstrap.accountIds[0]}`;
  });
  afterAll(async () => {
    await receiver?.close();
    await platform?.close();
  });

  it('creates, reads, updates and deletes contacts with the matching presets', async () => {
    const { key } = await platform.createKey({ permissions: ['read', 'write', 'delete'] });
    const api = platform.live(key);

    const created = await api.post(`/v1/contacts${query}`, { name: 'Ada Lovelace', email: 'ada@analytical.example' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await api.get(`/v1/contacts/${id}${query}`)).body.name).toBe('Ada Lovelace');
    expect((await api.patch(`/v1/contacts/${id}${query}`, { company: 'Engines Ltd' })).body.company).toBe(
      'Engines Ltd',
    );
    expect((await api.get(`/v1/contacts${query}`)).body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await api.delete(`/v1/contacts/${id}${query}`)).status).toBe(204);
    expect((await api.get(`/v1/contacts/${id}${query}`)).status).toBe(404);
  });

  it('keeps sub-accounts and environments apart', async () => {
    const created = await platform.admin.post(`/v1/contacts${query}`, { name: 'Only Here' });
    const elsewhere = `?account_id=${platform.bootstrap.accountIds[1]}`;

    expect((await platform.admin.get(`/v1/contacts/${created.body.id}${elsewhere}`)).status).toBe(404);
    expect((await platform.sandboxAdmin.get(`/v1/contacts/${created.body.id}${query}`)).status).toBe(404);
  });

  it("answers a missing account_id 400 and one outside the key's sub-accounts 403, in the platform's error body", async () => {
    const [own, other] = platform.bootstrap.accountIds;
    const { key } = await platform.createKey({ permissions: ['read'], accounts: [own] });
    const api = platform.live(key);

    const missing = await api.get('/v1/contacts');
    const outside = await api.get(`/v1/contacts?account_id=${other}`);

    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_request', fields: [{ field: 'account_id' }] });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('forbidden');
    expect((await api.get(`/v1/contacts?account_id=${own}`)).status).toBe(200);
  });

  it('creates and deletes tables', async () => {
    const { key } = await platform.createKey({ permissions: ['tables:*'] });
    const created = await platform.live(key).post(`/v1/tables${query}`, { name: 'Leads' });
    expect(created.status).toBe(201);
    expect((await platform.live(key).delete(`/v1/tables/${created.body.id}${query}`)).status).toBe(204);
    expect((await platform.live(key).get(`/v1/contacts${query}`)).status).toBe(403);
  });

  it('enriches only with enrich and searches only with search', async () => {
    const contact = (
      await platform.admin.post(`/v1/contacts${query}`, { name: 'Grace Hopper', email: 'grace@navy.example' })
    ).body;
    const writer = await platform.createKey({ permissions: ['write'] });
    const enricher = await platform.createKey({ permissions: ['enrich'] });
    const searcher = await platform.createKey({ permissions: ['search'] });

    expect((await platform.live(writer.key).post(`/v1/enrichments${query}`, { contactId: contact.id })).status).toBe(
      403,
    );
    const enriched = await platform.live(enricher.key).post(`/v1/enrichments${query}`, { contactId: contact.id });
    expect(enriched.body).toMatchObject({
      status: 'completed',
      enrichment: { domain: 'navy.example', companyGuess: 'Navy' },
    });
    const found = await platform.live(searcher.key).post(`/v1/search${query}`, { query: 'hopper' });
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect((await platform.live(searcher.key).post(`/v1/search${query}`, { query: '' })).status).toBe(400);
  });

  it('delivers its own events, published from its handlers, to subscribed webhooks', async () => {
    // Sandbox: test endpoints may be plain http on loopback.
    const webhook = await platform.sandboxAdmin.post('/v1/webhooks', {
      url: `${receiver.url}/leadbase`,
      events: ['contact.created', 'table.created'],
    });
    expect(webhook.status).toBe(201);

    const contact = await platform.sandboxAdmin.post(`/v1/contacts${query}`, { name: 'Katherine Johnson' });
    const table = await platform.sandboxAdmin.post(`/v1/tables${query}`, { name: 'Prospects' });
    await platform.webhooks?.deliver();

    const events = receiver.received.map((received) =>
      new Webhook(webhook.body.secret).verify(received.body, received.headers as Record<string, string>),
    );
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'contact.created', data: expect.objectContaining({ id: contact.body.id }) }),
        expect.objectContaining({ type: 'table.created', data: expect.objectContaining({ id: table.body.id }) }),
      ]),
    );
    expect(events).toHaveLength(2);
  });
});
