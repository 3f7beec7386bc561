import fc from 'fast-check';
import { activeApi } from '../../functions/definition/active-api';
import { HTTP_METHODS, isPublicRoute, matchRoute } from '../../functions/definition/routes';
import { grantsRoute } from '../../functions/domain/permissions';
import {
  allowedRoutes,
  allowPolicy,
  denyPolicy,
  type MethodArn,
  parseMethodArn,
  policyAllows,
  routeResourceArn,
} from '../../functions/domain/policy';
import {
  concretePath,
  idSegment,
  loadedApi,
  nonAdminPermissionSet,
  permissionSet,
  stageName,
  validPermissionsOf,
} from '../support/unit-arbitraries';
import { API_ARN } from '../support/unit-factories';

const callingArn = (stage: string): MethodArn => ({ apiArn: API_ARN, stage, method: 'GET', path: '/v1/whoami' });
const methodArnOf = (stage: string, method: string, path: string) => `${API_ARN}/${stage}/${method}${path}`;

/** The platform's routes and Leadbase's, the active definition's (test/support/active-api-setup.ts). */
const ROUTES = activeApi().routes;
const KNOWN_TOP_LEVEL = new Set(ROUTES.map((route) => route.path.split('/')[2]));

describe('allowPolicy', () => {
  it('allows a concrete request on every route exactly when the permissions grant that route', () => {
    fc.assert(
      fc.property(
        permissionSet,
        stageName,
        fc.array(idSegment, { minLength: ROUTES.length, maxLength: ROUTES.length }),
        (permissions, stage, ids) => {
          const policy = allowPolicy(callingArn(stage), permissions);

          const mismatches = ROUTES.filter((route, index) => {
            const arn = methodArnOf(stage, route.method, concretePath(route, ids[index] as string));
            return policyAllows(policy, arn) !== grantsRoute(permissions, route);
          }).map((route) => `${route.method} ${route.path}`);

          expect(mismatches).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('allows any method on a route path exactly when that method has a granted route there', () => {
    fc.assert(
      fc.property(
        permissionSet,
        fc.constantFrom(...HTTP_METHODS),
        fc.constantFrom(...ROUTES),
        idSegment,
        (permissions, method, template, id) => {
          const path = concretePath(template, id);
          const allowed = policyAllows(allowPolicy(callingArn('live'), permissions), methodArnOf('live', method, path));
          const match = matchRoute(method, path, ROUTES);

          if (typeof match === 'object') {
            expect(allowed).toBe(grantsRoute(permissions, match.route));
          } else {
            // No route for this method and path, so API Gateway answers it without the authorizer. The
            // policy may still cover it: `*` spans slashes, so admin's `GET /v1/keys/*` also covers
            // `GET /v1/keys/x/rotate`. Only admin's wildcards reach that far.
            expect(allowed && !permissions.includes('admin')).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never allows a key without admin to call a management route', () => {
    const managementRoutes = ROUTES.filter((route) => route.access.kind === 'admin');
    expect(managementRoutes.length).toBeGreaterThan(0);

    fc.assert(
      fc.property(nonAdminPermissionSet, idSegment, (permissions, id) => {
        const policy = allowPolicy(callingArn('live'), permissions);

        const allowed = managementRoutes.filter((route) =>
          policyAllows(policy, methodArnOf('live', route.method, concretePath(route, id))),
        );

        expect(allowed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never allows a route on another stage', () => {
    fc.assert(
      fc.property(permissionSet, stageName, stageName, idSegment, (permissions, stage, otherStage, id) => {
        fc.pre(stage !== otherStage);
        const policy = allowPolicy(callingArn(stage), permissions);

        const allowed = ROUTES.filter((route) =>
          policyAllows(policy, methodArnOf(otherStage, route.method, concretePath(route, id))),
        );

        expect(allowed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never allows a path under an unknown top-level resource, not even for admin', () => {
    fc.assert(
      fc.property(
        permissionSet,
        fc.constantFrom(...HTTP_METHODS),
        fc.stringMatching(/^[a-z-]{1,12}$/),
        fc.option(idSegment, { nil: undefined }),
        (permissions, method, resource, id) => {
          fc.pre(!KNOWN_TOP_LEVEL.has(resource));
          const policy = allowPolicy(callingArn('live'), [...permissions, 'admin']);
          const path = id === undefined ? `/v1/${resource}` : `/v1/${resource}/${id}`;

          expect(policyAllows(policy, methodArnOf('live', method, path))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists one resource per allowed route, for the calling stage only', () => {
    const policy = allowPolicy(callingArn('sandbox'), ['contacts:read']);

    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: [
            `${API_ARN}/sandbox/GET/v1/webhook-event-types`,
            `${API_ARN}/sandbox/GET/v1/whoami`,
            `${API_ARN}/sandbox/GET/v1/contacts`,
            `${API_ARN}/sandbox/GET/v1/contacts/*`,
          ],
        },
      ],
    });
  });

  it('gives admin every route behind the authorizer, and not the public ones', () => {
    const policy = allowPolicy(callingArn('live'), ['admin']);

    expect(policy.Statement[0]?.Effect).toBe('Allow');
    expect(policy.Statement[0]?.Resource).toHaveLength(ROUTES.filter((route) => !isPublicRoute(route)).length);
    expect(policy.Statement[0]?.Resource).not.toContain(`${API_ARN}/live/POST/v1/secret-scanning/reports`);
  });

  it("builds each definition's policy from its own routes, though the memo has the same stage and permissions", () => {
    const leadbase = allowPolicy(callingArn('live'), ['admin']);
    const other = { ...activeApi(), routes: activeApi().routes.filter((route) => route.access.kind !== 'product') };

    const policy = allowPolicy(callingArn('live'), ['admin'], other);

    expect(policy.Statement[0]?.Resource).toHaveLength(other.routes.filter((route) => !isPublicRoute(route)).length);
    expect(policy.Statement[0]?.Resource).not.toContain(`${API_ARN}/live/GET/v1/contacts`);
    expect(leadbase.Statement[0]?.Resource).toContain(`${API_ARN}/live/GET/v1/contacts`);
  });

  it('allows a concrete request exactly when the permissions grant its route, for any definition', () => {
    const withKey = loadedApi.chain((api) =>
      fc.tuple(fc.constant(api), fc.uniqueArray(fc.constantFrom(...validPermissionsOf(api)), { maxLength: 6 })),
    );
    fc.assert(
      fc.property(withKey, stageName, idSegment, ([api, permissions], stage, id) => {
        const policy = allowPolicy(callingArn(stage), permissions, api);

        const mismatches = api.routes.filter(
          (route) =>
            policyAllows(policy, methodArnOf(stage, route.method, concretePath(route, id))) !==
            grantsRoute(permissions, route, api),
        );

        expect(mismatches).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('falls back to a Deny of the whole stage when no route is allowed', () => {
    const policy = allowPolicy(callingArn('live'), [], { ...activeApi(), routes: [] });

    expect(policy).toEqual(denyPolicy(callingArn('live')));
    expect(policy.Statement[0]?.Effect).toBe('Deny');
    expect(policy.Statement[0]?.Resource).toEqual([`${API_ARN}/live/*`]);
  });
});

describe('routeResourceArn', () => {
  it("never covers another route's concrete request, so a policy grants routes one by one", () => {
    fc.assert(
      fc.property(idSegment, (id) => {
        const overlaps: string[] = [];
        for (const covering of ROUTES) {
          const policy = allowPolicy(callingArn('live'), ['admin'], { ...activeApi(), routes: [covering] });
          for (const other of ROUTES) {
            if (other === covering) continue;
            // Only `admin` grants admin routes, and it grants all of them, so `GET /v1/keys/*`
            // also matching `GET /v1/keys/{id}/calls` grants nothing more.
            if (covering.access.kind === 'admin' && other.access.kind === 'admin') continue;
            if (policyAllows(policy, methodArnOf('live', other.method, concretePath(other, id)))) {
              overlaps.push(`${covering.method} ${covering.path} covers ${other.method} ${other.path}`);
            }
          }
        }

        expect(overlaps).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('replaces path parameters with a wildcard', () => {
    const route = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/keys/{id}/rotate');
    if (!route) throw new Error('route missing');

    expect(routeResourceArn(API_ARN, 'live', route)).toBe(`${API_ARN}/live/POST/v1/keys/*/rotate`);
  });
});

describe('allowedRoutes', () => {
  it('is the routes grantsRoute accepts', () => {
    fc.assert(
      fc.property(permissionSet, (permissions) => {
        expect(allowedRoutes(permissions)).toEqual(ROUTES.filter((route) => grantsRoute(permissions, route)));
      }),
    );
  });
});

describe('policyAllows', () => {
  it('lets an explicit Deny win over an Allow', () => {
    const allow = allowPolicy(callingArn('live'), ['admin']);
    const deny = denyPolicy(callingArn('live'));
    const both = { ...allow, Statement: [...allow.Statement, ...deny.Statement] };

    expect(policyAllows(allow, methodArnOf('live', 'GET', '/v1/whoami'))).toBe(true);
    expect(policyAllows(both, methodArnOf('live', 'GET', '/v1/whoami'))).toBe(false);
  });

  it('treats regex characters in a resource literally', () => {
    const policy = {
      Version: '2012-10-17' as const,
      Statement: [{ Action: 'execute-api:Invoke' as const, Effect: 'Allow' as const, Resource: ['a.b/live/GET/v1'] }],
    };

    expect(policyAllows(policy, 'a.b/live/GET/v1')).toBe(true);
    expect(policyAllows(policy, 'aXb/live/GET/v1')).toBe(false);
  });
});

describe('parseMethodArn', () => {
  const apiArn = fc
    .tuple(
      fc.stringMatching(/^[a-z]{2}-[a-z]{4,9}-[1-9]$/),
      fc.stringMatching(/^[0-9]{12}$/),
      fc.stringMatching(/^[a-z0-9]{10}$/),
    )
    .map(([region, account, api]) => `arn:aws:execute-api:${region}:${account}:${api}`);
  const path = fc.array(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/), { maxLength: 5 }).map((s) => `/${s.join('/')}`);

  it('round-trips the parts of a method ARN', () => {
    fc.assert(
      fc.property(apiArn, stageName, fc.constantFrom(...HTTP_METHODS), path, (api, stage, method, requestPath) => {
        expect(parseMethodArn(`${api}/${stage}/${method}${requestPath}`)).toEqual({
          apiArn: api,
          stage,
          method,
          path: requestPath,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a missing path as /', () => {
    expect(parseMethodArn(`${API_ARN}/live/GET`)).toEqual({ apiArn: API_ARN, stage: 'live', method: 'GET', path: '/' });
  });

  it('rejects ARNs of other services and garbage', () => {
    expect(parseMethodArn('arn:aws:lambda:us-east-1:123456789012:function:f')).toBeUndefined();
    expect(parseMethodArn(`${API_ARN}/live`)).toBeUndefined();
    expect(parseMethodArn('')).toBeUndefined();
    expect(parseMethodArn('not an arn')).toBeUndefined();
  });
});
