import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('sample contacts product', () => {
  let platform: TestPlatform;
  let query: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    query = `?account_id=${platform.bootstrap.accountIds[0]}`;
  });
  afterAll(() => platform.close());

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

  it('keeps sub-accounts apart', async () => {
    const created = await platform.admin.post(`/v1/contacts${query}`, { name: 'Only Here' });
    const elsewhere = `?account_id=${platform.bootstrap.accountIds[1]}`;
    expect((await platform.admin.get(`/v1/contacts/${created.body.id}${elsewhere}`)).status).toBe(404);
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
});
