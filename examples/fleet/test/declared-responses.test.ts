/**
 * The fleet service answers what api.ts declares: every route's real answer through the local
 * platform (Bearer key, gateway, signed caller headers, the service) has the declared status and a
 * body its response JSON Schema accepts, so the API docs generated from the definition hold.
 */
import { declaredResponses } from '../../../test/support/declared-responses';
import { apiAs } from '../../../test/support/http-client';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform';
import { type FleetLocalApp, startFleetApp } from '../local';

let app: FleetLocalApp;
let platform: TestPlatform;
let declared: ReturnType<typeof declaredResponses>;
let query: string;

beforeAll(async () => {
  app = await startFleetApp();
  try {
    platform = await startTestPlatform({ app });
  } catch (error) {
    await app.stop();
    throw error;
  }
  declared = declaredResponses(app.definition.compiled);
  query = `?account_id=${platform.bootstrap.accountIds[0]}`;
});

afterAll(async () => {
  await platform?.close();
});

const admin = () => apiAs(platform.bootstrap.liveUrl, platform.bootstrap.adminKey, { keyHeader: 'bearer' });

describe("the fleet service's answers against its declared responses", () => {
  it('answers vehicles, customers and zones as declared', async () => {
    const api = admin();

    const vehicles = await api.get(`/v1/vehicles${query}`);
    const vehicle = await api.get(`/v1/vehicles/${vehicles.body.items[0].id}${query}`);
    const added = await api.post(`/v1/vehicles${query}`, { name: 'VH-900', model: 'OKAI ES400' });
    const changed = await api.patch(`/v1/vehicles/${added.body.id}${query}`, { batteryLevel: 50 });
    const retired = await api.delete(`/v1/vehicles/${added.body.id}${query}`);
    const customers = await api.get(`/v1/customers${query}&status=active`);
    const customer = await api.get(`/v1/customers/${customers.body.items[0].id}${query}`);
    const customerChanged = await api.patch(`/v1/customers/${customers.body.items[0].id}${query}`, {
      phone: '+49 30 1234567',
    });
    const zones = await api.get(`/v1/zones${query}`);
    const zone = await api.get(`/v1/zones/${zones.body.items[0].id}${query}`);
    const zoneChanged = await api.patch(`/v1/zones/${zones.body.items[0].id}${query}`, { pricing: { perMinute: 30 } });

    expect(declared.mismatch('GET /v1/vehicles', vehicles)).toBeUndefined();
    expect(declared.mismatch('GET /v1/vehicles/{id}', vehicle)).toBeUndefined();
    expect(declared.mismatch('POST /v1/vehicles', added)).toBeUndefined();
    expect(declared.mismatch('PATCH /v1/vehicles/{id}', changed)).toBeUndefined();
    expect(declared.mismatch('DELETE /v1/vehicles/{id}', retired)).toBeUndefined();
    expect(declared.mismatch('GET /v1/customers', customers)).toBeUndefined();
    expect(declared.mismatch('GET /v1/customers/{id}', customer)).toBeUndefined();
    expect(declared.mismatch('PATCH /v1/customers/{id}', customerChanged)).toBeUndefined();
    expect(declared.mismatch('GET /v1/zones', zones)).toBeUndefined();
    expect(declared.mismatch('GET /v1/zones/{id}', zone)).toBeUndefined();
    expect(declared.mismatch('PATCH /v1/zones/{id}', zoneChanged)).toBeUndefined();
  });

  it('answers rides and analytics as declared', async () => {
    const api = admin();
    const [vehicle] = (await api.get(`/v1/vehicles${query}&status=available`)).body.items;
    const [customer] = (await api.get(`/v1/customers${query}&status=active`)).body.items;

    const started = await api.post(`/v1/rides${query}`, { vehicleId: vehicle.id, customerId: customer.id });
    const ride = await api.get(`/v1/rides/${started.body.id}${query}`);
    const completed = await api.patch(`/v1/rides/${started.body.id}${query}`, { status: 'completed', distanceKm: 3 });
    const rides = await api.get(`/v1/rides${query}&status=completed`);
    const rideFigures = await api.get(`/v1/analytics/rides${query}`);
    const revenue = await api.get(`/v1/analytics/revenue${query}`);

    expect(declared.mismatch('POST /v1/rides', started)).toBeUndefined();
    expect(declared.mismatch('GET /v1/rides/{id}', ride)).toBeUndefined();
    // Completed, the ride holds its end, duration, distance and cost, which the schema describes too.
    expect(completed.body.cost).toBeDefined();
    expect(declared.mismatch('PATCH /v1/rides/{id}', completed)).toBeUndefined();
    expect(declared.mismatch('GET /v1/rides', rides)).toBeUndefined();
    expect(declared.mismatch('GET /v1/analytics/rides', rideFigures)).toBeUndefined();
    expect(declared.mismatch('GET /v1/analytics/revenue', revenue)).toBeUndefined();
  });

  it('refuses an answer with a field the schema does not name', async () => {
    const zones = await admin().get(`/v1/zones${query}`);
    const withExtra = { items: [{ ...zones.body.items[0], secret: 'x' }] };

    expect(declared.mismatch('GET /v1/zones', { ...zones, body: withExtra })).toMatch(
      /\/items\/0 must NOT have additional properties/,
    );
  });

  it('has checked every route that declares its response', () => {
    expect(declared.unchecked()).toEqual([]);
  });
});
