import fc from 'fast-check';
import { z } from 'zod';
import { loadApi } from '../../functions/definition/active-api';
import {
  ApiDefinitionError,
  type ApiDefinitionInput,
  defineApi,
  expandScopes,
} from '../../functions/definition/api-definition';
import { eventDataValidator } from '../../functions/definition/event-data';

function aDefinition(overrides: Partial<ApiDefinitionInput> = {}): ApiDefinitionInput {
  return {
    name: 'Fleet API',
    resources: { rides: ['read', 'create'], vehicles: ['read', 'delete'] },
    presets: { read: { description: 'Reads', scopes: ['*:read'] } },
    levels: { 'read-only': { description: 'GETs', permissions: ['read'] } },
    routes: [
      {
        method: 'GET',
        path: '/v1/rides',
        permission: 'rides:read',
        summary: 'List rides',
        backend: { lambda: 'rides' },
      },
      {
        method: 'DELETE',
        path: '/v1/vehicles/{id}',
        permission: 'vehicles:delete',
        summary: 'Delete a vehicle',
        backend: { http: 'https://fleet.example/v1/vehicles/{id}' },
        credits: 2,
      },
    ],
    events: {
      'ride.completed': {
        description: 'A ride ended.',
        data: z.object({ rideId: z.string(), km: z.number() }),
        example: { rideId: 'r_1', km: 12.5 },
      },
    },
    plans: { basic: { requestsPerMinute: 60, quota: { limit: 10_000, period: 'MONTH' } } },
    defaultPlan: 'basic',
    ...overrides,
  };
}

function problemsOf(input: ApiDefinitionInput): readonly string[] {
  try {
    defineApi(input);
  } catch (error) {
    if (error instanceof ApiDefinitionError) return error.problems;
    throw error;
  }
  return [];
}

