import { PLATFORM_ROUTES } from '../../functions/definition/platform-routes';
import { authorizerOf } from '../../functions/definition/routes';

describe('PLATFORM_ROUTES people', () => {
  it('lets people call every management route and nothing else', () => {
    for (const route of PLATFORM_ROUTES) {
      const management = authorizerOf(route) === 'management';
      expect({ route: `${route.method} ${route.path}`, listsPeople: (route.people ?? []).length > 0 }).toEqual({
        route: `${route.method} ${route.path}`,
        listsPeople: management,
      });
    }
  });

  it('lets viewers call GET routes only', () => {
    // Signing out is the one exception: it ends the caller's own session and changes nothing else.
    const viewerWrites = PLATFORM_ROUTES.filter(
      (route) => route.method !== 'GET' && route.people?.includes('viewer') && !route.endsOwnSession,
    );
    expect(viewerWrites.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('keeps members to key routes and the caller’s own introspection', () => {
    const memberRoutes = PLATFORM_ROUTES.filter((route) => route.people?.includes('member')).map((route) => route.path);
    expect(
      memberRoutes.every(
        (path) =>
          path.startsWith('/v1/keys') ||
          path === '/v1/whoami' ||
          path === '/v1/webhook-event-types' ||
          path === '/v1/console-sessions/sign-out',
      ),
    ).toBe(true);
  });
});

describe('authorizerOf', () => {
  it('sends management routes to the management authorizer, service routes to the key authorizer', () => {
    const byPath = (method: string, path: string) => {
      const route = PLATFORM_ROUTES.find((candidate) => candidate.method === method && candidate.path === path);
      if (!route) throw new Error(`no route ${method} ${path}`);
      return authorizerOf(route);
    };
    expect(byPath('POST', '/v1/keys')).toBe('management');
    expect(byPath('GET', '/v1/whoami')).toBe('management');
    expect(byPath('POST', '/v1/events')).toBe('key');
    expect(byPath('GET', '/docs')).toBe('none');
  });
});
