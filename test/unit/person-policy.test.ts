import fc from 'fast-check';
import { personMayCall, personPolicy } from '../../functions/authorizer/person-policy';
import { activeApi } from '../../functions/definition/active-api';
import { authorizerOf, isPlatformRoute } from '../../functions/definition/routes';
import { MEMBER_ROLES } from '../../functions/domain/organization';
import { parseMethodArn, policyAllows } from '../../functions/domain/policy';
import { concretePath, idSegment } from '../support/unit-arbitraries';
import { aMethodArn } from '../support/unit-factories';

/** The platform's routes and Leadbase's (the active definition, test/support/active-api-setup.ts). */
const ROUTES = activeApi().routes;
const grant = fc.record({ role: fc.constantFrom(...MEMBER_ROLES), readOnly: fc.boolean() });
const route = fc.constantFrom(...ROUTES);

function policyFor(person: { role: (typeof MEMBER_ROLES)[number]; readOnly: boolean }, stage = 'live') {
  return personPolicy(parseMethodArn(aMethodArn({ stage })) as NonNullable<ReturnType<typeof parseMethodArn>>, person);
}

describe('personPolicy', () => {
  it('never opens a write to viewers or read-only sessions, a route without the role, or a team route', () => {
    fc.assert(
      fc.property(grant, route, idSegment, (person, called, id) => {
        const allowed = policyAllows(
          policyFor(person),
          aMethodArn({ method: called.method, path: concretePath(called, id) }),
        );
        if (!allowed) return;
        expect(isPlatformRoute(called) && authorizerOf(called)).toBe('management');
        expect(isPlatformRoute(called) && called.people).toContain(person.role);
        // Reading, or signing out, which ends only the caller's own session.
        if (person.role === 'viewer' || person.readOnly) {
          expect(called.method === 'GET' || (isPlatformRoute(called) && called.endsOwnSession === true)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('opens exactly the routes the person may call, and none on another stage', () => {
    for (const role of MEMBER_ROLES) {
      for (const readOnly of [false, true]) {
        const policy = policyFor({ role, readOnly });
        for (const called of ROUTES) {
          const path = concretePath(called, 'x1');
          const expected = personMayCall({ role, readOnly }, called);
          expect({ role, readOnly, route: `${called.method} ${called.path}`, allowed: expected }).toEqual({
            role,
            readOnly,
            route: `${called.method} ${called.path}`,
            allowed: policyAllows(policy, aMethodArn({ method: called.method, path })),
          });
          expect(policyAllows(policy, aMethodArn({ stage: 'sandbox', method: called.method, path }))).toBe(false);
        }
      }
    }
  });

  it('lets owners and admins call every management route, and members the key routes', () => {
    const management = ROUTES.filter((r) => authorizerOf(r) === 'management');
    expect(management.every((r) => personMayCall({ role: 'owner', readOnly: false }, r))).toBe(true);
    expect(management.every((r) => personMayCall({ role: 'admin', readOnly: false }, r))).toBe(true);
    expect(ROUTES.some((r) => r.path === '/v1/keys' && personMayCall({ role: 'member', readOnly: false }, r))).toBe(
      true,
    );
  });
});
