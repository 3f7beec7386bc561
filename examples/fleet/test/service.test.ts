/**
 * The fleet service over HTTP on loopback, called as the platform's gateway calls it: with the
 * caller in signed X-Caller-* headers. No platform here; the events go to an in-memory sink.
 */
import { randomBytes } from 'node:crypto';
import { signedCallerHeaders } from 'api-key-platform/backend';
import type { FleetEvent } from '../service/fleet';
import { type FleetService, startFleetService } from '../service/server';

const NOW = new Date('2026-11-30T08:00:00.000Z');

interface CallerOptions {
  organization?: string;
  environment?: 'live' | 'test';
  accounts?: string;
  permissions?: string;
}

const SIGNING_SECRET = randomBytes(32).toString('base64');

/** The caller headers as the gateway sends them, signed with the platform's caller signing secret. */
const callerHeaders = ({
  organization = 'org_1',
  environment = 'live',
  accounts = '*',
  permissions = 'read,write',
}: CallerOptions = {}) =>
  signedCallerHeaders(
    {
      organizationId: organization,
      keyId: 'key_1',
      environment,
      permissions: permissions.split(','),
      accounts: accounts === '*' ? '*' : accounts.split(','),
    },
    { signingSecret: SIGNING_SECRET },
  );

let service: FleetService;
let now = NOW;
const published: { owner: { organizationId: string; environment: string }; event: FleetEvent }[] = [];

beforeAll(async () => {
  service = await startFleetService({
    clock: () => now,
    callerCheck: () => ({ signingSecret: SIGNING_SECRET }),
    events: {
      publish: async (owner, event) => {
        published.push({ owner: { organizationId: owner.organizationId, environment: owner.environment }, event });
      },
    },
  });
});
afterAll(() => service.close());
beforeEach(() => {
  published.length = 0;
  now = NOW;
});

async function call(
  method: string,
  path: string,
  {
    body,
    caller = {},
    headers = {},
  }: { body?: unknown; caller?: CallerOptions | null; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...(caller && callerHeaders(caller)),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read as JSON in assertions
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

describe('fleet service: who may call', () => {
  it('refuses a request without the caller headers (not through the gateway) with 403', async () => {
    const response = await call('GET', '/v1/rides?account_id=acc_1', { caller: null });

    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('gateway') });
  });

  it('refuses forged caller headers (a client calling the service directly) with 401', async () => {
    const forged = { ...callerHeaders(), 'X-Caller-Organization': 'org_other' };

    const response = await call('GET', '/v1/rides?account_id=acc_1', { caller: null, headers: forged });

    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('gateway') });
  });

  it('answers 400 naming account_id when it is missing', async () => {
    const response = await call('GET', '/v1/vehicles');

    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ field: 'account_id' })]);
  });

  it('refuses a sub-account outside the key’s accounts with 403', async () => {
    const response = await call('GET', '/v1/vehicles?account_id=acc_2', { caller: { accounts: 'acc_1' } });

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });
});

