/** The console's OIDC sign-in: its configuration, the issuer's discovery, and what the page gets. */
import { discoverOidcIssuer, type OidcDiscovery, OidcDiscoveryError } from '../../functions/adapters/oidc-discovery';
import { consoleSignInLoader, SIGN_IN_KEPT_MS, SIGN_IN_RETRY_AFTER_MS } from '../../functions/console/console-sign-in';
import { type ConsoleSignInSettings, loadConsoleSignInConfig } from '../../functions/runtime/config';

const ISSUER = 'https://id.example.com/';

const aSettings = (overrides: Partial<ConsoleSignInSettings> = {}): ConsoleSignInSettings => ({
  issuer: ISSUER,
  clientId: 'console-client',
  scope: 'openid email',
  authorizeParams: {},
  token: 'access',
  ...overrides,
});

const aDiscovery = (overrides: Partial<OidcDiscovery> = {}): OidcDiscovery => ({
  issuer: ISSUER,
  jwksUri: new URL('https://id.example.com/.well-known/jwks.json'),
  authorizationEndpoint: new URL('https://id.example.com/authorize'),
  tokenEndpoint: new URL('https://id.example.com/oauth/token'),
  ...overrides,
});

/** A fetch answering one discovery document. */
const fetchAnswering = (document: unknown, status = 200) =>
  (async () => new Response(JSON.stringify(document), { status })) as unknown as typeof fetch;

describe('loadConsoleSignInConfig', () => {
  it('is off without a client id, even with an issuer (the management API may take tokens from elsewhere)', () => {
    expect(loadConsoleSignInConfig({ OIDC_ISSUER: ISSUER })).toBeUndefined();
  });

  it('reads the client, scope "openid email" by default, and no extra parameters', () => {
    expect(loadConsoleSignInConfig({ OIDC_ISSUER: ISSUER, OIDC_CONSOLE_CLIENT_ID: 'console-client' })).toEqual(
      aSettings(),
    );
  });

  it('reads a scope and extra authorization parameters such as Auth0’s audience', () => {
    const settings = loadConsoleSignInConfig({
      OIDC_ISSUER: ISSUER,
      OIDC_CONSOLE_CLIENT_ID: 'console-client',
      OIDC_CONSOLE_SCOPE: 'openid email offline_access',
      OIDC_CONSOLE_AUTHORIZE_PARAMS: '{"audience":"https://api.example.com"}',
    });

    expect(settings).toMatchObject({
      scope: 'openid email offline_access',
      authorizeParams: { audience: 'https://api.example.com' },
    });
  });

  it("sends the ID token when told (OIDC_CONSOLE_TOKEN=id), and refuses any other token's name", () => {
    const env = { OIDC_ISSUER: ISSUER, OIDC_CONSOLE_CLIENT_ID: 'console-client' };

    expect(loadConsoleSignInConfig({ ...env, OIDC_CONSOLE_TOKEN: 'id' })?.token).toBe('id');
    expect(() => loadConsoleSignInConfig({ ...env, OIDC_CONSOLE_TOKEN: 'refresh' })).toThrow(
      /OIDC_CONSOLE_TOKEN must be 'access' or 'id'/,
    );
    expect(() => loadConsoleSignInConfig({ ...env, OIDC_CONSOLE_TOKEN: 'id', OIDC_CONSOLE_SCOPE: 'email' })).toThrow(
      /needs the openid scope/,
    );
  });

  it('fails fast when a client id comes without an issuer', () => {
    expect(() => loadConsoleSignInConfig({ OIDC_CONSOLE_CLIENT_ID: 'console-client' })).toThrow(
      /OIDC_CONSOLE_CLIENT_ID needs OIDC_ISSUER/,
    );
  });

  it.each([
    ['[1]', /JSON object of strings/],
    ['{"audience":1}', /JSON object of strings/],
    ['not json', /JSON object of strings/],
    ['{"redirect_uri":"https://evil.example"}', /may not set redirect_uri/],
    ['{"code_challenge_method":"plain"}', /may not set code_challenge_method/],
    ['{"response_mode":"form_post"}', /may not set response_mode/],
    ['{"request_uri":"urn:x"}', /may not set request_uri/],
  ])('refuses authorization parameters %s', (params, message) => {
    expect(() =>
      loadConsoleSignInConfig({
        OIDC_ISSUER: ISSUER,
        OIDC_CONSOLE_CLIENT_ID: 'console-client',
        OIDC_CONSOLE_AUTHORIZE_PARAMS: params,
      }),
    ).toThrow(message);
  });
});

