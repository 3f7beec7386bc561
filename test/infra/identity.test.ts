/** The construct's `identity` option: OIDC settings checked at synth and handed to the management authorizer. */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { FUNCTIONS } from '../../functions/definition/functions';
import { loadConsoleSignInConfig } from '../../functions/runtime/config';
import { ApiKeyPlatform, ApiKeyPlatformPropsError } from '../../infra/api-key-platform';
import { type IdentityOptions, identityEnvironment } from '../../infra/identity';
import { teamApi, testApp } from './synth';

const OIDC = { issuer: 'https://acme.eu.auth0.com/', audience: 'https://api.acme.example' };

function aPlatform(identity?: IdentityOptions) {
  const stack = new Stack(testApp(), 'Consumer');
  const api = new apigateway.RestApi(stack, 'TeamApi', { deployOptions: { stageName: 'live' } });
  api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
  const platform = new ApiKeyPlatform(stack, 'Platform', { ...teamApi(stack), api, ...(identity && { identity }) });
  return { stack, platform };
}

/** The OIDC_* variables of each function of the template that has any. */
function oidcVariablesByFunction(stack: Stack) {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.values(functions).flatMap((fn) => {
      const variables = Object.entries((fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>).filter(
        ([name]) => name.startsWith('OIDC_'),
      );
      return variables.length > 0 ? [[fn.Properties.Description as string, Object.fromEntries(variables)]] : [];
    }),
  );
}

describe('ApiKeyPlatform identity', () => {
  it('names each mistake in the OIDC settings at synth', () => {
    const attempt = () =>
      aPlatform({
        oidc: { issuer: 'http://id.example.com', audience: ' ', subjectClaim: '', emailVerifiedClaim: ' ' },
        consoleUrl: 'ftp://x',
      });

    expect(attempt).toThrow(ApiKeyPlatformPropsError);
    expect(attempt).toThrow(/identity\.oidc\.issuer must be an https URL.*'http:\/\/id\.example\.com'/);
    expect(attempt).toThrow(/identity\.oidc\.audience must name the audience/);
    expect(attempt).toThrow(/identity\.oidc\.subjectClaim is empty/);
    expect(attempt).toThrow(/identity\.oidc\.emailVerifiedClaim is empty/);
    expect(attempt).toThrow(/identity\.consoleUrl must be an https URL/);
  });

  it('hands identity.consoleUrl to the functions that name the console: sign-in links and invitations', () => {
    const { stack } = aPlatform({ consoleUrl: 'https://console.acme.example/' });
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const withConsoleUrl = Object.values(functions)
      .filter((fn) => fn.Properties.Environment?.Variables?.CONSOLE_URL === 'https://console.acme.example')
      .map((fn) => (fn.Properties.Description as string).split(':')[0]);

    expect(withConsoleUrl.sort()).toEqual(
      ['Members', 'POST/GET /v1/console-sessions, DELETE /v1/console-sessions/{id}'].sort(),
    );
  });

  it('gives no function OIDC settings without identity.oidc', () => {
    const { stack } = aPlatform();

    expect(oidcVariablesByFunction(stack)).toEqual({});
  });

  it('gives the management authorizer the OIDC settings, and no other function', () => {
    const { stack } = aPlatform({ oidc: { ...OIDC, subjectClaim: 'oid' } });

    expect(oidcVariablesByFunction(stack)).toEqual({
      [FUNCTIONS['management-authorizer'].description]: {
        OIDC_ISSUER: OIDC.issuer,
        OIDC_AUDIENCE: OIDC.audience,
        OIDC_SUBJECT_CLAIM: 'oid',
      },
    });
  });

  it('gives the console function the issuer and its client for the sign-in button, as loadConsoleSignInConfig reads them', () => {
    const { stack } = aPlatform({
      oidc: {
        ...OIDC,
        console: {
          clientId: 'spa-client',
          scopes: ['openid', 'email', 'profile'],
          authorizeParams: { audience: OIDC.audience },
        },
      },
    });
    const consoleVariables = oidcVariablesByFunction(stack)[FUNCTIONS.console.description];

    expect(consoleVariables).toEqual({
      OIDC_ISSUER: OIDC.issuer,
      OIDC_CONSOLE_CLIENT_ID: 'spa-client',
      OIDC_CONSOLE_SCOPE: 'openid email profile',
      OIDC_CONSOLE_AUTHORIZE_PARAMS: JSON.stringify({ audience: OIDC.audience }),
    });
    expect(
      loadConsoleSignInConfig(
        Object.fromEntries(Object.entries(consoleVariables ?? {}).map(([k, v]) => [k, String(v)])),
      ),
    ).toEqual({
      issuer: OIDC.issuer,
      clientId: 'spa-client',
      scope: 'openid email profile',
      authorizeParams: { audience: OIDC.audience },
      token: 'access',
    });
  });

  it('names each mistake in the console sign-in settings at synth', () => {
    const attempt = () =>
      aPlatform({
        oidc: {
          ...OIDC,
          console: {
            clientId: ' ',
            scopes: ['openid email'],
            authorizeParams: { redirect_uri: 'https://evil.example' },
          },
        },
      });

    expect(attempt).toThrow(/identity\.oidc\.console\.clientId must name the public client/);
    expect(attempt).toThrow(/identity\.oidc\.console\.scopes must be single words/);
    expect(attempt).toThrow(/identity\.oidc\.console\.authorizeParams may not set redirect_uri/);
  });

  it.each([
    [{ clientId: 'spa', scopes: [] }, /scopes is empty/],
    [{ clientId: 'spa', authorizeParams: { audience: 1 as unknown as string } }, /values must be strings; audience/],
    [{ clientId: 'spa', token: 'refresh' as 'id' }, /token must be 'access' or 'id'/],
    [{ clientId: 'spa', token: 'id' as const }, /set identity\.oidc\.audience to identity\.oidc\.console\.clientId/],
    [{ clientId: 'spa', authorizeParams: ['x'] as unknown as Record<string, string> }, /must be an object/],
    [{ clientId: 'spa', token: 'id' as const, scopes: ['email'] }, /needs the 'openid' scope/],
  ])('refuses at synth a console sign-in that could not work: %j', (console, message) => {
    expect(() => aPlatform({ oidc: { ...OIDC, console } })).toThrow(message);
  });

  it("hands an ID-token console its token choice when the audience is the console's client", () => {
    const { stack } = aPlatform({ oidc: { ...OIDC, audience: 'spa', console: { clientId: 'spa', token: 'id' } } });

    expect(oidcVariablesByFunction(stack)[FUNCTIONS.console.description]).toMatchObject({ OIDC_CONSOLE_TOKEN: 'id' });
  });

  it('spells the settings as the variables loadOidcConfig reads, the claims only when given', () => {
    expect(identityEnvironment({ oidc: OIDC })).toEqual({
      OIDC_ISSUER: 'https://acme.eu.auth0.com/',
      OIDC_AUDIENCE: 'https://api.acme.example',
    });
    expect(
      identityEnvironment({
        oidc: { ...OIDC, subjectClaim: 'oid', emailClaim: 'upn', emailVerifiedClaim: 'upn_verified' },
      }),
    ).toMatchObject({
      OIDC_SUBJECT_CLAIM: 'oid',
      OIDC_EMAIL_CLAIM: 'upn',
      OIDC_EMAIL_VERIFIED_CLAIM: 'upn_verified',
    });
    expect(identityEnvironment(undefined)).toEqual({});
  });
});
