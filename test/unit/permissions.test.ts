import fc from 'fast-check';
import { activeApi, type LoadedApi, loadApi } from '../../functions/definition/active-api';
import { defineApi } from '../../functions/definition/api-definition';
import { isPublicRoute, type RouteDefinition } from '../../functions/definition/routes';
import { grantsRoute, permissionPresets, permissionProblem } from '../../functions/domain/permissions';
import {
  loadedApi,
  permissionSet,
  VALID_PERMISSIONS,
  VALID_SCOPES,
  validPermissionsOf,
} from '../support/unit-arbitraries';

function route(method: string, path: string, api: LoadedApi = activeApi()): RouteDefinition {
  const found = api.routes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

/** A small API of another team: presets and resources that Leadbase does not have. */
const fleet = loadApi(
  defineApi({
    name: 'Fleet',
    resources: { rides: ['read', 'create'], vehicles: ['read', 'delete'] },
    presets: { viewer: { description: 'Reads everything', scopes: ['*:read'] } },
    routes: [
      { method: 'GET', path: '/v1/rides', permission: 'rides:read', summary: 'List', backend: { lambda: 'rides' } },
      { method: 'POST', path: '/v1/rides', permission: 'rides:create', summary: 'Book', backend: { lambda: 'rides' } },
      {
        method: 'DELETE',
        path: '/v1/vehicles/{id}',
        permission: 'vehicles:delete',
        summary: 'Retire',
        backend: { lambda: 'vehicles' },
      },
    ],
    plans: { basic: { requestsPerMinute: 60 } },
    defaultPlan: 'basic',
  }).compiled,
);

const teamRoutesOf = (api: LoadedApi) => api.routes.filter((r) => r.access.kind === 'product');
const scopeOf = (r: RouteDefinition) => (r.access.kind === 'product' ? `${r.access.resource}:${r.access.action}` : '');

describe('permissionPresets', () => {
  it("is the active definition's presets and admin", () => {
    expect(permissionPresets()).toEqual(['read', 'write', 'delete', 'enrich', 'search', 'admin']);
    expect(permissionPresets(fleet)).toEqual(['viewer', 'admin']);
  });
});

describe('permissionProblem', () => {
  it.each(permissionPresets())('accepts the preset %s', (preset) => {
    expect(permissionProblem(preset)).toBeUndefined();
  });

  it.each(VALID_SCOPES)('accepts the scope %s', (scope) => {
    expect(permissionProblem(scope)).toBeUndefined();
  });

  it('names an unknown resource and the known ones', () => {
    const problem = permissionProblem('widgets:read');

    expect(problem).toContain("unknown resource 'widgets'");
    expect(problem).toContain('contacts');
  });

  it("names an action the resource does not have, and the resource's actions", () => {
    expect(permissionProblem('contacts:update')).toContain("action 'update' that contacts does not have");
    expect(permissionProblem('contacts:enrich')).toContain('it has read, write, delete or *');
  });

  it.each([
    '',
    'ADMIN',
    'Read',
    'contacts',
    'contacts:',
    ':read',
    'contacts:Read',
    'contacts: read',
    '*',
    '*:*',
    '*:read',
  ])('rejects the garbage %j as neither a preset nor a scope, naming the presets', (garbage) => {
    const problem = permissionProblem(garbage);

    expect(problem).toContain(`'${garbage}' is neither a preset (read, write, delete, enrich, search, admin)`);
  });

  it('checks against the definition it is given', () => {
    expect(permissionProblem('viewer', fleet)).toBeUndefined();
    expect(permissionProblem('rides:*', fleet)).toBeUndefined();
    expect(permissionProblem('events:publish', fleet)).toBeUndefined();
    expect(permissionProblem('read', fleet)).toContain('neither a preset (viewer, admin)');
    expect(permissionProblem('contacts:read', fleet)).toContain("unknown resource 'contacts'");
  });

  it('accepts exactly the presets and known scopes (random strings)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (candidate) => {
        const problem = permissionProblem(candidate);

        expect(problem === undefined).toBe(VALID_PERMISSIONS.includes(candidate));
        if (problem !== undefined) expect(problem).toContain(`'${candidate}'`);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts exactly the presets and known scopes (scope-shaped strings)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}:[a-z*]{1,8}$/), (candidate) => {
        const problem = permissionProblem(candidate);

        expect(problem === undefined).toBe(VALID_SCOPES.includes(candidate));
        if (problem !== undefined) expect(problem).toMatch(/unknown resource|does not have|neither a preset/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('grantsRoute', () => {
  it('grants POST /v1/events only through the events:publish scope or admin, never a preset', () => {
    const publish = route('POST', '/v1/events');

    expect(grantsRoute(['events:publish'], publish)).toBe(true);
    expect(grantsRoute(['admin'], publish)).toBe(true);
    for (const preset of permissionPresets().filter((name) => name !== 'admin')) {
      expect(grantsRoute([preset], publish)).toBe(false);
    }
    expect(grantsRoute(['events:publish'], route('GET', '/v1/contacts'))).toBe(false);
  });

  it('grants admin every route behind the authorizer, and no key a public one', () => {
    const routes = activeApi().routes;
    for (const r of routes) expect(grantsRoute(['admin'], r)).toBe(!isPublicRoute(r));
    const publicRoutes = routes.filter(isPublicRoute);
    expect(publicRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/secret-scanning/reports',
      'POST /v1/console-sessions/exchange',
      'GET /v1/openapi.json',
      'GET /docs',
      'GET /docs/{asset}',
      'GET /console',
      'GET /console/{asset}',
    ]);
    for (const r of publicRoutes) expect(grantsRoute(['admin', 'events:publish', 'read', 'write'], r)).toBe(false);
  });

  it('grants whoami to any key, even one with no permissions', () => {
    expect(grantsRoute([], route('GET', '/v1/whoami'))).toBe(true);
  });

  it('grants management routes only to admin', () => {
    fc.assert(
      fc.property(permissionSet, (permissions) => {
        for (const r of activeApi().routes.filter((candidate) => candidate.access.kind === 'admin')) {
          expect(grantsRoute(permissions, r)).toBe(permissions.includes('admin'));
        }
      }),
    );
  });

  it("grants a team route through a preset that includes its scope, the exact scope or the resource's wildcard", () => {
    const listContacts = route('GET', '/v1/contacts');

    expect(grantsRoute(['read'], listContacts)).toBe(true);
    expect(grantsRoute(['contacts:read'], listContacts)).toBe(true);
    expect(grantsRoute(['contacts:*'], listContacts)).toBe(true);
  });

  it('does not grant a team route through another action, resource or preset', () => {
    const listContacts = route('GET', '/v1/contacts');
    const deleteTable = route('DELETE', '/v1/tables/{id}');

    expect(grantsRoute(['write', 'delete', 'enrich', 'search'], listContacts)).toBe(false);
    expect(grantsRoute(['tables:read', 'contacts:write'], listContacts)).toBe(false);
    expect(grantsRoute(['tables:*'], listContacts)).toBe(false);
    expect(grantsRoute(['contacts:*', 'read'], deleteTable)).toBe(false);
    expect(grantsRoute(['tables:delete'], deleteTable)).toBe(true);
  });

  it("grants through the given definition's presets, not the active one's", () => {
    const listRides = route('GET', '/v1/rides', fleet);
    const bookRide = route('POST', '/v1/rides', fleet);

    expect(grantsRoute(['viewer'], listRides, fleet)).toBe(true);
    expect(grantsRoute(['viewer'], bookRide, fleet)).toBe(false);
    // Leadbase's `read` preset means nothing to Fleet, even for a route with a read action.
    expect(grantsRoute(['read'], listRides, fleet)).toBe(false);
    expect(grantsRoute(['rides:*'], bookRide, fleet)).toBe(true);
  });

  it('grants a Leadbase route exactly for a preset including its scope, its scope or its wildcard (property)', () => {
    fc.assert(
      fc.property(permissionSet, fc.constantFrom(...teamRoutesOf(activeApi())), (permissions, r) => {
        if (r.access.kind !== 'product') throw new Error('not a team route');
        const { resource, action } = r.access;
        // Leadbase's presets are named after the one action they grant.
        const expected =
          permissions.includes('admin') ||
          permissions.includes(action) ||
          permissions.includes(`${resource}:${action}`) ||
          permissions.includes(`${resource}:*`);

        expect(grantsRoute(permissions, r)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('grantsRoute over random definitions', () => {
  /** Any permissions a key may hold under the definition, admin aside. */
  const withNonAdminKey = loadedApi.chain((api) =>
    fc.tuple(
      fc.constant(api),
      fc.uniqueArray(fc.constantFrom(...validPermissionsOf(api).filter((p) => p !== 'admin')), { maxLength: 8 }),
    ),
  );

  it("always grants a team route to a key that holds the route's exact scope", () => {
    fc.assert(
      fc.property(withNonAdminKey, ([api, permissions]) => {
        for (const r of teamRoutesOf(api)) expect(grantsRoute([...permissions, scopeOf(r)], r, api)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('never grants a platform admin route to a key without admin', () => {
    fc.assert(
      fc.property(withNonAdminKey, ([api, permissions]) => {
        for (const r of api.routes.filter((candidate) => candidate.access.kind === 'admin')) {
          expect(grantsRoute(permissions, r, api)).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("grants a preset exactly the team routes of its expanded scopes, and of the platform's only any-key ones", () => {
    fc.assert(
      fc.property(loadedApi, (api) => {
        for (const [preset, scopes] of api.presetScopes) {
          for (const r of api.routes) {
            const expected = r.access.kind === 'product' ? scopes.has(scopeOf(r)) : r.access.kind === 'any-key';
            expect(grantsRoute([preset], r, api)).toBe(expected);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("grants a team route to a key without admin only through its scope, its resource's wildcard or a preset including it", () => {
    fc.assert(
      fc.property(withNonAdminKey, ([api, permissions]) => {
        for (const r of teamRoutesOf(api)) {
          const scope = scopeOf(r);
          const [resource] = scope.split(':');
          const expected = permissions.some(
            (p) => p === scope || p === `${resource}:*` || (api.presetScopes.get(p)?.has(scope) ?? false),
          );
          expect(grantsRoute(permissions, r, api)).toBe(expected);
        }
      }),
      { numRuns: 100 },
    );
  });
});
