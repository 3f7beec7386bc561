import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import {
  createOidcVerifier,
  OIDC_ALGORITHMS,
  OIDC_ISSUER_RETRY_AFTER_MS,
  OidcIssuerUnavailableError,
} from '../../functions/adapters/oidc-verifier';

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'api-key-platform';
const NOW_S = Date.parse('2026-03-01T12:00:00.000Z') / 1000;

/** One key pair per algorithm, made once: RSA key generation is slow. */
const issuerKeys = (async () => {
  const privateKeys = new Map<string, CryptoKey>();
  const jwks: { keys: object[] } = { keys: [] };
  for (const alg of OIDC_ALGORITHMS) {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateKeys.set(alg, pair.privateKey);
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: `kid-${alg}`, alg, use: 'sig' });
  }
  return { privateKeys, jwks };
})();

/** An identity provider held in memory: its discovery document and JWKS behind an injected fetch. */
async function anIssuer(options: { discoveredIssuer?: string; jwksStatus?: number; discoveryDown?: boolean } = {}) {
  const { privateKeys: keys, jwks } = await issuerKeys;
  const requests: string[] = [];
  const fetchStub = (async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    if (options.discoveryDown) throw new TypeError('fetch failed');
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return Response.json({ issuer: options.discoveredIssuer ?? ISSUER, jwks_uri: `${ISSUER}/jwks` });
    }
    if (url === `${ISSUER}/jwks`) return Response.json(jwks, { status: options.jwksStatus ?? 200 });
    return new Response('not found', { status: 404 });
  }) as typeof fetch;

  const sign = (
    claims: JWTPayload,
    alg: (typeof OIDC_ALGORITHMS)[number] = 'RS256',
    signer = keys.get(alg),
    kid = `kid-${alg}`,
  ) =>
    // A claim given as undefined is left out of the token (JSON drops it).
    new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      iat: NOW_S - 60,
      exp: NOW_S + 600,
      email: 'ada@acme.example',
      email_verified: true,
      ...claims,
    })
      .setProtectedHeader({ alg, kid })
      .sign(signer as CryptoKey);
  const restore = () => {
    options.discoveryDown = false;
    options.jwksStatus = 200;
  };
  const takeDown = (down: { discoveryDown?: boolean; jwksStatus?: number }) => Object.assign(options, down);
  return { fetch: fetchStub, requests, sign, restore, takeDown };
}

function aVerifier(fetchImpl: typeof fetch, now = () => NOW_S * 1000, overrides = {}) {
  return createOidcVerifier({ issuer: ISSUER, audience: AUDIENCE, fetch: fetchImpl, now, ...overrides });
}

