/**
 * Leadbase's handlers answer what api.ts declares: every route's real answer on the local platform
 * has the declared status and a body its response JSON Schema accepts, so the API docs generated
 * from the definition tell clients the truth.
 */
import { declaredResponses } from '../../../test/support/declared-responses';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform';
import { leadbaseApi } from '../api';
import { leadbaseApp } from '../local';

describe("Leadbase's answers against its declared responses", () => {
  let platform: TestPlatform;
  let query: string;
  const declared = declaredResponses(leadbaseApi.compiled);
  beforeAll(async () => {
    platform = await startTestPlatform({ app: leadbaseApp });
    query = `?account_id=${platform.bootstrap.accountIds[0]}`;
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('answers contacts, enrichments and search as declared', async () => {
    const api = platform.admin;

    const created = await api.post(`/v1/contacts${query}`, { name: 'Ada Lovelace', email: 'ada@analytical.example' });
    const id = created.body.id;
    await api.post(`/v1/contacts${query}`, { name: 'Charles Babbage', company: 'Difference Engines' });
    const enriched = await api.post(`/v1/enrichments${query}`, { contactId: id });
    const patched = await api.patch(`/v1/contacts/${id}${query}`, { phone: '+44 20 7946 0000' });
    const got = await api.get(`/v1/contacts/${id}${query}`);
    const firstPage = await api.get(`/v1/contacts${query}&limit=1`);
    const found = await api.post(`/v1/search${query}`, { query: 'ada' });
    const deleted = await api.delete(`/v1/contacts/${id}${query}`);

    expect(declared.mismatch('POST /v1/contacts', created)).toBeUndefined();
    expect(declared.mismatch('POST /v1/enrichments', enriched)).toBeUndefined();
    expect(declared.mismatch('PATCH /v1/contacts/{id}', patched)).toBeUndefined();
    // Enriched, the contact holds its enrichment details, which the schema describes too.
    expect(got.body.enrichment).toBeDefined();
    expect(declared.mismatch('GET /v1/contacts/{id}', got)).toBeUndefined();
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    expect(declared.mismatch('GET /v1/contacts', firstPage)).toBeUndefined();
    expect(declared.mismatch('POST /v1/search', found)).toBeUndefined();
    expect(declared.mismatch('DELETE /v1/contacts/{id}', deleted)).toBeUndefined();
  });

  it('answers tables as declared', async () => {
    const api = platform.admin;

    const created = await api.post(`/v1/tables${query}`, { name: 'Leads', description: 'Warm leads' });
    const listed = await api.get(`/v1/tables${query}`);
    const deleted = await api.delete(`/v1/tables/${created.body.id}${query}`);

    expect(declared.mismatch('POST /v1/tables', created)).toBeUndefined();
    expect(listed.body.nextCursor).toBeNull();
    expect(declared.mismatch('GET /v1/tables', listed)).toBeUndefined();
    expect(declared.mismatch('DELETE /v1/tables/{id}', deleted)).toBeUndefined();
  });

  it('refuses an answer with a field the schema does not name, or another status', async () => {
    const contact = await platform.admin.post(`/v1/contacts${query}`, { name: 'Grace Hopper' });
    const withExtra = { ...contact.body, pk: 'ORG#…' };

    expect(declared.mismatch('GET /v1/contacts/{id}', { ...contact, status: 200, body: withExtra, text: '' })).toMatch(
      /must NOT have additional properties/,
    );
    expect(declared.mismatch('GET /v1/contacts/{id}', contact)).toMatch(/answered 201, not the declared 200/);
  });

  it('has checked every route that declares its response', () => {
    expect(declared.unchecked()).toEqual([]);
  });
});
