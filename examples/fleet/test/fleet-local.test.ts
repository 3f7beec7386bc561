/**
 * Levy Fleets on the local platform, end to end: Bearer keys through the local gateway and the
 * authorizer, proxied to the fleet service with the caller in signed X-Caller-* headers; the service's
 * events through POST /v1/events to a webhook receiver that verifies them with `standardwebhooks`.
 */
import { Webhook } from 'standardwebhooks';
import { apiAs } from '../../../test/support/http-client';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform';
import { type Receiver, startReceiver } from '../../../test/support/webhook-receiver';
import { EVENTS_KEY_NAME, type FleetLocalApp, startFleetApp } from '../local';

let app: FleetLocalApp;
let platform: TestPlatform;
let receiver: Receiver;
/** The local gateway's clock: usage-plan buckets refill only when a test moves it. */
let gatewayNow = Date.parse('2027-03-01T00:00:00Z');
let account: string;
let otherAccount: string;

beforeAll(async () => {
  app = await startFleetApp();
  try {
    platform = await startTestPlatform({
      app,
      messaging: true,
      workers: 'manual',
      webhookRetrySchedule: [0, 0, 0],
      gatewayClock: () => gatewayNow,
    });
  } catch (error) {
    await app.stop();
    throw error;
  }
  receiver = await startReceiver();
  [account, otherAccount] = platform.bootstrap.accountIds as [string, string];
});

afterAll(async () => {
  await receiver?.close();
  await platform?.close();
});

/** Clients of a stage that send their key as `Authorization: Bearer`, the fleet API's key header. */
const live = (key: string) => apiAs(platform.bootstrap.liveUrl, key, { keyHeader: 'bearer' });
const sandbox = (key: string) => apiAs(platform.bootstrap.sandboxUrl, key, { keyHeader: 'bearer' });
const liveAdmin = () => live(platform.bootstrap.adminKey);
const sandboxAdmin = () => sandbox(platform.bootstrap.sandboxAdminKey);