describe('defineApi', () => {
  it('accepts a complete definition and fills in the defaults', () => {
    const { compiled } = defineApi(aDefinition());

    expect(compiled.stages).toEqual({ live: 'live', sandbox: 'sandbox' });
    expect(compiled.keyPrefix).toBe('sk');
    expect(compiled.apiKeyHeader).toBe('x-api-key');
    expect(compiled.presets.read?.scopes).toEqual(['rides:read', 'vehicles:read']);
    expect(compiled.routes[1]).toMatchObject({
      resource: 'vehicles',
      action: 'delete',
      credits: 2,
      accountScoped: false,
    });
  });

  it('compiles event data to JSON Schema that still validates the example', () => {
    const { compiled } = defineApi(aDefinition());

    const loaded = loadApi(JSON.parse(JSON.stringify(compiled)));

    expect(compiled.events['ride.completed']?.schema).toMatchObject({ type: 'object', required: ['rideId', 'km'] });
    expect(eventDataValidator('ride.completed', loaded)?.safeParse({ rideId: 'r_1', km: 3 }).success).toBe(true);
    expect(eventDataValidator('ride.completed', loaded)?.safeParse({ rideId: 'r_1' }).success).toBe(false);
  });

  it('puts the team routes after the platform routes once loaded', () => {
    const loaded = loadApi(defineApi(aDefinition()).compiled);

    expect(loaded.routes.some((route) => route.path === '/v1/keys')).toBe(true);
    expect(loaded.teamRoutes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /v1/rides',
      'DELETE /v1/vehicles/{id}',
    ]);
    expect(loaded.stages).toEqual({ live: 'live', sandbox: 'test' });
  });

  it('names every mistake of a definition at once', () => {
    const problems = problemsOf(
      aDefinition({
        name: '',
        presets: { admin: { description: '', scopes: ['boats:read'] } },
        routes: [
          { method: 'GET', path: '/v1/keys/{x}', permission: 'rides:fly', summary: 'x', backend: { lambda: 'r' } },
          {
            method: 'GET',
            path: '/v1/rides',
            permission: 'rides:read',
            summary: 'x',
            backend: { http: 'http://a.example' },
          },
          { method: 'GET', path: '/v1/rides', permission: 'rides:read', summary: 'x', backend: { lambda: 'r' } },
          {
            method: 'POST',
            path: '/v1/rides',
            permission: 'rides:create',
            summary: 'x',
            backend: { integration: 'queue' },
            credits: 1,
          },
        ],
        defaultPlan: 'gold',
        keyPrefix: 'SK',
        stages: { live: 'prod', sandbox: 'prod' },
      }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        'name: must be a non-empty string',
        "presets.admin: 'admin' is the platform's own preset; pick another name",
        "presets.admin: 'boats:read' matches no <resource>:<action> of resources",
        "routes[0] GET /v1/keys/{x}: the path belongs to the platform's own routes; pick another",
        'routes[0] GET /v1/keys/{x}: path parameter {x} under /v1/keys must be named {id}, as on the other routes there',
        "routes[0] GET /v1/keys/{x}: permission 'rides:fly' names an action 'fly' that rides does not have; it has read, create or *",
        "routes[1] GET /v1/rides: backend 'http://a.example' must be https (http only on loopback, for local runs)",
        'routes[2] GET /v1/rides: declared twice',
        'routes[3] POST /v1/rides: credits need a lambda or http backend; the platform cannot meter an integration',
        "defaultPlan: 'gold' is not one of plans (basic)",
        "keyPrefix: 'SK' must be 2 to 8 lowercase letters",
        'stages: live and sandbox need different stage names',
      ]),
    );
  });

  it('refuses an event example that its data schema rejects, and platform event names', () => {
    const problems = problemsOf(
      aDefinition({
        events: {
          'ride.completed': { description: 'x', data: z.object({ km: z.number() }), example: { km: 'far' } },
          'api_key.created': { description: 'x', data: z.object({}), example: {} },
        },
      }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^events\.ride\.completed: the example does not match data \(km: /),
        "events.api_key.created: api_key.* events are the platform's own",
      ]),
    );
  });

  it.each([
    ['a required name without a property schema', { type: 'object', required: ['a'] }, {}],
    ['no type, as JSON Schema allows', { properties: { a: { type: 'string' } }, required: ['a'] }, { a: 1 }],
    [
      'a nested object',
      { type: 'object', properties: { trip: { type: 'object', required: ['km'] } }, required: ['trip'] },
      { trip: {} },
    ],
  ])('refuses an example that its JSON Schema data rejects: %s', (_, data, example) => {
    const problems = problemsOf(aDefinition({ events: { 'ride.completed': { description: 'x', data, example } } }));

    expect(problems).toEqual([expect.stringMatching(/^events\.ride\.completed: the example does not match data/)]);
  });

  it('lets data hold fields a zod object does not name, and not those of a strict one', () => {
    const { compiled } = defineApi(
      aDefinition({
        events: {
          'ride.completed': { description: 'x', data: z.object({ km: z.number() }), example: { km: 1 } },
          'ride.started': { description: 'x', data: z.strictObject({ km: z.number() }), example: { km: 1 } },
        },
      }),
    );
    const loaded = loadApi(JSON.parse(JSON.stringify(compiled)));

    expect(eventDataValidator('ride.completed', loaded)?.safeParse({ km: 1, note: 'extra' }).success).toBe(true);
    expect(eventDataValidator('ride.started', loaded)?.safeParse({ km: 1, note: 'extra' }).success).toBe(false);
  });

  it("checks published data against the team's JSON Schema once loaded", () => {
    const data = { type: 'object', properties: { km: { type: 'number' } }, required: ['rideId', 'km'] };
    const { compiled } = defineApi(
      aDefinition({ events: { 'ride.completed': { description: 'x', data, example: { rideId: 'r', km: 1 } } } }),
    );
    const validator = eventDataValidator('ride.completed', loadApi(JSON.parse(JSON.stringify(compiled))));

    expect(validator?.safeParse({ rideId: 'r_1', km: 3 }).success).toBe(true);
    expect(validator?.safeParse({ km: 3 }).success).toBe(false);
    expect(validator?.safeParse({ rideId: 'r_1', km: 'far' }).success).toBe(false);
  });

  it('refuses a level that names an unknown preset or scope', () => {
    const problems = problemsOf(
      aDefinition({ levels: { ops: { description: 'x', permissions: ['read', 'operate', 'rides:fly'] } } }),
    );

    expect(problems).toEqual([
      "levels.ops: 'operate' is neither a preset nor a <resource>:<action> scope",
      "levels.ops: 'rides:fly' names an action 'fly' that rides does not have; it has read, create or *",
    ]);
  });
});

describe('expandScopes', () => {
  const resources = { rides: ['read', 'create'], vehicles: ['read', 'delete'], prices: ['update'] };

  it('expands wildcards on either side and keeps exact scopes', () => {
    expect(expandScopes(['*:read'], resources)).toEqual(['rides:read', 'vehicles:read']);
    expect(expandScopes(['vehicles:*'], resources)).toEqual(['vehicles:read', 'vehicles:delete']);
    expect(expandScopes(['prices:update', 'boats:read'], resources)).toEqual(['prices:update']);
  });

  it('only ever yields scopes the resources have', () => {
    const scope = fc.tuple(
      fc.constantFrom('*', 'rides', 'vehicles', 'prices', 'boats'),
      fc.constantFrom('*', 'read', 'create', 'delete', 'update', 'fly'),
    );
    fc.assert(
      fc.property(fc.array(scope.map(([r, a]) => `${r}:${a}`)), (scopes) => {
        for (const expanded of expandScopes(scopes, resources)) {
          const [resource, action] = expanded.split(':') as [keyof typeof resources, string];
          expect(resources[resource]).toContain(action);
        }
      }),
    );
  });
});
