/**
 * How people sign in (the construct's `identity`): the team's OIDC identity provider for the
 * management API, and where console sign-in links point.
 */
import { Token } from 'aws-cdk-lib';
import {
  type consoleSignInConfig,
  type consoleUrlConfig,
  type oidcConfig,
  RESERVED_AUTHORIZE_PARAMS,
} from '../functions/runtime/config';

export interface OidcOptions {
  /**
   * The issuer exactly as its tokens spell `iss` (https; Auth0's ends with a slash, Cognito's is
   * `https://cognito-idp.<region>.amazonaws.com/<pool id>`). Its keys come from its discovery document.
   */
  issuer: string;
  /** The `aud` of the tokens people send (an API identifier, or the app client id for ID tokens). */
  audience: string;
  /** The claim naming the person; `sub` by default. */
  subjectClaim?: string;
  /**
   * The claim holding the person's email, mapped to an invited member when the provider vouches for
   * it (see emailVerifiedClaim); `email` by default.
   */
  emailClaim?: string;
  /**
   * The boolean claim that vouches for emailClaim. Defaults to `email_verified`, but only for the
   * `email` claim: with another emailClaim nobody is mapped by email unless this names the claim
   * that verifies it, because a custom claim may be one users write themselves (Cognito's
   * `custom:*` attributes) and would let anyone take over a member by typing their address.
   */
  emailVerifiedClaim?: string;
  /**
   * The console's "Sign in with your identity provider" button: a public client at the issuer
   * (authorization code with PKCE, no secret) whose redirect URIs are each stage's
   * `<console>/sign-in`; the token it sends must carry `audience` (see `token`). Without it people
   * sign in to the console by link only.
   */
  console?: ConsoleSignInOptions;
}

export interface ConsoleSignInOptions {
  /** The public client's id (Cognito app client without a secret, Auth0 SPA, Okta SPA app). */
  clientId: string;
  /** Scopes asked for; `openid email` by default. */
  scopes?: string[];
  /**
   * Extra parameters of the authorization request, when the provider needs them for an access
   * token of the API: Auth0's `{ audience: 'https://api.acme.example' }`.
   */
  authorizeParams?: Record<string, string>;
  /**
   * Which of the provider's tokens the console sends to the API: `access` (default; its `aud` must
   * be `oidc.audience` and it must carry the person's email, which Auth0 and Okta add only by a
   * rule) or `id`, the ID token, whose `aud` is `clientId` and which carries `email` and
   * `email_verified` (Cognito, whose access tokens have neither): then set `oidc.audience` to
   * `clientId`.
   */
  token?: 'access' | 'id';
}

export interface IdentityOptions {
  /** People sign in to the management API with tokens of this provider; without it only console sessions and keys. */
  oidc?: OidcOptions;
  /** The console's base URL for sign-in links; `https://<host>/<stage>/console` of the request when unset. */
  consoleUrl?: string;
}

type OidcVariable = keyof typeof oidcConfig;
type ConsoleUrlVariable = keyof typeof consoleUrlConfig;
type ConsoleSignInVariable = keyof typeof consoleSignInConfig;

/** One line per mistake, for ApiKeyPlatformPropsError. */
export function identityProblems(identity: IdentityOptions | undefined): string[] {
  const problems: string[] = [];
  const oidc = identity?.oidc;
  if (oidc) {
    if (!isHttpsUrl(oidc.issuer)) {
      problems.push(`identity.oidc.issuer must be an https URL (tokens' iss claim, exactly); got '${oidc.issuer}'`);
    }
    if (!Token.isUnresolved(oidc.audience) && oidc.audience.trim() === '') {
      problems.push('identity.oidc.audience must name the audience (aud) of the tokens people send');
    }
    for (const claim of ['subjectClaim', 'emailClaim', 'emailVerifiedClaim'] as const) {
      if (oidc[claim] !== undefined && oidc[claim].trim() === '') {
        problems.push(`identity.oidc.${claim} is empty: leave it out for the default`);
      }
    }
    problems.push(...consoleSignInProblems(oidc.console, oidc.audience));
  }
  if (identity?.consoleUrl !== undefined && !isHttpsUrl(identity.consoleUrl)) {
    problems.push(`identity.consoleUrl must be an https URL; got '${identity.consoleUrl}'`);
  }
  return problems;
}

