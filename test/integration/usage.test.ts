/**
 * Usage statistics and the 7-day call log through the local stack: the gateway's access log goes
 * through the local pipeline to the real usage-ingest handler, and the real handlers answer.
 * `flushUsage()` delivers the pending access log at once, so nothing here sleeps.
 */
import fc from 'fast-check';
import { DynamoKeyStore } from '../../functions/adapters/dynamo-key-store';
import { DynamoUsageStore } from '../../functions/adapters/dynamo-usage-store';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import { activeApi } from '../../functions/definition/active-api';
import { matchRoute } from '../../functions/definition/routes';
import { USAGE_ROLLUP_GRACE_SECONDS } from '../../functions/definition/usage';
import type { Caller } from '../../functions/domain/caller';
import { CALL_LOG_RETENTION_MS, listCalls } from '../../functions/domain/usage/call-log';
import { summarize } from '../../functions/domain/usage/counters';
import { addDays, DAY_MS, dayOf } from '../../functions/domain/usage/days';
import { HOUR_MS } from '../../functions/domain/usage/window';
import { localClients } from '../../local/bootstrap';
import type { apiAs } from '../support/http-client';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { ADMIN_KEY_ACTOR, aCursorCodec, aManualClock, anAccessLogRecord } from '../support/unit-factories';

type Api = ReturnType<typeof apiAs>;
interface Made {
  endpoint: string;
  status: number;
}

const ROUTES = activeApi().routes;
const COSTS = new Map(ROUTES.map((route) => [`${route.method} ${route.path}`, route.credits ?? 0]));

/** A client that notes the endpoint (method and route template) and status of every call it makes. */
function tallying(api: Api) {
  const made: Made[] = [];
  const wrap =
    (method: 'GET' | 'POST' | 'PATCH' | 'DELETE') =>
    async (path: string, body?: unknown, options?: Parameters<Api['get']>[2]) => {
      const send = { GET: api.get, POST: api.post, PATCH: api.patch, DELETE: api.delete }[method];
      const response = await send(path, body, options);
      const match = matchRoute(method, path.split('?')[0] as string, ROUTES);
      if (!match || match === 'method-not-allowed') throw new Error(`no route for ${method} ${path}`);
      made.push({ endpoint: `${method} ${match.route.path}`, status: response.status });
      return response;
    };
  return { get: wrap('GET'), post: wrap('POST'), patch: wrap('PATCH'), delete: wrap('DELETE'), made };
}

/** What GET /v1/usage must say about exactly these calls. */
function expectedUsage(made: Made[]) {
  const outcome = (calls: Made[]) => ({
    requests: calls.length,
    succeeded: calls.filter((c) => c.status < 400).length,
    failed: calls.filter((c) => c.status >= 400).length,
    credits: calls.reduce((sum, c) => sum + (c.status < 400 ? (COSTS.get(c.endpoint) ?? 0) : 0), 0),
  });
  const byStatus = (calls: Made[]) => {
    const counts: Record<string, number> = {};
    for (const call of calls) counts[call.status] = (counts[call.status] ?? 0) + 1;
    return counts;
  };
  const endpoints = [...new Set(made.map((c) => c.endpoint))].sort();
  return {
    totals: { ...outcome(made), byStatus: byStatus(made) },
    byEndpoint: endpoints.map((endpoint) => {
      const calls = made.filter((c) => c.endpoint === endpoint);
      return { endpoint, ...outcome(calls), byStatus: byStatus(calls) };
    }),
  };
}

const byEndpointName = (entries: { endpoint: string }[]) =>
  [...entries].sort((a, b) => (a.endpoint < b.endpoint ? -1 : 1));

