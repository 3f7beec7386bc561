import fc from 'fast-check';
import { isPublicRoute, PRODUCT_RESOURCES, ROUTES, type RouteDefinition } from '../../functions/definition/routes';
import { grantsRoute, PERMISSION_PRESETS, permissionProblem } from '../../functions/domain/permissions';
import { permissionSet, VALID_PERMISSIONS, VALID_SCOPES } from '../support/unit-arbitraries';

function route(method: string, path: string): RouteDefinition {
  const found = ROUTES.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

describe('permissionProblem', () => {
  it.each(PERMISSION_PRESETS)('accepts the preset %s', (preset) => {
    expect(permissionProblem(preset)).toBeUndefined();
  });

  it.each(VALID_SCOPES)('accepts the scope %s', (scope) => {
    expect(permissionProblem(scope)).toBeUndefined();
  });

  it('derives the product resources from the routes', () => {
    expect([...PRODUCT_RESOURCES].sort()).toEqual(['contacts', 'enrichments', 'search', 'tables']);
  });

  it('names an unknown resource', () => {
    const problem = permissionProblem('widgets:read');

    expect(problem).toContain("unknown resource 'widgets'");
    expect(problem).toContain('contacts');
  });

  it('names an unknown action', () => {
    expect(permissionProblem('contacts:update')).toContain("unknown action 'update'");
    expect(permissionProblem('contacts:admin')).toContain("unknown action 'admin'");
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
  ])('rejects the garbage %j as neither a preset nor a scope', (garbage) => {
    expect(permissionProblem(garbage)).toContain(`'${garbage}' is neither a preset`);
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
        if (problem !== undefined) expect(problem).toMatch(/unknown (resource|action)/);
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
    for (const preset of PERMISSION_PRESETS.filter((name) => name !== 'admin')) {
      expect(grantsRoute([preset], publish)).toBe(false);
    }
    expect(grantsRoute(['events:publish'], route('GET', '/v1/contacts'))).toBe(false);
  });

  it('grants admin every route behind the authorizer, and no key a public one', () => {
    for (const r of ROUTES) expect(grantsRoute(['admin'], r)).toBe(!isPublicRoute(r));
    const publicRoutes = ROUTES.filter(isPublicRoute);
    expect(publicRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/secret-scanning/reports']);
    for (const r of publicRoutes) expect(grantsRoute(['admin', 'events:publish', 'read', 'write'], r)).toBe(false);
  });

  it('grants whoami to any key, even one with no permissions', () => {
    expect(grantsRoute([], route('GET', '/v1/whoami'))).toBe(true);
  });

  it('grants management routes only to admin', () => {
    fc.assert(
      fc.property(permissionSet, (permissions) => {
        for (const r of ROUTES.filter((candidate) => candidate.access.kind === 'admin')) {
          expect(grantsRoute(permissions, r)).toBe(permissions.includes('admin'));
        }
      }),
    );
  });

  it('grants a product route through the action preset, the exact scope or the resource wildcard', () => {
    const listContacts = route('GET', '/v1/contacts');

    expect(grantsRoute(['read'], listContacts)).toBe(true);
    expect(grantsRoute(['contacts:read'], listContacts)).toBe(true);
    expect(grantsRoute(['contacts:*'], listContacts)).toBe(true);
  });

  it('does not grant a product route through another action or resource', () => {
    const listContacts = route('GET', '/v1/contacts');
    const deleteTable = route('DELETE', '/v1/tables/{id}');

    expect(grantsRoute(['write', 'delete', 'enrich', 'search'], listContacts)).toBe(false);
    expect(grantsRoute(['tables:read', 'contacts:write'], listContacts)).toBe(false);
    expect(grantsRoute(['tables:*'], listContacts)).toBe(false);
    expect(grantsRoute(['contacts:*', 'read'], deleteTable)).toBe(false);
    expect(grantsRoute(['tables:delete'], deleteTable)).toBe(true);
  });

  it('grants a product route exactly for the action preset, its scope or its resource wildcard (property)', () => {
    fc.assert(
      fc.property(
        permissionSet,
        fc.constantFrom(...ROUTES.filter((r) => r.access.kind === 'product')),
        (permissions, r) => {
          if (r.access.kind !== 'product') throw new Error('not a product route');
          const { resource, action } = r.access;
          const expected =
            permissions.includes('admin') ||
            permissions.includes(action) ||
            permissions.includes(`${resource}:${action}`) ||
            permissions.includes(`${resource}:*`);

          expect(grantsRoute(permissions, r)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
