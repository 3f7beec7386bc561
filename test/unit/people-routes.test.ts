import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import type { MemberRole } from '../../functions/domain/organization';
import { json } from '../../functions/runtime/http-response';
import { peopleWithinTheirRole } from '../../functions/runtime/people-routes';
import { aStack } from '../support/middleware-harness';
import { anAuthorizerContext, aProxyEvent } from '../support/unit-factories';

const platformRoutes = new Map(PLATFORM_ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

/** A call as the gateway hands it over after the management authorizer answered for a person. */
function aPersonCall(method: string, path: string, person: { role: MemberRole; readOnly?: boolean }) {
  const event = aProxyEvent({ method, path });
  event.requestContext.authorizer = anAuthorizerContext({
    keyId: undefined,
    actorType: 'member',
    memberId: 'mem_1',
    email: 'ada@acme.example',
    role: person.role,
    readOnly: String(person.readOnly ?? person.role === 'viewer'),
    authMethod: 'session',
    sessionId: 'sess_1',
    permissions: person.role === 'member' || person.role === 'viewer' ? '[]' : '["admin"]',
  });
  return event;
}

function aGuardedHandler() {
  const work = jest.fn(async () => json(200, { ok: true }));
  return { invoke: aStack(peopleWithinTheirRole(platformRoutes), work), work };
}

describe('peopleWithinTheirRole', () => {
  it.each([
    ['a viewer', 'POST', '/v1/webhooks', { role: 'viewer' }, 'insufficient_role'],
    ['a member', 'GET', '/v1/audit-log', { role: 'member' }, 'insufficient_role'],
    ['a viewer', 'PATCH', '/v1/members/{id}', { role: 'viewer' }, 'insufficient_role'],
    ['a read-only owner', 'POST', '/v1/members', { role: 'owner', readOnly: true }, 'read_only_session'],
    [
      'an owner, on a route that is not a management route',
      'POST',
      '/v1/events',
      { role: 'owner' },
      'insufficient_role',
    ],
    [
      'an owner, on a route the platform does not define',
      'GET',
      '/v1/contacts',
      { role: 'owner' },
      'insufficient_role',
    ],
  ] as const)('refuses %s %s %s with 403 before the handler runs', async (_, method, path, person, code) => {
    const { invoke, work } = aGuardedHandler();

    const response = await invoke(aPersonCall(method, path, person));

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).error.code).toBe(code);
    expect(work).not.toHaveBeenCalled();
  });

  it.each([
    ['a viewer reading keys', 'GET', '/v1/keys', { role: 'viewer' }],
    ['a member creating a key', 'POST', '/v1/keys', { role: 'member' }],
    ['an admin inviting', 'POST', '/v1/members', { role: 'admin' }],
    ['a read-only owner reading the audit log', 'GET', '/v1/audit-log', { role: 'owner', readOnly: true }],
  ] as const)('lets through %s', async (_, method, path, person) => {
    const { invoke, work } = aGuardedHandler();

    const response = await invoke(aPersonCall(method, path, person));

    expect(response.statusCode).toBe(200);
    expect(work).toHaveBeenCalled();
  });

  it('leaves keys and public calls to the other checks', async () => {
    const { invoke } = aGuardedHandler();
    const keyCall = aProxyEvent({ method: 'POST', path: '/v1/events' });
    keyCall.requestContext.authorizer = anAuthorizerContext();
    const publicCall = aProxyEvent({ method: 'POST', path: '/v1/console-sessions/exchange' });

    expect((await invoke(keyCall)).statusCode).toBe(200);
    expect((await invoke(publicCall)).statusCode).toBe(200);
  });
});