describe('usage statistics and the call log', () => {
  let platform: TestPlatform;
  let offset = 0;
  let account: string;
  let today: string;
  let range: string;
  let clients: ReturnType<typeof localClients>;
  beforeAll(async () => {
    // The gateway's clock, so a throttled organization's bucket can be refilled without waiting.
    // The usage rollup only when a test runs it: a timed one could roll up an hour a test still fills.
    platform = await startTestPlatform({ gatewayClock: () => Date.now() + offset, usageRollupIntervalMs: 0 });
    account = `?account_id=${platform.bootstrap.accountIds[0]}`;
    today = dayOf(Date.now());
    range = `from=${addDays(today, -1)}&to=${addDays(today, 1)}`;
    clients = localClients(platform.bootstrap.endpoints);
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await platform.close();
  });

  /**
   * Access log records of any time through the local pipeline, as if the gateway had logged them:
   * one access-log object in the usage bucket, ingested before this resolves.
   */
  async function ingest(records: AccessLogRecord[]) {
    for (const record of records) platform.usagePipeline.push(record);
    await platform.flushUsage();
  }

  function aRecord(keyId: string, time: number, overrides: Partial<AccessLogRecord> = {}): AccessLogRecord {
    const { organizationId } = platform.bootstrap;
    return anAccessLogRecord({ keyId, organizationId, requestTimeEpoch: String(time), ...overrides });
  }

  it('adds up exactly to the calls a key made, by endpoint and outcome, 403s included', async () => {
    const key = await platform.createKey({ permissions: ['read', 'write', 'search'] });
    const api = tallying(platform.live(key.key));
    for (let index = 0; index < 3; index++) await api.get(`/v1/contacts${account}`);
    for (let index = 0; index < 2; index++) await api.post(`/v1/contacts${account}`, { name: `Ada ${index}` });
    await api.get('/v1/contacts'); // 400: no account_id
    await api.delete(`/v1/contacts/ct_00000000000000000000${account}`); // 403: no delete permission
    await api.post(`/v1/enrichments${account}`, { contactId: 'ct_00000000000000000000' }); // 403
    await api.post(`/v1/search${account}`, { query: 'Ada' });
    await api.get('/v1/whoami');
    const statuses = new Set(api.made.map((c) => c.status));
    for (const status of [200, 201, 400, 403]) expect(statuses).toContain(status);

    await platform.flushUsage();
    const usage = await platform.admin.get(`/v1/usage?keyId=${key.id}&${range}`);
    expect(usage.status).toBe(200);
    const expected = expectedUsage(api.made);
    expect(usage.body.totals).toEqual(expected.totals);
    expect(byEndpointName(usage.body.byEndpoint)).toEqual(expected.byEndpoint);
    expect(
      usage.body.series.map((entry: { requests: number }) => entry.requests).reduce((a: number, b: number) => a + b),
    ).toBe(api.made.length);
    expect(usage.body).toMatchObject({ keyId: key.id, granularity: 'day', anomaly: false, anomalies: [] });
  });

  it("writes a key's lastUsedAt from the access log, with no write in the handlers", async () => {
    const key = await platform.createKey();
    const response = await platform.live(key.key).get('/v1/whoami');
    expect(response.status).toBe(200);
    const calledAt = Date.now();

    // The handler's instance would have written it only after a minute; the ingest writes it now.
    await platform.flushUsage();

    const lastUsedAt = Date.parse((await platform.admin.get(`/v1/keys/${key.id}`)).body.lastUsedAt);
    expect(calledAt - lastUsedAt).toBeGreaterThanOrEqual(0);
    expect(calledAt - lastUsedAt).toBeLessThan(60_000);
  });

  it('counts 401s per stage, since API Gateway cannot say whose they are', async () => {
    const store = new DynamoUsageStore(clients.documents, platform.bootstrap.tableName);
    const unauthorized = async () => {
      await platform.flushUsage();
      const days = await store.stageDays({ stage: 'live', from: addDays(today, -1), to: addDays(today, 1) });
      return days.reduce((sum, day) => sum + (summarize(day.counters).byStatus['401'] ?? 0), 0);
    };
    const before = await unauthorized();
    const organizationBefore = (await platform.admin.get(`/v1/usage?${range}`)).body.totals.requests;

    expect((await platform.live().get(`/v1/contacts${account}`)).status).toBe(401); // no key
    expect((await platform.live(`sk_live_${'x'.repeat(46)}`).get('/v1/whoami')).status).toBe(401);
    const revoked = await platform.createKey();
    await platform.admin.post(`/v1/keys/${revoked.id}/revoke`, {});
    expect((await platform.live(revoked.key).get('/v1/whoami')).status).toBe(401);

    expect(await unauthorized()).toBe(before + 3);
    // The organization sees its own calls (the usage read, the key creation, the revoke), not the 401s.
    expect((await platform.admin.get(`/v1/usage?${range}`)).body.totals.requests).toBe(organizationBefore + 3);
    const revokedUsage = await platform.admin.get(`/v1/usage?keyId=${revoked.id}&${range}`);
    expect(revokedUsage.body.totals.requests).toBe(0);
  });

  it('counts an organization’s calls exactly, 429s of its plan included, and nothing of others', async () => {
    const other = await platform.createOrganization(); // starter: 60 calls a minute
    offset += 120_000; // a full bucket
    const api = tallying(other.admin);
    for (let index = 0; index < 70; index++) await api.get('/v1/whoami');
    await api.get(`/v1/contacts?account_id=${other.organization.accounts[0]?.id}`);
    expect(api.made.filter((c) => c.status === 429).length).toBeGreaterThan(0);

    offset += 120_000; // refill, so reading the usage is not throttled
    await platform.flushUsage();
    const usage = await other.admin.get(`/v1/usage?${range}&granularity=week`);
    expect(usage.status).toBe(200);
    const expected = expectedUsage(api.made);
    expect(usage.body.totals).toEqual(expected.totals);
    expect(byEndpointName(usage.body.byEndpoint)).toEqual(expected.byEndpoint);
  });

  it('shows a key’s calls newest first, page by page', async () => {
    const key = await platform.createKey({ permissions: ['read'] });
    const api = platform.live(key.key, { headers: { 'user-agent': 'usage-test/1.0' } });
    const paths = Array.from({ length: 7 }, (_, index) => `/v1/contacts/ct_${String(index).padStart(20, '0')}`);
    for (const path of paths) await api.get(`${path}${account}`);
    await api.post(`/v1/contacts${account}`, { name: 'x' }); // 403, logged too

    await platform.flushUsage();
    const all = await platform.admin.get(`/v1/keys/${key.id}/calls?limit=100`);
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const items = all.body.items as { time: string; path: string; status: number }[];
    expect(items).toHaveLength(8);
    expect(items[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      method: 'POST',
      path: '/live/v1/contacts',
      status: 403,
      latencyMs: expect.any(Number),
      ip: '127.0.0.1',
      userAgent: 'usage-test/1.0',
      credits: 0,
      requestId: expect.any(String),
    });
    const times = items.map((item) => Date.parse(item.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(items.slice(1).map((item) => item.path)).toEqual(
      expect.arrayContaining(paths.map((path) => `/live${path}`)),
    );

    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: unknown[]; nextCursor: string | null } } = await platform.admin.get(
        `/v1/keys/${key.id}/calls?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(items);
  });

  it('drops calls older than 7 days from the call log, but keeps counting them in usage', async () => {
    const key = await platform.createKey();
    const now = Date.now();
    await ingest([
      aRecord(key.id, now - 8 * DAY_MS, { path: '/live/v1/contacts/eight-days' }),
      aRecord(key.id, now - 6 * DAY_MS, { path: '/live/v1/contacts/six-days' }),
    ]);
    const calls = await platform.admin.get(`/v1/keys/${key.id}/calls`);
    expect(calls.body.items.map((call: { path: string }) => call.path)).toEqual(['/live/v1/contacts/six-days']);
    const eightDaysAgo = dayOf(now - 8 * DAY_MS);
    const usage = await platform.admin.get(`/v1/usage?keyId=${key.id}&from=${eightDaysAgo}&to=${today}`);
    expect(usage.body.totals.requests).toBe(2);
  });

  it('forgets calls as an injected clock passes 7 days, on the call index and the S3 archive', async () => {
    const key = await platform.createKey();
    const now = Date.now();
    await ingest([aRecord(key.id, now - 1000, { path: '/live/older' }), aRecord(key.id, now, { path: '/live/newer' })]);
    const clock = aManualClock(new Date(now));
    // The handler's own stores: the recent windows and call index on the table, the usage bucket.
    const { recentUsageStore, usageStore, callArchive } = await import('../../functions/usage/stores');
    const deps = {
      keys: new DynamoKeyStore(clients.documents, platform.bootstrap.tableName),
      callIndex: recentUsageStore,
      usage: usageStore,
      archive: callArchive(),
      clock: clock.clock,
      cursors: aCursorCodec(clock.clock),
    };
    const caller = {
      actor: ADMIN_KEY_ACTOR,
      organizationId: platform.bootstrap.organizationId,
      environment: 'live',
      accounts: '*',
    } as Caller;
    const paths = async () => (await listCalls(deps, caller, key.id, { limit: 10 })).items.map((call) => call.path);
    expect(await paths()).toEqual(['/live/newer', '/live/older']);
    clock.set(new Date(now - 1000 + CALL_LOG_RETENTION_MS + 1));
    expect(await paths()).toEqual(['/live/newer']);
    clock.set(new Date(now + CALL_LOG_RETENTION_MS + 1));
    expect(await paths()).toEqual([]);
  });

  it('flags a key whose requests today jump above 5× its 7-day average', async () => {
    const spiking = await platform.createKey();
    const steady = await platform.createKey();
    const now = Date.now();
    const records: AccessLogRecord[] = [];
    for (let day = 1; day <= 7; day++) {
      for (let index = 0; index < 10; index++) records.push(aRecord(spiking.id, now - day * DAY_MS));
      for (let index = 0; index < 100; index++) records.push(aRecord(steady.id, now - day * DAY_MS));
    }
    for (let index = 0; index < 120; index++) {
      records.push(aRecord(spiking.id, now - 1));
      records.push(aRecord(steady.id, now - 1));
    }
    await ingest(records);
    // Anomalies are flagged by the hourly rollup, which takes this hour once it is over and its grace
    // period passed (later windows of this hour are filed under the next one and still read).
    await platform.rollUpUsage(new Date(now + HOUR_MS + USAGE_ROLLUP_GRACE_SECONDS * 1000));

    const organization = await platform.admin.get(`/v1/usage?from=${today}&to=${today}`);
    expect(organization.body.anomaly).toBe(true);
    expect(organization.body.anomalies).toContainEqual({
      keyId: spiking.id,
      day: today,
      requests: 120,
      sevenDayAverage: 10,
      factor: 12,
    });
    expect(organization.body.anomalies.map((a: { keyId: string }) => a.keyId)).not.toContain(steady.id);
    expect((await platform.admin.get(`/v1/usage?keyId=${spiking.id}`)).body.anomaly).toBe(true);
    expect((await platform.admin.get(`/v1/usage?keyId=${steady.id}`)).body.anomaly).toBe(false);
  });

  it('keeps organizations apart: another organization’s key is not found, its cursors do not work', async () => {
    const other = await platform.createOrganization();
    const mine = await platform.createKey();
    const mineToo = await platform.createKey();
    await ingest([aRecord(mine.id, Date.now() - 2), aRecord(mine.id, Date.now() - 1)]);
    const { nextCursor } = (await platform.admin.get(`/v1/keys/${mine.id}/calls?limit=1`)).body;
    expect(nextCursor).toEqual(expect.any(String));
    const theirs = (await other.admin.get('/v1/whoami')).body.keyId as string;

    expect((await other.admin.get(`/v1/keys/${mine.id}/calls`)).status).toBe(404);
    expect((await other.admin.get(`/v1/usage?keyId=${mine.id}`)).status).toBe(404);
    const cursor = encodeURIComponent(nextCursor);
    expect((await other.admin.get(`/v1/keys/${mine.id}/calls?cursor=${cursor}`)).status).toBe(404);
    expect((await other.admin.get(`/v1/keys/${theirs}/calls?cursor=${cursor}`)).status).toBe(400);
    expect((await platform.admin.get(`/v1/keys/${mineToo.id}/calls?cursor=${cursor}`)).status).toBe(400);
    expect((await platform.admin.get(`/v1/keys/${mine.id}/calls?cursor=${cursor}`)).body.items).toHaveLength(1);
  });

  it.each([
    ['from=2026-02-30', 'from'],
    ['from=yesterday', 'from'],
    ['to=2026-1-1', 'to'],
    ['granularity=hour', 'granularity'],
    ['keyId=key_short', 'keyId'],
    ['from=2026-03-02&to=2026-03-01', 'from'],
    ['from=2024-01-01&to=2026-01-01', 'from'],
  ])('answers GET /v1/usage?%s with a 400 naming %s', async (query, field) => {
    const response = await platform.admin.get(`/v1/usage?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=many', 'limit'],
    ['cursor=%21%21%21', 'cursor'],
    [`cursor=${Buffer.from('{"pk":"ORG#x","sk":"y"}').toString('base64url')}`, 'cursor'],
  ])('answers GET /v1/keys/{id}/calls?%s with a 400 naming %s', async (query, field) => {
    const key = await platform.createKey();
    const response = await platform.admin.get(`/v1/keys/${key.id}/calls?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  it('answers 404 for unknown keys and 400 for malformed ids', async () => {
    expect((await platform.admin.get('/v1/usage?keyId=key_AAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await platform.admin.get('/v1/keys/key_AAAAAAAAAAAAAAAA/calls')).status).toBe(404);
    expect((await platform.admin.get('/v1/keys/nope/calls')).status).toBe(400);
  });

  it('never answers random query strings with a 5xx', async () => {
    const key = await platform.createKey();
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('2026-03-01', '1970-01-01', '9999-12-31', '0000-01-01', key.id, '-1', '1e9', 'day', 'month'),
    );
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'granularity', 'keyId', 'limit', 'cursor', 'x'), value, {
      maxKeys: 4,
    });
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (parameters, calls) => {
        const search = new URLSearchParams(parameters).toString();
        const response = await platform.admin.get(calls ? `/v1/keys/${key.id}/calls?${search}` : `/v1/usage?${search}`);
        expect([200, 400, 404]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it("shows a key's later use of the day from its day item once the key item holds the day's first, in every key view", async () => {
    const key = await platform.createKey();
    const first = Date.now() - 2000;
    const later = first + 1000;
    await ingest([aRecord(key.id, first, { path: '/live/first' })]);
    // Hours past the other tests' rollups (this test runs last): every hour so far is rolled up.
    await platform.rollUpUsage(new Date(first + 3 * HOUR_MS + USAGE_ROLLUP_GRACE_SECONDS * 1000));
    // Filed after its hour was rolled up: the next rollup takes it, on the day item, not the key item.
    await ingest([aRecord(key.id, later, { path: '/live/later' })]);
    await platform.rollUpUsage(new Date(first + 5 * HOUR_MS + USAGE_ROLLUP_GRACE_SECONDS * 1000));

    const stored = await new DynamoKeyStore(clients.documents, platform.bootstrap.tableName).get(key.id);
    const shown = (await platform.admin.get(`/v1/keys/${key.id}`)).body.lastUsedAt;
    const listed = await platform.admin.get('/v1/keys?limit=100');
    const calls = await platform.admin.get(`/v1/keys/${key.id}/calls`);

    expect(stored?.lastUsedAt).toBe(new Date(first).toISOString());
    expect(shown).toBe(new Date(later).toISOString());
    expect(listed.body.items.find((item: { id: string }) => item.id === key.id)?.lastUsedAt).toBe(shown);
    expect(calls.body.items.map((call: { path: string }) => call.path)).toEqual(['/live/later', '/live/first']);
  });
});