describe('discoverOidcIssuer', () => {
  const document = {
    issuer: ISSUER,
    jwks_uri: 'https://id.example.com/.well-known/jwks.json',
    authorization_endpoint: 'https://id.example.com/authorize',
    token_endpoint: 'https://id.example.com/oauth/token',
  };

  it('reads the keys, authorization and token endpoints', async () => {
    const discovered = await discoverOidcIssuer(ISSUER, fetchAnswering(document));

    expect(discovered.authorizationEndpoint?.href).toBe('https://id.example.com/authorize');
    expect(discovered.tokenEndpoint?.href).toBe('https://id.example.com/oauth/token');
  });

  it('drops an endpoint the browser must not be sent to (plain http off loopback, not a URL)', async () => {
    const discovered = await discoverOidcIssuer(
      ISSUER,
      fetchAnswering({ ...document, authorization_endpoint: 'http://id.example.com/authorize', token_endpoint: 'x' }),
    );

    expect(discovered.authorizationEndpoint).toBeUndefined();
    expect(discovered.tokenEndpoint).toBeUndefined();
  });

  it.each([
    'https://a;sandbox/x',
    'https://a%3Bsandbox/x',
    "https://a'unsafe-inline'/x",
    'https://a,b/x',
  ])('drops an endpoint on a host that is neither a DNS name nor an IP literal: %s could write CSP', async (url) => {
    const discovered = await discoverOidcIssuer(
      ISSUER,
      fetchAnswering({ ...document, authorization_endpoint: url, token_endpoint: url }),
    );

    expect(discovered.authorizationEndpoint).toBeUndefined();
    expect(discovered.tokenEndpoint).toBeUndefined();
  });

  it('keeps endpoints on IP literals and internationalized names (as punycode)', async () => {
    const discovered = await discoverOidcIssuer(
      ISSUER,
      fetchAnswering({
        ...document,
        authorization_endpoint: 'https://münchen.example/authorize',
        token_endpoint: 'https://[2001:db8::1]/token',
      }),
    );

    expect(discovered.authorizationEndpoint?.host).toBe('xn--mnchen-3ya.example');
    expect(discovered.tokenEndpoint?.origin).toBe('https://[2001:db8::1]');
  });

  it('keeps http endpoints on loopback, as the local provider serves them', async () => {
    const local = 'http://127.0.0.1:4100';
    const discovered = await discoverOidcIssuer(
      local,
      fetchAnswering({ issuer: local, jwks_uri: `${local}/jwks`, token_endpoint: `${local}/token` }),
    );

    expect(discovered.tokenEndpoint?.href).toBe(`${local}/token`);
  });

  it('refuses a document of another issuer, and a failed fetch', async () => {
    await expect(
      discoverOidcIssuer(ISSUER, fetchAnswering({ ...document, issuer: 'https://evil.example/' })),
    ).rejects.toThrow(OidcDiscoveryError);
    await expect(discoverOidcIssuer(ISSUER, fetchAnswering({}, 503))).rejects.toThrow(/answered 503/);
  });

  it.each([
    null,
    [],
    'a string',
    7,
  ])('refuses a body of JSON %p with OidcDiscoveryError, not a TypeError', async (body) => {
    await expect(discoverOidcIssuer(ISSUER, fetchAnswering(body))).rejects.toThrow(OidcDiscoveryError);
  });

  it('refuses a jwks_uri that is not a URL with OidcDiscoveryError', async () => {
    await expect(discoverOidcIssuer(ISSUER, fetchAnswering({ ...document, jwks_uri: 'not a url' }))).rejects.toThrow(
      OidcDiscoveryError,
    );
  });
});

