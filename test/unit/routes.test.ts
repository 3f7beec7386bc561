import {
  type HttpMethod,
  matchRoute,
  type PlatformRouteDefinition,
  policyOpens,
  type RouteDefinition,
} from '../../functions/definition/routes';

function aRoute(method: HttpMethod, path: string): PlatformRouteDefinition {
  return { method, path, function: 'whoami', access: { kind: 'any-key' }, summary: `${method} ${path}` };
}

function matchedPath(method: string, path: string, routes: readonly RouteDefinition[]) {
  const match = matchRoute(method, path, routes);
  return typeof match === 'object' ? match.route.path : match;
}

describe('matchRoute', () => {
  it.each([
    ['declared first', [aRoute('GET', '/v1/things/special'), aRoute('GET', '/v1/things/{id}')]],
    ['declared last', [aRoute('GET', '/v1/things/{id}'), aRoute('GET', '/v1/things/special')]],
  ])('sends a request to the static route over the parameter, %s', (_, routes) => {
    expect(matchedPath('GET', '/v1/things/special', routes)).toBe('/v1/things/special');
    expect(matchedPath('GET', '/v1/things/other', routes)).toBe('/v1/things/{id}');
  });

  it('prefers a static segment at the first position where the paths differ', () => {
    const routes = [aRoute('GET', '/v1/{kind}/latest'), aRoute('GET', '/v1/things/{id}')];

    expect(matchedPath('GET', '/v1/things/latest', routes)).toBe('/v1/things/{id}');
    expect(matchedPath('GET', '/v1/rides/latest', routes)).toBe('/v1/{kind}/latest');
  });

  it('answers method-not-allowed when the resource lacks the method, even if a parameter route has it', () => {
    const routes = [aRoute('GET', '/v1/things/{id}'), aRoute('POST', '/v1/things/special')];

    expect(matchedPath('GET', '/v1/things/special', routes)).toBe('method-not-allowed');
    expect(matchedPath('DELETE', '/v1/things/t1', routes)).toBe('method-not-allowed');
    expect(matchedPath('GET', '/v1/rides/r1', routes)).toBeUndefined();
  });

  it('decodes the path parameters', () => {
    const match = matchRoute('GET', '/v1/things/a%20b', [aRoute('GET', '/v1/things/{id}')]);

    expect(typeof match === 'object' && match.pathParameters).toEqual({ id: 'a b' });
  });
});

describe('policyOpens', () => {
  it.each([
    ['/v1/{thing}', '/v1/keys', true],
    ['/v1/{thing}', '/v1/keys/{id}/rotate', true],
    ['/v1/rides/{id}', '/v1/rides/{id}/receipt', true],
    ['/{tenant}/keys/{id}', '/v1/keys/{id}/rotate', true],
    ['/v1/things/{id}', '/v1/things/special', true],
    // The router sends /v1/things/special to the static route, never to the parameter's.
    ['/v1/things/special', '/v1/things/{id}', false],
    // A request segment is never empty, so `*` never stands for nothing.
    ['/v1/rides/{id}', '/v1/rides', false],
    ['/v1/rides/{id}/receipt', '/v1/rides/{id}', false],
    ['/v1/rides/{id}', '/v1/things/{id}', false],
  ])('the policy of %s opens %s: %s', (opener, opened, expected) => {
    expect(policyOpens(opener, opened)).toBe(expected);
  });
});
