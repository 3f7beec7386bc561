/**
 * X-RateLimit-* on every product response of the Leadbase example through the local stack: a free
 * Lambda route (the toolkit's middleware in the backend), a paid route (the metered proxy), a
 * platform route (the platform's stack), and the gateway's own 429. The organization stays on
 * Leadbase's starter plan (60 a minute); the gateway's clock moves only when a test moves it.
 */
import { changePlan } from '../../functions/domain/plan-change';
import { startTestPlatform, type TestPlatform } from '../support/platform';

type Answer = { status: number; headers: Record<string, string | string[] | undefined> };

function rateLimitOf(response: Answer) {
  const header = (name: string) => {
    const value = response.headers[name];
    return value === undefined ? undefined : Number(value);
  };
  return {
    limit: header('x-ratelimit-limit'),
    remaining: header('x-ratelimit-remaining'),
    reset: header('x-ratelimit-reset'),
  };
}

/** The three headers, with the limit given, what remains within it and a reset within the minute. */
function expectRateLimitHeaders(response: Answer, limit: number) {
  const { remaining, reset } = rateLimitOf(response);
  expect(rateLimitOf(response).limit).toBe(limit);
  expect(remaining).toBeGreaterThanOrEqual(0);
  expect(remaining).toBeLessThan(limit);
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(60);
}

describe('rate-limit headers through the local stack', () => {
  let platform: TestPlatform;
  let account: string;
  let gatewayNow = Date.parse('2027-05-01T00:00:00Z');
  beforeAll(async () => {
    platform = await startTestPlatform({ keepStarterPlan: true, gatewayClock: () => gatewayNow });
    [account] = platform.bootstrap.accountIds as [string];
  });
  afterAll(() => platform.close());

  /** A full usage-plan bucket, then a key of the demo organization. */
  async function aKey(body: Record<string, unknown> = {}) {
    gatewayNow += 120_000;
    const created = await platform.createKey({ permissions: ['read', 'search'], ...body });
    gatewayNow += 120_000;
    return platform.live(created.key);
  }

  const routes = {
    'a free Lambda route': (api: ReturnType<TestPlatform['live']>) => api.get(`/v1/contacts?account_id=${account}`),
    'a paid route (the metered proxy)': (api: ReturnType<TestPlatform['live']>) =>
      api.post(`/v1/search?account_id=${account}`, { query: 'ada' }),
    'a platform route': (api: ReturnType<TestPlatform['live']>) => api.get('/v1/whoami'),
  };

  it.each(Object.entries(routes))("carries the plan's limit on %s for a key without its own", async (_, call) => {
    const api = await aKey();

    const response = await call(api);

    expect(response.status).toBeLessThan(300);
    expectRateLimitHeaders(response, 60);
  });

  it.each(Object.entries(routes))("carries the key's own limit on %s for a key that has one", async (_, call) => {
    const api = await aKey({ rateLimitPerMinute: 7 });

    const response = await call(api);

    expect(response.status).toBeLessThan(300);
    expectRateLimitHeaders(response, 7);
  });

  it('counts down on a free Lambda route, on its errors too (one instance answers them in turn)', async () => {
    const api = await aKey();

    const first = await api.get(`/v1/contacts?account_id=${account}`);
    const refused = await api.get('/v1/contacts?account_id=acct_not_mine');
    const missing = await api.get(`/v1/contacts/ct_00000000000000000000?account_id=${account}`);

    expect([refused.status, missing.status]).toEqual([403, 404]);
    const [atFirst, atRefused, atMissing] = [first, refused, missing].map(
      (response) => rateLimitOf(response).remaining as number,
    ) as [number, number, number];
    expect(atRefused).toBe(atFirst - 1);
    expect(atMissing).toBe(atFirst - 2);
    expectRateLimitHeaders(missing, 60);
  });

  it("reports an organization's custom figure", async () => {
    gatewayNow += 120_000;
    const other = await platform.createOrganization();
    await changePlan(platform.provisioningDeps(), other.organization.id, {
      plan: 'enterprise',
      customRequestsPerMinute: 5000,
    });
    gatewayNow += 120_000;

    expectRateLimitHeaders(await other.admin.get('/v1/whoami'), 5000);
  });

  it("answers the gateway's own 429 with X-RateLimit-Remaining: 0, and only that, as API Gateway can", async () => {
    const api = await aKey();
    for (let call = 0; call < 60; call++) await api.get('/v1/whoami');

    const throttled = await api.get('/v1/whoami');

    expect(throttled.status).toBe(429);
    expect(throttled.headers['x-ratelimit-remaining']).toBe('0');
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.headers).not.toHaveProperty('x-ratelimit-limit');
    expect(throttled.headers).not.toHaveProperty('x-ratelimit-reset');
  });

  it("answers the platform's own 429 with all three, Remaining 0", async () => {
    const api = await aKey({ rateLimitPerMinute: 1 });
    await api.get('/v1/whoami');

    const limited = await api.get('/v1/whoami');

    expect(limited.status).toBe(429);
    expect(rateLimitOf(limited)).toMatchObject({ limit: 1, remaining: 0 });
    expect(rateLimitOf(limited).reset).toBeGreaterThanOrEqual(1);
  });
});
