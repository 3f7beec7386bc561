/** Levy Fleets' definition: what its keys may call, where its routes go, and its events. */
import { ApiDefinitionError } from 'api-key-platform/definition';
import { z } from 'zod';
import { fleetApi } from '../api';
import { SERVICE_ROUTES } from '../service/routes';

const SERVICE = 'https://fleet.internal.example';
const api = fleetApi(SERVICE);

describe('fleetApi', () => {
  it('makes the read preset GETs only: every GET needs a read scope, and nothing else does', () => {
    const readScopes = new Set(api.compiled.presets.read?.scopes);

    for (const route of api.compiled.routes) {
      expect({
        route: `${route.method} ${route.path}`,
        read: readScopes.has(`${route.resource}:${route.action}`),
      }).toEqual({ route: `${route.method} ${route.path}`, read: route.method === 'GET' });
    }
  });

  it('lets the write preset call every route that is not a GET', () => {
    const writeScopes = new Set(api.compiled.presets.write?.scopes);

    const notCovered = api.compiled.routes.filter(
      (route) => route.method !== 'GET' && !writeScopes.has(`${route.resource}:${route.action}`),
    );

    expect(notCovered).toEqual([]);
  });

  it('sends every route to the same path on the fleet service, and charges credits for revenue only', () => {
    for (const route of api.compiled.routes) {
      expect(route.backend).toEqual({ http: `${SERVICE}${route.path}` });
      expect(route.accountScoped).toBe(true);
    }
    expect(api.compiled.routes.filter((route) => route.credits > 0).map((route) => route.path)).toEqual([
      '/v1/analytics/revenue',
    ]);
  });

  it('declares exactly the routes the fleet service serves', () => {
    const served = SERVICE_ROUTES.map((route) => `${route.method} ${route.path}`);

    expect(api.compiled.routes.map((route) => `${route.method} ${route.path}`)).toEqual(served);
  });

  it('takes a base URL with a trailing slash', () => {
    expect(fleetApi(`${SERVICE}/`).compiled.routes[0]?.backend).toEqual({ http: `${SERVICE}/v1/rides` });
  });

  it('refuses a plain-http service off loopback', () => {
    expect(() => fleetApi('http://fleet.internal.example')).toThrow(ApiDefinitionError);
  });

  it('uses Bearer keys starting lf_ and declares its own event catalog with valid examples', () => {
    expect(api.compiled).toMatchObject({ apiKeyHeader: 'authorization', keyPrefix: 'lf', defaultPlan: 'basic' });
    expect(Object.keys(api.compiled.events)).toEqual(
      expect.arrayContaining([
        'ride.started',
        'ride.completed',
        'ride.cancelled',
        'vehicle.created',
        'vehicle.status_changed',
      ]),
    );
    for (const { schema, example } of Object.values(api.compiled.events)) {
      expect(z.fromJSONSchema(schema).safeParse(example).success).toBe(true);
      expect(example).toHaveProperty('accountId');
    }
  });
});
