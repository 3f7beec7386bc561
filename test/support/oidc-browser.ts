/**
 * Signs in at the local OIDC provider as a browser would: authorization code with PKCE, following
 * redirects by hand with a cookie jar, the development login form posted with the person's email.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import {
  LOCAL_OIDC_AUDIENCE,
  LOCAL_OIDC_CLIENT_ID,
  LOCAL_OIDC_STATE_FILE_NAME,
} from '../../local/oidc/local-oidc-provider';
import type { Bootstrap } from '../../local/platform';

export interface OidcTokens {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
}

/** A redirect URI the provider accepts on any port; nothing needs to listen there. */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export async function signInAtLocalOidc(issuer: string, email: string): Promise<OidcTokens> {
  const browser = aBrowser();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: LOCAL_OIDC_CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const toLogin = await browser.go(authorize.href);
  const form = await browser.go(locationOf(toLogin, issuer));
  const page = await form.text();
  if (!page.includes('Development only')) throw new Error(`Expected the development login form, got ${page}`);
  const action = /action="(\/interaction\/[^"]+\/login)"/.exec(page)?.[1];
  const submitted = await browser.go(`${issuer}${action}`, { method: 'POST', body: new URLSearchParams({ email }) });
  let next = locationOf(submitted, issuer);
  while (!next.startsWith(REDIRECT_URI)) {
    const response = await browser.go(next);
    const consent = response.status === 200 && /action="(\/interaction\/[^"]+\/confirm)"/.exec(await response.text());
    next = locationOf(consent ? await browser.go(`${issuer}${consent[1]}`, { method: 'POST' }) : response, issuer);
  }
  const callback = new URL(next);
  if (callback.searchParams.get('state') !== state) throw new Error(`Unexpected callback ${next}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`No code in the callback: ${next}`);

  const token = await fetch(`${issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: LOCAL_OIDC_CLIENT_ID,
      code_verifier: verifier,
    }),
  });
  if (token.status !== 200) throw new Error(`The token endpoint answered ${token.status}: ${await token.text()}`);
  return (await token.json()) as OidcTokens;
}

/** fetch with a cookie jar, redirects left to the caller. */
function aBrowser() {
  const cookies = new Map<string, string>();
  return {
    async go(url: string, init: RequestInit = {}) {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const [name = '', value = ''] = pair.split(/=(.*)/s);
        const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=.*1970/i.test(a));
        if (cleared) cookies.delete(name.trim());
        else cookies.set(name.trim(), value);
      }
      return response;
    },
  };
}

function locationOf(response: Response, base: string): string {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`Expected a redirect from ${response.url}, got ${response.status}`);
  }
  return new URL(location, base).href;
}

/**
 * A token as the local provider would sign it (its own key, read from its state file beside the
 * platform's definition), with any claims: for tokens the provider would not hand out, like expired ones.
 */
export async function signedByLocalOidc(
  bootstrap: Pick<Bootstrap, 'apiDefinitionFile' | 'oidcIssuer'>,
  claims: JWTPayload,
): Promise<string> {
  const stateFile = join(dirname(bootstrap.apiDefinitionFile), LOCAL_OIDC_STATE_FILE_NAME);
  const { jwks } = JSON.parse(readFileSync(stateFile, 'utf8')) as { jwks: { keys: (JWK & { kid: string })[] } };
  const [jwk] = jwks.keys;
  if (!jwk) throw new Error(`No signing key in ${stateFile}`);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: bootstrap.oidcIssuer,
    aud: LOCAL_OIDC_AUDIENCE,
    iat: now,
    exp: now + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwk.kid })
    .sign(await importJWK(jwk, 'ES256'));
}