describe('createOidcVerifier', () => {
  it('answers the subject, the verified email and the expiry of a good token', async () => {
    const issuer = await anIssuer();
    const token = await issuer.sign({});

    const identity = await aVerifier(issuer.fetch).verify(token);

    expect(identity).toEqual({
      issuer: ISSUER,
      subject: 'user-1',
      email: 'ada@acme.example',
      emailVerified: true,
      expiresAt: new Date((NOW_S + 600) * 1000).toISOString(),
    });
  });

  it('refuses a token whose exp is past any date: it would name no end for what it signs in', async () => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({ exp: 1e16 }))).toBeUndefined();
    // Year 10000: a Date, but no ISO 8601 form the authorizer context's parser takes.
    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({ exp: 253_402_300_800 }))).toBeUndefined();
    await expect(aVerifier(issuer.fetch).verify(await issuer.sign({ exp: 253_402_300_799 }))).resolves.toMatchObject({
      expiresAt: '9999-12-31T23:59:59.000Z',
    });
  });

  it.each(OIDC_ALGORITHMS)('accepts %s', async (alg) => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({}, alg))).toBeDefined();
  });

  it('refuses a token signed by a key that is not the issuer’s, under the issuer’s key id', async () => {
    const issuer = await anIssuer();
    const forger = await generateKeyPair('ES256');

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({}, 'ES256', forger.privateKey))).toBeUndefined();
  });

  it('refuses a good token whose payload was changed', async () => {
    const issuer = await anIssuer();
    const [header, , signature] = (await issuer.sign({})).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'owner', exp: NOW_S + 600 }));

    const forged = `${header}.${payload.toString('base64url')}.${signature}`;

    expect(await aVerifier(issuer.fetch).verify(forged)).toBeUndefined();
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example.com' }],
    ['another audience', { aud: 'someone-else' }],
    ['expired beyond the 5 s tolerance', { exp: NOW_S - 6 }],
    ['not yet valid', { nbf: NOW_S + 60 }],
    ['an empty subject', { sub: '' }],
  ])('refuses a token with %s', async (_, claims) => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign(claims))).toBeUndefined();
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({ exp: NOW_S - 4 }))).toBeDefined();
  });

  it('refuses a token without exp', async () => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(await issuer.sign({ exp: undefined }))).toBeUndefined();
  });

  it('refuses alg none and HS256 without asking the issuer for keys', async () => {
    const issuer = await anIssuer();
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', exp: NOW_S + 600 };
    const unsecured = new UnsecuredJWT(claims).encode();
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'kid-RS256' })
      .sign(new TextEncoder().encode('a-secret-anyone-could-guess-0123'));

    const verifier = aVerifier(issuer.fetch);

    expect(await verifier.verify(unsecured)).toBeUndefined();
    expect(await verifier.verify(hmac)).toBeUndefined();
    expect(issuer.requests).toEqual([]);
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30'])('refuses the malformed token %j', async (token) => {
    const issuer = await anIssuer();

    expect(await aVerifier(issuer.fetch).verify(token)).toBeUndefined();
  });

  it('says the email is unverified unless email_verified is the boolean true', async () => {
    const issuer = await anIssuer();
    const verifier = aVerifier(issuer.fetch);

    const asString = await verifier.verify(await issuer.sign({ email_verified: 'true' }));
    const absent = await verifier.verify(await issuer.sign({ email_verified: undefined }));

    expect(asString?.emailVerified).toBe(false);
    expect(absent?.emailVerified).toBe(false);
  });

  it('does not let email_verified vouch for another email claim: nobody is mapped by a custom claim', async () => {
    const issuer = await anIssuer();
    const verifier = aVerifier(issuer.fetch, undefined, { emailClaim: 'custom:work_email' });

    // Cognito's custom:* attributes may be user-writable: anyone could type a member's address.
    const identity = await verifier.verify(
      await issuer.sign({ 'custom:work_email': 'owner@acme.example', email_verified: true }),
    );

    expect(identity).toMatchObject({ email: 'owner@acme.example', emailVerified: false });
  });

  it('maps a custom email claim when the claim that verifies it is configured', async () => {
    const issuer = await anIssuer();
    const verifier = aVerifier(issuer.fetch, undefined, {
      emailClaim: 'custom:work_email',
      emailVerifiedClaim: 'custom:work_email_verified',
    });

    const vouched = await verifier.verify(
      await issuer.sign({ 'custom:work_email': 'ada@acme.example', 'custom:work_email_verified': true }),
    );
    const onlyEmailVerified = await verifier.verify(
      await issuer.sign({ sub: 'user-2', 'custom:work_email': 'ada@acme.example', email_verified: true }),
    );

    expect(vouched?.emailVerified).toBe(true);
    expect(onlyEmailVerified?.emailVerified).toBe(false);
  });

  it('reads the person from the configured claims', async () => {
    const issuer = await anIssuer();
    const verifier = aVerifier(issuer.fetch, undefined, { subjectClaim: 'oid', emailClaim: 'upn' });

    const identity = await verifier.verify(await issuer.sign({ oid: 'object-7', upn: 'ada@corp.example' }));

    expect(identity).toMatchObject({ subject: 'object-7', email: 'ada@corp.example' });
  });

  it('discovers the issuer once and keeps a verified token until it expires', async () => {
    const issuer = await anIssuer();
    let nowMs = NOW_S * 1000;
    const verifier = aVerifier(issuer.fetch, () => nowMs);
    const token = await issuer.sign({ exp: NOW_S + 60 });

    await verifier.verify(token);
    await verifier.verify(await issuer.sign({ sub: 'user-2' }));
    const again = await verifier.verify(token);
    nowMs = (NOW_S + 66) * 1000;
    const afterExpiry = await verifier.verify(token);

    expect(again?.subject).toBe('user-1');
    expect(afterExpiry).toBeUndefined();
    expect(issuer.requests).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/jwks`]);
  });

  it('throws, rather than answering for the token, when the issuer’s keys cannot be fetched', async () => {
    const issuer = await anIssuer({ jwksStatus: 503 });

    await expect(aVerifier(issuer.fetch).verify(await issuer.sign({}))).rejects.toBeInstanceOf(
      OidcIssuerUnavailableError,
    );
  });

  it('refuses to trust a discovery document that names another issuer', async () => {
    const issuer = await anIssuer({ discoveredIssuer: 'https://evil.example.com' });

    await expect(aVerifier(issuer.fetch).verify(await issuer.sign({}))).rejects.toThrow(/check OIDC_ISSUER/);
  });

  describe('when the issuer is down', () => {
    it.each([
      ['discovery', { discoveryDown: true }],
      ['the key set', { jwksStatus: 503 }],
    ])('fails every token at once for a while after %s failed, reporting it once, then asks again', async (_, down) => {
      const issuer = await anIssuer(down);
      let nowMs = NOW_S * 1000;
      const reported: OidcIssuerUnavailableError[] = [];
      const verifier = aVerifier(issuer.fetch, () => nowMs, {
        onIssuerUnavailable: (e: OidcIssuerUnavailableError) => reported.push(e),
      });
      const tokens = await Promise.all([
        issuer.sign({}),
        issuer.sign({ sub: 'user-2' }),
        issuer.sign({ sub: 'user-3' }),
      ]);

      const first = await verifier.verify(tokens[0] as string).catch((error: unknown) => error);
      const requestsAfterFirst = issuer.requests.length;
      const within = await Promise.all(tokens.map((t) => verifier.verify(t).catch((error: unknown) => error)));
      const requestsWithin = issuer.requests.length;
      issuer.restore();
      nowMs += OIDC_ISSUER_RETRY_AFTER_MS;
      const after = await verifier.verify(tokens[1] as string);

      expect(first).toBeInstanceOf(OidcIssuerUnavailableError);
      for (const outcome of within) expect(outcome).toBeInstanceOf(OidcIssuerUnavailableError);
      expect(requestsWithin).toBe(requestsAfterFirst);
      expect(reported).toHaveLength(1);
      expect(after?.subject).toBe('user-2');
    });
  });

  describe('when the key set cannot be fetched again', () => {
    // jose times its cooldown (30 s) and key cache (10 min) with Date.now: one clock for both.
    let nowMs: number;
    beforeEach(() => {
      nowMs = NOW_S * 1000;
      jest.spyOn(Date, 'now').mockImplementation(() => nowMs);
    });
    afterEach(() => jest.restoreAllMocks());

    async function aVerifierHoldingKeys() {
      const issuer = await anIssuer();
      const reported: OidcIssuerUnavailableError[] = [];
      const verifier = aVerifier(issuer.fetch, () => nowMs, {
        onIssuerUnavailable: (e: OidcIssuerUnavailableError) => reported.push(e),
      });
      await verifier.verify(await issuer.sign({ sub: 'first-sign-in' }));
      const forger = await generateKeyPair('RS256');
      const forged = () => issuer.sign({ sub: 'owner' }, 'RS256', forger.privateKey, `kid-${crypto.randomUUID()}`);
      return { issuer, verifier, reported, forged };
    }

    it('refuses a token naming an unknown key id (401, not 500), reports it once a window and does not ask again within it', async () => {
      const { issuer, verifier, reported, forged } = await aVerifierHoldingKeys();
      nowMs += 31_000;
      issuer.takeDown({ jwksStatus: 503 });

      const first = await verifier.verify(await forged());
      const requestsAfterFirst = issuer.requests.length;
      const second = await verifier.verify(await forged());
      const requestsWithin = issuer.requests.length;
      nowMs += OIDC_ISSUER_RETRY_AFTER_MS;
      await verifier.verify(await forged());

      expect(issuer.requests.filter((url) => url.endsWith('/jwks'))).toHaveLength(3);
      expect(first).toBeUndefined();
      expect(second).toBeUndefined();
      expect(requestsWithin).toBe(requestsAfterFirst);
      expect(reported).toHaveLength(2);
    });

    it('still verifies a good token under a key held while a forged key id made the fetch fail', async () => {
      const { issuer, verifier, forged } = await aVerifierHoldingKeys();
      nowMs += 31_000;
      issuer.takeDown({ jwksStatus: 503 });
      await verifier.verify(await forged());

      const identity = await verifier.verify(await issuer.sign({ sub: 'user-2' }, 'ES256'));

      expect(identity?.subject).toBe('user-2');
    });

    it('fails every token for a while when the held keys went stale and fetching them again failed', async () => {
      const { issuer, verifier, reported } = await aVerifierHoldingKeys();
      nowMs += 10 * 60_000 + 1;
      issuer.takeDown({ jwksStatus: 503 });
      const token = await issuer.sign({ sub: 'user-2', exp: nowMs / 1000 + 600 });

      const first = await verifier.verify(token).catch((error: unknown) => error);
      const requestsAfterFirst = issuer.requests.length;
      const second = await verifier.verify(token).catch((error: unknown) => error);

      expect(first).toBeInstanceOf(OidcIssuerUnavailableError);
      expect(second).toBeInstanceOf(OidcIssuerUnavailableError);
      expect(issuer.requests.length).toBe(requestsAfterFirst);
      expect(reported).toHaveLength(1);
    });

    it('fails fast during a discovery outage, a forged key id included, without asking again', async () => {
      const issuer = await anIssuer({ discoveryDown: true });
      const verifier = aVerifier(issuer.fetch, () => nowMs);
      const forger = await generateKeyPair('RS256');
      await verifier.verify(await issuer.sign({})).catch(() => undefined);
      const requestsAfterFirst = issuer.requests.length;

      const forged = await verifier
        .verify(await issuer.sign({}, 'RS256', forger.privateKey, 'kid-unknown'))
        .catch((error: unknown) => error);
      const good = await verifier.verify(await issuer.sign({ sub: 'user-2' })).catch((error: unknown) => error);

      expect(forged).toBeInstanceOf(OidcIssuerUnavailableError);
      expect(good).toBeInstanceOf(OidcIssuerUnavailableError);
      expect(issuer.requests.length).toBe(requestsAfterFirst);
    });
  });
});