/** The management authorizer's OIDC_* variables (functions/runtime/config.ts); none when OIDC is off. */
export function identityEnvironment(identity: IdentityOptions | undefined): Partial<Record<OidcVariable, string>> {
  const oidc = identity?.oidc;
  if (!oidc) return {};
  return {
    OIDC_ISSUER: oidc.issuer,
    OIDC_AUDIENCE: oidc.audience,
    ...(oidc.subjectClaim && { OIDC_SUBJECT_CLAIM: oidc.subjectClaim }),
    ...(oidc.emailClaim && { OIDC_EMAIL_CLAIM: oidc.emailClaim }),
    ...(oidc.emailVerifiedClaim && { OIDC_EMAIL_VERIFIED_CLAIM: oidc.emailVerifiedClaim }),
  };
}

function consoleSignInProblems(console: ConsoleSignInOptions | undefined, identityAudience: string): string[] {
  if (!console) return [];
  const problems: string[] = [];
  if (!Token.isUnresolved(console.clientId) && console.clientId.trim() === '') {
    problems.push('identity.oidc.console.clientId must name the public client the console signs people in with');
  }
  if (console.scopes !== undefined && console.scopes.length === 0) {
    problems.push("identity.oidc.console.scopes is empty: leave it out for 'openid email'");
  }
  if (console.scopes?.some((scope) => !/^\S+$/.test(scope))) {
    problems.push(
      `identity.oidc.console.scopes must be single words such as 'openid'; got ${JSON.stringify(console.scopes)}`,
    );
  }
  const params: unknown = console.authorizeParams;
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    problems.push('identity.oidc.console.authorizeParams must be an object of parameter names to strings');
  }
  if (console.token === 'id' && console.scopes !== undefined && !console.scopes.includes('openid')) {
    problems.push("identity.oidc.console.token 'id' needs the 'openid' scope, without which no ID token is issued");
  }
  const notStrings = Object.entries(console.authorizeParams ?? {}).filter(([, value]) => typeof value !== 'string');
  if (notStrings.length > 0) {
    problems.push(
      `identity.oidc.console.authorizeParams values must be strings; ${notStrings.map(([name]) => name).join(', ')} is not`,
    );
  }
  if (console.token !== undefined && console.token !== 'access' && console.token !== 'id') {
    problems.push(`identity.oidc.console.token must be 'access' or 'id'; got '${String(console.token)}'`);
  }
  const resolved = !Token.isUnresolved(console.clientId) && !Token.isUnresolved(identityAudience);
  if (console.token === 'id' && resolved && identityAudience !== console.clientId) {
    problems.push(
      "identity.oidc.console.token 'id' sends ID tokens, whose aud is the client: set identity.oidc.audience to identity.oidc.console.clientId",
    );
  }
  const reserved = Object.keys(console.authorizeParams ?? {}).filter((name) =>
    RESERVED_AUTHORIZE_PARAMS.includes(name),
  );
  if (reserved.length > 0) {
    problems.push(
      `identity.oidc.console.authorizeParams may not set ${reserved.join(', ')}: the console sets them itself`,
    );
  }
  return problems;
}

/** The console function's variables for its sign-in button (loadConsoleSignInConfig); none without identity.oidc.console. */
export function consoleSignInEnvironment(
  identity: IdentityOptions | undefined,
): Partial<Record<ConsoleSignInVariable, string>> {
  const oidc = identity?.oidc;
  if (!oidc?.console) return {};
  const { clientId, scopes, authorizeParams } = oidc.console;
  return {
    OIDC_ISSUER: oidc.issuer,
    OIDC_CONSOLE_CLIENT_ID: clientId,
    ...(scopes && { OIDC_CONSOLE_SCOPE: scopes.join(' ') }),
    ...(authorizeParams && { OIDC_CONSOLE_AUTHORIZE_PARAMS: JSON.stringify(authorizeParams) }),
    ...(oidc.console.token && { OIDC_CONSOLE_TOKEN: oidc.console.token }),
  };
}

/** CONSOLE_URL for the function that makes console sign-in links; none when unset. */
export function consoleUrlEnvironment(
  identity: IdentityOptions | undefined,
): Partial<Record<ConsoleUrlVariable, string>> {
  return identity?.consoleUrl ? { CONSOLE_URL: identity.consoleUrl.replace(/\/$/, '') } : {};
}

function isHttpsUrl(value: string): boolean {
  if (Token.isUnresolved(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !/\s/.test(value);
  } catch {
    return false;
  }
}