async function createKey(body: Record<string, unknown>, as = liveAdmin()) {
  const response = await as.post('/v1/keys', { name: 'fleet test key', ...body });
  if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${response.text}`);
  return response.body as { id: string; key: string };
}

describe('fleet API keys', () => {
  it('issues keys with the fleet prefix', async () => {
    const { key } = await createKey({ permissions: ['rides:read'] });

    expect(key).toMatch(/^lf_live_/);
  });

  it('lets a rides:read key read rides, and nothing else', async () => {
    const api = live((await createKey({ permissions: ['rides:read'] })).key);

    const rides = await api.get(`/v1/rides?account_id=${account}`);
    const start = await api.post(`/v1/rides?account_id=${account}`, { vehicleId: 'vh_1', customerId: 'cu_1' });
    const vehicles = await api.get(`/v1/vehicles?account_id=${account}`);

    expect(rides.status).toBe(200);
    expect(rides.body.items.length).toBeGreaterThan(0);
    expect(start.status).toBe(403);
    expect(vehicles.status).toBe(403);
  });

  it('lets a read-only key (the read preset) call every GET route and no other', async () => {
    const api = live((await createKey({ permissions: ['read'] })).key);
    const ids: Record<string, string> = {};
    for (const resource of ['rides', 'vehicles', 'customers', 'zones']) {
      ids[resource] = (await api.get(`/v1/${resource}?account_id=${account}`)).body.items[0].id;
    }
    const pathOf = (path: string) => path.replace('{id}', ids[path.split('/')[2] as string] ?? 'x');

    const outcomes = [];
    for (const route of app.definition.compiled.routes) {
      const send = api[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'];
      const response = await send(
        `${pathOf(route.path)}?account_id=${account}`,
        route.method === 'GET' ? undefined : {},
      );
      outcomes.push(`${route.method} ${route.path} ${response.status}`);
    }

    const expected = app.definition.compiled.routes.map(
      (route) => `${route.method} ${route.path} ${route.method === 'GET' ? 200 : 403}`,
    );
    expect(outcomes).toEqual(expected);
  });

  it('lets a read-write key change things: a vehicle is created and deleted', async () => {
    const api = live((await createKey({ permissions: ['read', 'write'] })).key);

    const created = await api.post(`/v1/vehicles?account_id=${account}`, { name: 'VH-900', model: 'OKAI ES400' });
    const deleted = await api.delete(`/v1/vehicles/${created.body.id}?account_id=${account}`);

    expect([created.status, deleted.status]).toEqual([201, 204]);
  });

  it('keeps a key scoped to one sub-account out of the others (checked by the fleet service)', async () => {
    const api = live((await createKey({ permissions: ['read'], accounts: [account] })).key);

    expect((await api.get(`/v1/zones?account_id=${account}`)).status).toBe(200);
    const other = await api.get(`/v1/zones?account_id=${otherAccount}`);

    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
  });

  // The analytics route declares no 400 of its own: the document's account-scoped 400 is what the contract check reads.
  it("answers a call without account_id 400 in the platform's error body, as the document says", async () => {
    const api = live((await createKey({ permissions: ['read'], accounts: [account] })).key);

    const missing = await api.get('/v1/analytics/rides');

    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_request', fields: [{ field: 'account_id' }] });
  });

  it('passes the caller the gateway verified, whatever X-Caller-* headers the client sends', async () => {
    const created = await liveAdmin().post(`/v1/vehicles?account_id=${account}`, { name: 'VH-901', model: 'X' });
    const other = await platform.createOrganization();
    const outsider = live((await createKey({ permissions: ['read'] }, live(other.adminKeys.live as string))).key);
    const spoofed = {
      'X-Caller-Organization': platform.bootstrap.organizationId,
      'X-Caller-Permissions': 'admin',
      'X-Caller-Accounts': '*',
    };

    const ownAccount = other.organization.accounts[0]?.id;

    const read = await outsider.get(`/v1/vehicles/${created.body.id}?account_id=${ownAccount}`, undefined, {
      headers: spoofed,
    });
    const ours = await outsider.get(`/v1/vehicles/${created.body.id}?account_id=${account}`, undefined, {
      headers: spoofed,
    });

    // 404: the service got one set of caller headers, the outsider's own organization's.
    expect(read.status).toBe(404);
    // 403: the outsider's `*` reached the service as its own organization's sub-accounts only.
    expect(ours.status).toBe(403);
  });
});

describe('the fleet service behind the gateway', () => {
  it('refuses a request straight to the service with forged caller headers, and serves the same call through the gateway', async () => {
    const forged = {
      'X-Caller-Organization': platform.bootstrap.organizationId,
      'X-Caller-Key-Id': 'key_forged',
      'X-Caller-Permissions': 'admin',
      'X-Caller-Accounts': '*',
      'X-Caller-Environment': 'live',
      'X-Caller-Audience': 'local/live',
      'X-Caller-Issued-At': String(Math.floor(Date.now() / 1000)),
      'X-Caller-Signature': 'Zm9yZ2VkIHNpZ25hdHVyZSBvZiAzMiBieXRlcyEhISE',
    };

    const direct = await fetch(`${app.serviceUrl}/v1/zones?account_id=${account}`, { headers: forged });
    const throughGateway = await liveAdmin().get(`/v1/zones?account_id=${account}`);

    expect(direct.status).toBe(401);
    expect(await direct.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringContaining('X-Caller-Signature does not match') },
    });
    expect(throughGateway.status).toBe(200);
  });
});

describe('Bearer keys with the gateway cache on', () => {
  it('answers the second call with the same key from the authorizer cache', async () => {
    const api = live((await createKey({ permissions: ['read'] })).key);
    const callsBefore = platform.gateway.stats.authorizerCalls;

    const first = await api.get(`/v1/zones?account_id=${account}`);
    const second = await api.get(`/v1/vehicles?account_id=${account}`);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(platform.gateway.stats.authorizerCalls - callsBefore).toBe(1);
  });

  it('takes no key in x-api-key', async () => {
    const { key } = await createKey({ permissions: ['read'] });

    const response = await apiAs(platform.bootstrap.liveUrl, key).get(`/v1/zones?account_id=${account}`);

    expect(response.status).toBe(401);
  });
});

describe('the fleet plans', () => {
  it('answers 429 past the basic plan’s 60 requests a minute', async () => {
    const other = await platform.createOrganization();
    const admin = live(other.adminKeys.live as string);
    const query = `?account_id=${other.organization.accounts[0]?.id}`;
    gatewayNow += 120_000; // a full bucket: provisioning and the key creation drew on it

    const statuses: number[] = [];
    for (let call = 0; call < 60; call++) statuses.push((await admin.get(`/v1/zones${query}`)).status);
    const throttled = await admin.get(`/v1/zones${query}`);

    expect(other.organization.plan).toBe('basic');
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('rate_limited');
    // The gateway's own 429 can carry only a static header: Remaining 0.
    expect(throttled.headers['x-ratelimit-remaining']).toBe('0');
  });
});

describe('rate-limit headers from the fleet service', () => {
  const rateLimitOf = (response: { headers: Record<string, string | string[] | undefined> }) => ({
    limit: response.headers['x-ratelimit-limit'],
    remaining: Number(response.headers['x-ratelimit-remaining']),
    reset: Number(response.headers['x-ratelimit-reset']),
  });

  it("carries the basic plan's 60 a minute, counting down, on answers and errors alike", async () => {
    const other = await platform.createOrganization();
    const admin = live(other.adminKeys.live as string);
    const query = `?account_id=${other.organization.accounts[0]?.id}`;
    gatewayNow += 120_000;

    const first = await admin.get(`/v1/zones${query}`);
    const refused = await admin.get(`/v1/zones?account_id=${account}`);

    expect([first.status, refused.status]).toEqual([200, 403]);
    expect(rateLimitOf(first)).toMatchObject({ limit: '60' });
    expect(rateLimitOf(refused)).toMatchObject({ limit: '60', remaining: rateLimitOf(first).remaining - 1 });
    expect(rateLimitOf(first).reset).toBeGreaterThanOrEqual(1);
    expect(rateLimitOf(first).reset).toBeLessThanOrEqual(60);
  });

  it("carries the key's own limit for a key that has one", async () => {
    const api = live((await createKey({ permissions: ['read'], rateLimitPerMinute: 9 })).key);

    const rides = await api.get(`/v1/rides?account_id=${account}`);

    expect(rides.status).toBe(200);
    expect(rateLimitOf(rides)).toMatchObject({ limit: '9', remaining: 8 });
  });

  it('answers a paid route through the metered proxy with one set of headers, the exact count for a key limit', async () => {
    const api = live((await createKey({ permissions: ['analytics:read'], rateLimitPerMinute: 9 })).key);

    const response = await api.get(`/v1/analytics/revenue?account_id=${account}`);

    expect(response.status).toBe(200);
    expect(rateLimitOf(response)).toMatchObject({ limit: '9', remaining: 8 });
  });
});

describe('credits on an HTTP backend', () => {
  it('charges revenue analytics 2 credits a call through the metered proxy, and ride analytics nothing', async () => {
    const api = live((await createKey({ permissions: ['analytics:read'] })).key);
    const query = `?account_id=${account}`;

    const first = await api.get(`/v1/analytics/revenue${query}`);
    const second = await api.get(`/v1/analytics/revenue${query}`);
    const free = await api.get(`/v1/analytics/rides${query}`);

    expect([first.status, second.status, free.status]).toEqual([200, 200, 200]);
    expect(first.body.byZone.length).toBeGreaterThan(0);
    expect(second.headers['x-credits-consumed']).toBe('2');
    expect(Number(first.headers['x-credits-remaining']) - Number(second.headers['x-credits-remaining'])).toBe(2);
    expect(free.headers['x-credits-consumed']).toBeUndefined();
  });
});

describe('fleet events', () => {
  it('delivers ride and vehicle events of its own catalog, signed so standardwebhooks verifies them', async () => {
    const events = ['ride.started', 'ride.completed', 'vehicle.status_changed'];
    const registered = await sandboxAdmin().post('/v1/webhooks', { url: `${receiver.url}/fleet`, events });
    expect(registered.status).toBe(201);
    const api = sandbox((await createKey({ permissions: ['read', 'write'] }, sandboxAdmin())).key);
    const query = `?account_id=${account}`;
    const vehicle = (await api.get(`/v1/vehicles${query}&status=available`)).body.items[0];
    const customer = (await api.get(`/v1/customers${query}`)).body.items[0];

    const ride = await api.post(`/v1/rides${query}`, { vehicleId: vehicle.id, customerId: customer.id });
    const completed = await api.patch(`/v1/rides/${ride.body.id}${query}`, { status: 'completed', distanceKm: 1.5 });
    await platform.webhooks?.deliver();

    expect([ride.status, completed.status]).toEqual([201, 200]);
    const webhook = new Webhook(registered.body.secret);
    const delivered = receiver.received.map(
      (request) =>
        webhook.verify(request.body, request.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
    expect(delivered.map((event) => event.type).sort()).toEqual(
      ['ride.completed', 'ride.started', 'vehicle.status_changed', 'vehicle.status_changed'].sort(),
    );
    expect(delivered.find((event) => event.type === 'ride.completed')?.data).toMatchObject({
      id: ride.body.id,
      accountId: account,
      status: 'completed',
      distanceKm: 1.5,
    });
  });

  it('publishes with a key of its own that holds events:publish only', async () => {
    const keys = await sandboxAdmin().get('/v1/keys?limit=100');

    const eventsKeys = keys.body.items.filter((key: { name: string; status: string }) => key.name === EVENTS_KEY_NAME);

    expect(eventsKeys).toEqual([expect.objectContaining({ status: 'active', permissions: ['events:publish'] })]);
  });
});