describe('consoleSignInLoader', () => {
  function aLoader(discover: jest.Mock) {
    let time = 0;
    const unavailable: string[] = [];
    const load = consoleSignInLoader(aSettings({ authorizeParams: { audience: 'api' } }), {
      discover,
      now: () => time,
      onUnavailable: (reason) => unavailable.push(reason),
    });
    return { load, unavailable, advance: (ms: number) => (time += ms) };
  }

  it('combines the client with the discovered endpoints, and discovers once per hour', async () => {
    const discover = jest.fn(async () => aDiscovery());
    const { load, advance } = aLoader(discover);

    const first = await load();
    advance(SIGN_IN_KEPT_MS - 1);
    await load();

    expect(first).toEqual({
      issuer: ISSUER,
      clientId: 'console-client',
      scope: 'openid email',
      authorizeParams: { audience: 'api' },
      token: 'access',
      authorizationEndpoint: 'https://id.example.com/authorize',
      tokenEndpoint: 'https://id.example.com/oauth/token',
    });
    expect(discover).toHaveBeenCalledTimes(1);
    advance(1);
    await load();
    expect(discover).toHaveBeenCalledTimes(2);
  });

  it('serves no sign-in during an outage, says why once, and tries again after a minute', async () => {
    const discover = jest.fn(async (): Promise<OidcDiscovery> => {
      throw new OidcDiscoveryError('down');
    });
    const { load, unavailable, advance } = aLoader(discover);

    await expect(load()).resolves.toBeUndefined();
    await expect(load()).resolves.toBeUndefined();
    expect(discover).toHaveBeenCalledTimes(1);
    expect(unavailable).toEqual([expect.stringMatching(/could not be discovered/)]);

    discover.mockImplementation(async () => aDiscovery());
    advance(SIGN_IN_RETRY_AFTER_MS);
    await expect(load()).resolves.toMatchObject({ clientId: 'console-client' });
  });

  it('keeps serving the last good sign-in when a refresh fails, says why, and tries again after a minute', async () => {
    const discover = jest.fn(async () => aDiscovery());
    const { load, unavailable, advance } = aLoader(discover);
    const good = await load();
    discover.mockImplementation(async () => {
      throw new OidcDiscoveryError('down');
    });
    advance(SIGN_IN_KEPT_MS);

    const duringOutage = [await load(), await load()];
    const discoveriesWithinTheMinute = discover.mock.calls.length;
    discover.mockImplementation(async () => aDiscovery({ tokenEndpoint: new URL('https://id.example.com/token2') }));
    advance(SIGN_IN_RETRY_AFTER_MS);
    const afterTheMinute = await load();

    expect(duringOutage).toEqual([good, good]);
    expect(discoveriesWithinTheMinute).toBe(2);
    expect(unavailable).toEqual([
      expect.stringMatching(/could not be discovered again; the console keeps the endpoints/),
    ]);
    expect(afterTheMinute?.tokenEndpoint).toBe('https://id.example.com/token2');
  });

  it('drops the sign-in when a refresh answers that the provider has no usable endpoints any more', async () => {
    const discover = jest.fn(async () => aDiscovery());
    const { load, advance } = aLoader(discover);
    await load();
    discover.mockImplementation(async () => aDiscovery({ tokenEndpoint: undefined }));
    advance(SIGN_IN_KEPT_MS);

    await expect(load()).resolves.toBeUndefined();
  });

  it('serves no sign-in when the provider names no usable endpoints', async () => {
    const { load, unavailable } = aLoader(jest.fn(async () => aDiscovery({ tokenEndpoint: undefined })));

    await expect(load()).resolves.toBeUndefined();
    expect(unavailable).toEqual([expect.stringMatching(/names no https authorization_endpoint and token_endpoint/)]);
  });

  it('shares one discovery between concurrent page loads', async () => {
    const discover = jest.fn(async () => aDiscovery());
    const { load } = aLoader(discover);

    await Promise.all([load(), load(), load()]);

    expect(discover).toHaveBeenCalledTimes(1);
  });
});
