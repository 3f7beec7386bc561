/**
 * A person signs in at the local OIDC provider as a browser would and calls the management API with
 * the access token; forged and expired tokens are refused.
 */
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { signedByLocalOidc, signInAtLocalOidc } from '../support/oidc-browser';
import { startTestPlatform } from '../support/platform';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

describe('OIDC sign-in on the local stack', () => {
  let platform: Platform;
  let issuer: string;
  const asBearer = (token: string) => platform.live(token, { keyHeader: 'bearer' }).get('/v1/keys');

  beforeAll(async () => {
    platform = await startTestPlatform({ oidcProvider: true });
    issuer = platform.bootstrap.oidcIssuer as string;
    // People of their own, whom no earlier sign-in has linked to a subject.
    for (const email of ['expiry@demo.example', 'unverified@demo.example']) {
      const invited = await platform.admin.post('/v1/members', { email, role: 'viewer' });
      if (invited.status !== 201) throw new Error(`Inviting ${email}: ${invited.status} ${invited.text}`);
    }
  });
  afterAll(() => platform?.close());

  it('names its issuer in the bootstrap, on loopback', () => {
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lets the demo owner list keys with the access token of a code + PKCE sign-in', async () => {
    const tokens = await signInAtLocalOidc(issuer, platform.bootstrap.ownerEmail);

    const response = await asBearer(tokens.access_token);

    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: issuer,
      aud: 'api-key-platform',
      email: platform.bootstrap.ownerEmail,
      email_verified: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual(expect.any(Array));
  });

  it('asks a person of two organizations to name one, and serves the one named', async () => {
    const email = 'both@demo.example';
    await platform.admin.post('/v1/members', { email, role: 'viewer' });
    const other = await platform.createOrganization({ ownerEmail: email });
    const { access_token: token } = await signInAtLocalOidc(issuer, email);
    const as = (organizationId?: string) =>
      platform
        .live(token, {
          keyHeader: 'bearer',
          ...(organizationId && { headers: { 'x-organization-id': organizationId } }),
        })
        .get('/v1/keys');

    const unnamed = await as();
    const named = await as(other.organization.id);
    const keysOfOther = await other.admin.get('/v1/keys');

    expect(unnamed.status).toBe(403);
    expect(unnamed.body.error).toMatchObject({ code: 'organization_required' });
    expect(unnamed.body.error.message).toContain(other.organization.id);
    expect(named.status).toBe(200);
    expect(named.body.items).toEqual(keysOfOther.body.items);
  });

  it('ends a console session the person creates by the token’s exp, however long it was asked for', async () => {
    const email = 'lent@demo.example';
    await platform.admin.post('/v1/members', { email, role: 'viewer' });
    const { access_token: token } = await signInAtLocalOidc(issuer, platform.bootstrap.ownerEmail);

    const created = await platform
      .live(token, { keyHeader: 'bearer' })
      .post('/v1/console-sessions', { email, expiresInSeconds: 604_800 });

    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(new Date((decodeJwt(token).exp as number) * 1000).toISOString());
  });

  it('refuses a token signed by another key under the provider’s key id', async () => {
    const { access_token: genuine } = await signInAtLocalOidc(issuer, platform.bootstrap.ownerEmail);
    const forger = await generateKeyPair('ES256');
    const forged = await new SignJWT(decodeJwt(genuine))
      .setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string })
      .sign(forger.privateKey);

    expect((await asBearer(forged)).status).toBe(401);
  });

  it('refuses an expired token of the provider’s own key, and takes the same token unexpired', async () => {
    const person = { sub: 'dev-expiry', email: 'expiry@demo.example', email_verified: true };
    const now = Math.floor(Date.now() / 1000);
    const expired = await signedByLocalOidc(platform.bootstrap, { ...person, iat: now - 3600, exp: now - 60 });
    const current = await signedByLocalOidc(platform.bootstrap, person);

    expect((await asBearer(expired)).status).toBe(401);
    expect((await asBearer(current)).status).toBe(200);
  });

  it('maps a person by email only when the provider says it verified it', async () => {
    const person = { sub: 'dev-unverified', email: 'unverified@demo.example' };
    const unverified = await signedByLocalOidc(platform.bootstrap, { ...person, email_verified: false });
    const verified = await signedByLocalOidc(platform.bootstrap, { ...person, email_verified: true });

    expect((await asBearer(unverified)).status).toBe(401);
    expect((await asBearer(verified)).status).toBe(200);
  });
});
