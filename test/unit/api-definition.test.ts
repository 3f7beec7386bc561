import fc from 'fast-check';
import { z } from 'zod';
import { loadApi } from '../../functions/definition/active-api';
import {
  ApiDefinitionError,
  type ApiDefinitionInput,
  defineApi,
  expandScopes,
  httpUrlProblems,
  type RouteInput,
} from '../../functions/definition/api-definition';
import { eventDataValidator } from '../../functions/definition/event-data';
import {
  type HttpMethod,
  isPublicRoute,
  matchRoute,
  type RouteDefinition,
  type RouteMatch,
} from '../../functions/definition/routes';
import { grantsRoute } from '../../functions/domain/permissions';
import { allowPolicy, policyAllows } from '../../functions/domain/policy';
import { API_ARN } from '../support/unit-factories';

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

  it('refuses team routes under /docs and /v1/openapi.json, the platform’s API docs', () => {
    const docsRoute = (path: string) => ({
      method: 'GET' as const,
      path,
      permission: 'rides:read',
      summary: 'x',
      backend: { lambda: 'rides' },
    });

    const problems = problemsOf(
      aDefinition({
        routes: [docsRoute('/docs/guide/{page}'), docsRoute('/docs/intro'), docsRoute('/v1/openapi.json/v2')],
      }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        "routes[0] GET /docs/guide/{page}: the path belongs to the platform's own routes; pick another",
        "routes[1] GET /docs/intro: the path belongs to the platform's own routes; pick another",
        "routes[2] GET /v1/openapi.json/v2: the path belongs to the platform's own routes; pick another",
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

describe('loadApi', () => {
  it('refuses a compiled file that names one stage for live and sandbox, rather than mixing their keys', () => {
    const { compiled } = defineApi(aDefinition());

    expect(() => loadApi({ ...compiled, stages: { live: 'prod', sandbox: 'prod' } })).toThrow(
      /stages: live and sandbox need different stage names/,
    );
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

describe('defineApi: routes a key policy cannot tell apart', () => {
  const route = (method: HttpMethod, path: string, permission: string): RouteInput => ({
    method,
    path,
    permission,
    summary: 'x',
    backend: { lambda: 'things' },
  });
  const withRoutes = (...routes: RouteInput[]) =>
    aDefinition({ resources: { things: ['read'], secrets: ['read'], billing: ['read'] }, routes });

  it("refuses a parameter right after the version, whose policy GET/v1/* opens the platform's routes", () => {
    const problems = problemsOf(withRoutes(route('GET', '/v1/{thing}', 'things:read')));

    expect(problems).toEqual([
      'routes[0] GET /v1/{thing}: its policy GET/v1/* would also open GET /v1/keys (admin), GET /v1/keys/{id} (admin), ' +
        'GET /v1/audit-log (admin), GET /v1/keys/{id}/calls (admin), 11 more; API Gateway policies cannot tell them ' +
        'apart; give the route a static segment first or the same permission',
    ]);
  });

  it('refuses a parameter whose * spans the deeper route of another permission', () => {
    const problems = problemsOf(
      withRoutes(route('GET', '/v1/things/{id}', 'things:read'), route('GET', '/v1/things/{id}/bill', 'billing:read')),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[0\] GET \/v1\/things\/\{id\}: its policy GET\/v1\/things\/\* would also open GET \/v1\/things\/\{id\}\/bill \(billing:read\);/,
      ),
    ]);
  });

  it('refuses a parameter beside a static route of another permission, whatever the order', () => {
    const problems = problemsOf(
      withRoutes(route('GET', '/v1/things/special', 'secrets:read'), route('GET', '/v1/things/{id}', 'things:read')),
    );

    // Only the parameter's policy opens the other: the router sends /v1/things/special to the static route.
    expect(problems).toEqual([
      expect.stringMatching(
        /^routes\[1\] GET \/v1\/things\/\{id\}: its policy GET\/v1\/things\/\* would also open GET \/v1\/things\/special \(secrets:read\);/,
      ),
    ]);
  });

  it('accepts overlapping routes of one permission, other methods and a collection beside its items', () => {
    const problems = problemsOf(
      withRoutes(
        route('GET', '/v1/things/{id}', 'things:read'),
        route('GET', '/v1/things/{id}/parts', 'things:read'),
        route('POST', '/v1/things/{id}/bill', 'billing:read'),
        route('GET', '/v1/things', 'secrets:read'),
      ),
    );

    expect(problems).toEqual([]);
  });

  it('allows a concrete request exactly when the permissions grant the route it reaches, on any valid API', () => {
    fc.assert(
      fc.property(
        fc.array(overlappingRoute, { minLength: 1, maxLength: 8 }),
        fc.subarray(['things:read', 'things:write', 'billing:read', 'things:*', 'reader', 'admin', 'events:publish']),
        fc.nat(),
        fc.array(fc.constantFrom('v1', 'things', 'special', 'keys', 'webhooks', 'x1'), {
          minLength: 4,
          maxLength: 4,
        }),
        (routes, permissions, pick, values) => {
          const api = validApiOf(routes);
          const callable = api.routes.filter((candidate) => !isPublicRoute(candidate));
          const template = callable[pick % callable.length] as RouteDefinition;
          let next = 0;
          const path = template.path.replace(/\{[^}]+\}/g, () => values[next++] as string);
          const match = matchRoute(template.method, path, api.routes);
          fc.pre(typeof match === 'object' && !isPublicRoute(match.route));

          const policy = allowPolicy({ apiArn: API_ARN, stage: 'live', method: 'GET', path: '/' }, permissions, api);
          const allowed = policyAllows(policy, `${API_ARN}/live/${template.method}${path}`);

          expect(allowed).toBe(grantsRoute(permissions, (match as RouteMatch).route, api));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** A team route over a few segments that often overlap, each parameter named by its position. */
const overlappingRoute = fc.record({
  method: fc.constantFrom<HttpMethod>('GET', 'POST'),
  segments: fc
    .tuple(
      fc.constantFrom('v1', 'v1', 'v1', '{}'),
      fc.array(fc.constantFrom('things', 'special', 'keys', '{}'), { minLength: 1, maxLength: 3 }),
    )
    .map(([root, rest]) => [root, ...rest]),
  permission: fc.constantFrom('things:read', 'things:write', 'billing:read'),
});

/** The routes, in order, that keep the definition valid (at least one). */
function validApiOf(shapes: readonly { method: HttpMethod; segments: string[]; permission: string }[]) {
  const definition = (routes: RouteInput[]): ApiDefinitionInput => ({
    name: 'Overlaps',
    resources: { things: ['read', 'write'], billing: ['read'] },
    presets: { reader: { description: 'Reads', scopes: ['*:read'] } },
    routes,
    plans: { basic: { requestsPerMinute: 60 } },
    defaultPlan: 'basic',
  });
  const routes: RouteInput[] = [
    { method: 'GET', path: '/v1/things', permission: 'things:read', summary: 'x', backend: { lambda: 'l' } },
  ];
  for (const { method, segments, permission } of shapes) {
    const path = `/${segments.map((segment, index) => (segment === '{}' ? `{p${index}}` : segment)).join('/')}`;
    const candidate = [...routes, { method, path, permission, summary: 'x', backend: { lambda: 'l' } }];
    if (problemsOf(definition(candidate)).length === 0) routes.splice(0, routes.length, ...candidate);
  }
  return loadApi(defineApi(definition(routes)).compiled);
}

describe('defineApi: paths, backend URLs, quotas and scopes', () => {
  const oneRoute = (path: string, backend: RouteInput['backend'] = { lambda: 'rides' }) =>
    aDefinition({ routes: [{ method: 'GET', path, permission: 'rides:read', summary: 'x', backend }] });

  it.each(['/v1/rides/', '/v1//rides', 'v1/rides', '/v1/rides/{id}/x/{id}'])('refuses the path %s', (path) => {
    expect(problemsOf(oneRoute(path))).toEqual([
      expect.stringMatching(/^routes\[0\] GET .*: (path must|a path parameter name appears twice)/),
    ]);
  });

  it.each([
    [
      'https://{id}.fleet.example/rides',
      "the backend URL's {id} may stand in its path only, never in its host, query or fragment",
    ],
    [
      'https://fleet.example/rides?id={id}',
      "the backend URL's {id} may stand in its path only, never in its host, query or fragment",
    ],
    [
      'https://fleet.example/{proxy+}',
      "the backend URL's {proxy+} is a greedy parameter, which the platform does not support",
    ],
    ['https://fleet.example/rides/{rideId}', "the backend URL's {rideId} is not a path parameter of the route"],
  ])('refuses the HTTP backend %s for GET /v1/rides/{id}', (url, why) => {
    expect(problemsOf(oneRoute('/v1/rides/{id}', { http: url }))).toEqual([`routes[0] GET /v1/rides/{id}: ${why}`]);
  });

  it('accepts path parameters of the route anywhere in the URL path', () => {
    expect(httpUrlProblems('/v1/rides/{id}', 'https://fleet.example:8443/api/rides-{id}/{id}?v=2')).toEqual([]);
  });

  it('caps a quota at what a usage plan holds', () => {
    const planWith = (limit: number) =>
      aDefinition({ plans: { basic: { requestsPerMinute: 60, quota: { limit, period: 'DAY' } } } });

    expect(problemsOf(planWith(2_147_483_647))).toEqual([]);
    expect(problemsOf(planWith(2_147_483_648))).toEqual([
      'plans.basic.quota.limit: must be at most 2147483647, the usage plan maximum',
    ]);
  });

  it("refuses a resource and action that spell the platform's service scope", () => {
    const problems = problemsOf(aDefinition({ resources: { rides: ['read', 'create'], events: ['publish'] } }));

    expect(problems).toContain(
      "resources.events: 'events:publish' is the platform's own service scope; pick another name",
    );
  });
});
