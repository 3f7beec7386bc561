import { loadOidcConfig } from '../../functions/runtime/config';

describe('loadOidcConfig', () => {
  it('is off when neither the issuer nor the audience is set', () => {
    expect(loadOidcConfig({})).toBeUndefined();
  });

  it('reads the issuer and audience, the claims defaulting to sub and email', () => {
    const settings = loadOidcConfig({ OIDC_ISSUER: 'https://id.example.com/', OIDC_AUDIENCE: 'api-key-platform' });

    expect(settings).toEqual({
      issuer: 'https://id.example.com/',
      audience: 'api-key-platform',
      subjectClaim: 'sub',
      emailClaim: 'email',
    });
  });

  it('reads the claim that vouches for the email only when it is set', () => {
    const settings = loadOidcConfig({
      OIDC_ISSUER: 'https://id.example.com/',
      OIDC_AUDIENCE: 'api-key-platform',
      OIDC_EMAIL_CLAIM: 'custom:work_email',
      OIDC_EMAIL_VERIFIED_CLAIM: 'custom:work_email_verified',
    });

    expect(settings).toMatchObject({
      emailClaim: 'custom:work_email',
      emailVerifiedClaim: 'custom:work_email_verified',
    });
  });

  it('fails fast, naming both variables, when the issuer comes without an audience', () => {
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'https://id.example.com' })).toThrow(
      /OIDC_ISSUER and OIDC_AUDIENCE go together \(got only OIDC_ISSUER\)/,
    );
  });

  it('refuses an issuer that is not a URL', () => {
    expect(() => loadOidcConfig({ OIDC_ISSUER: 'id.example.com', OIDC_AUDIENCE: 'a' })).toThrow(
      /OIDC_ISSUER must be an http\(s\) URL/,
    );
  });
});