describe('fleet service: records', () => {
  it('seeds a new sub-account with zones, vehicles, customers and a finished ride', async () => {
    const query = '?account_id=acc_seeded';

    const rides = await call('GET', `/v1/rides${query}`);
    const vehicles = await call('GET', `/v1/vehicles${query}`);
    const customers = await call('GET', `/v1/customers${query}`);
    const zones = await call('GET', `/v1/zones${query}`);

    expect([rides, vehicles, customers, zones].map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(rides.body.items).toEqual([expect.objectContaining({ status: 'completed', accountId: 'acc_seeded' })]);
    expect(vehicles.body.items.length).toBeGreaterThan(0);
    expect(customers.body.items.length).toBeGreaterThan(0);
    expect(zones.body.items.length).toBeGreaterThan(0);
  });

  it('keeps organizations and environments apart under the same account id', async () => {
    const created = await call('POST', '/v1/vehicles?account_id=acc_shared', { body: { name: 'VH-100', model: 'X' } });
    expect(created.status).toBe(201);

    const path = `/v1/vehicles/${created.body.id}?account_id=acc_shared`;
    expect((await call('GET', path)).status).toBe(200);
    expect((await call('GET', path, { caller: { organization: 'org_2' } })).status).toBe(404);
    expect((await call('GET', path, { caller: { environment: 'test' } })).status).toBe(404);
  });

  it('runs a ride from start to end, publishing each event as the caller’s organization', async () => {
    const query = '?account_id=acc_ride';
    const vehicles = await call('GET', `/v1/vehicles${query}&status=available`);
    const customers = await call('GET', `/v1/customers${query}`);
    const vehicleId = vehicles.body.items[0].id;

    const started = await call('POST', `/v1/rides${query}`, {
      body: { vehicleId, customerId: customers.body.items[0].id },
    });
    now = new Date(NOW.getTime() + 10 * 60_000);
    const completed = await call('PATCH', `/v1/rides/${started.body.id}${query}`, {
      body: { status: 'completed', distanceKm: 2.5 },
    });

    expect(started.status).toBe(201);
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', durationMinutes: 10, cost: { currency: 'EUR' } });
    expect(published.map(({ event }) => event.type)).toEqual([
      'ride.started',
      'vehicle.status_changed',
      'ride.completed',
      'vehicle.status_changed',
    ]);
    expect(published.every(({ owner }) => owner.organizationId === 'org_1' && owner.environment === 'live')).toBe(true);
    const revenue = await call('GET', `/v1/analytics/revenue${query}`);
    expect(revenue.body.byZone.reduce((sum: number, zone: { revenue: number }) => sum + zone.revenue, 0)).toBe(
      rideCostsOf(await call('GET', `/v1/rides${query}&status=completed`)),
    );
  });

  it('deletes a vehicle with 204 and then answers 404 for it', async () => {
    const query = '?account_id=acc_delete';
    const created = await call('POST', `/v1/vehicles${query}`, { body: { name: 'VH-200', model: 'X' } });

    const deleted = await call('DELETE', `/v1/vehicles/${created.body.id}${query}`);

    expect(deleted).toEqual({ status: 204, body: undefined });
    expect((await call('GET', `/v1/vehicles/${created.body.id}${query}`)).status).toBe(404);
  });
});

function rideCostsOf(response: { body: { items: { cost?: { amount: number } }[] } }) {
  return response.body.items.reduce((sum, ride) => sum + (ride.cost?.amount ?? 0), 0);
}

describe('fleet service: input', () => {
  it('answers 400 with the fields to fix, in the platform’s error shape, and changes nothing', async () => {
    const response = await call('POST', '/v1/vehicles?account_id=acc_input', {
      body: { name: '', model: 'X', batteryLevel: 101, status: 'in_use', colour: 'red' },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.fields.map((field: { field: string }) => field.field).sort()).toEqual([
      'batteryLevel',
      'body',
      'name',
      'status',
    ]);
    expect((await call('GET', '/v1/vehicles?account_id=acc_input')).body.items).toHaveLength(3);
    expect(published).toEqual([]);
  });

  it('answers 400 for a query parameter out of range, naming it', async () => {
    const response = await call('GET', '/v1/rides?account_id=acc_input&limit=1000');

    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ field: 'query.limit' })]);
  });

  it('answers 400 for a body that is not JSON and 415 for one that is not sent as JSON', async () => {
    const send = (contentType: string, body: string) =>
      fetch(`${service.url}/v1/vehicles?account_id=acc_input`, {
        method: 'POST',
        headers: { ...callerHeaders(), 'content-type': contentType },
        body,
      });

    expect((await send('application/json', '{"name": "VH-1",')).status).toBe(400);
    expect((await send('text/plain', 'name=VH-1')).status).toBe(415);
  });

  it('answers 404 for an unknown path and 405 naming the methods a path has', async () => {
    expect((await call('GET', '/v1/scooters?account_id=acc_1')).status).toBe(404);

    const response = await call('DELETE', '/v1/rides/rd_1?account_id=acc_1');

    expect(response.status).toBe(405);
    expect(response.body.error.message).toContain('GET, PATCH');
  });
});
