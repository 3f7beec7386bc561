/**
 * Signing in with the team's identity provider: the authorization code flow with PKCE (RFC 7636)
 * of a public client, as the OAuth browser-based apps BCP describes. The verifier and state live in
 * sessionStorage between leaving for the provider and coming back to `<console>/sign-in`; the access
 * token the provider issues for the API is then the console's bearer token, like a session's.
 */
import type { ConsoleSignIn } from './config';

const PENDING_KEY = 'console.oidcPending';

interface PendingSignIn {
  state: string;
  verifier: string;
  redirectUri: string;
  /** Sent only when the ID token is the bearer token: it must come back in it. */
  nonce?: string;
}

/** What came back from the provider in the address of `/sign-in`, if anything did. */
export type ProviderAnswer =
  | { kind: 'code'; code: string; state: string }
  | { kind: 'error'; error: string; state: string };

/**
 * Why a sign-in with the provider did not complete: refused there, broken on the way back, or an
 * answer this tab never asked for (no pending sign-in with its state), which changes nothing.
 */
export class OidcSignInError extends Error {
  constructor(
    readonly reason: 'refused' | 'failed' | 'unsolicited',
    readonly error = '',
  ) {
    super(`Sign-in with the identity provider ${reason}${error ? ` (${error})` : ''}.`);
  }
}

/** The provider's host, as people know it: "login.acme.example". */
export function providerName(signIn: ConsoleSignIn): string {
  return new URL(signIn.issuer).host;
}

/** Leaves for the provider's sign-in page; it sends the browser back to `<consolePath>/sign-in`. */
export async function startOidcSignIn(signIn: ConsoleSignIn, consolePath: string): Promise<void> {
  const verifier = randomToken(32);
  const state = randomToken(16);
  const nonce = signIn.token === 'id' ? randomToken(16) : undefined;
  const redirectUri = `${location.origin}${consolePath}/sign-in`;
  const pending: PendingSignIn = { state, verifier, redirectUri, ...(nonce && { nonce }) };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const url = new URL(signIn.authorizationEndpoint);
  const params: Record<string, string> = {
    ...signIn.authorizeParams,
    client_id: signIn.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: signIn.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(nonce && { nonce }),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.href);
}

/** The provider's answer (`?code=…&state=…` or `?error=…`) on `/sign-in`; undefined anywhere else. */
export function providerAnswerInUrl(): ProviderAnswer | undefined {
  if (!/\/sign-in\/?$/.test(location.pathname)) return undefined;
  const query = new URLSearchParams(location.search);
  const state = query.get('state') ?? '';
  const error = query.get('error');
  // An error code is ASCII without spaces (RFC 6749 §4.1.2.1); anything else is shown as unknown.
  if (error !== null) return { kind: 'error', error: /^[\x21-\x7e]{1,64}$/.test(error) ? error : 'unknown', state };
  const code = query.get('code');
  return code ? { kind: 'code', code, state } : undefined;
}

/**
 * Trades the code for the provider's access token, once: the pending sign-in is forgotten first,
 * so a reloaded `/sign-in?code=…` never trades again, and a state this tab did not send is refused.
 */
export async function completeOidcSignIn(signIn: ConsoleSignIn | undefined, answer: ProviderAnswer): Promise<string> {
  // Taken only when the state is this tab's: an unsolicited answer leaves a sign-in in progress be.
  const pending = takePending(answer.state);
  if (!pending) throw new OidcSignInError('unsolicited');
  if (answer.kind === 'error') throw new OidcSignInError('refused', answer.error);
  // The page came without sign-in (the provider unreachable from the console function just now).
  if (!signIn) throw new OidcSignInError('failed', 'no sign-in');
  const response = await fetch(signIn.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: answer.code,
      redirect_uri: pending.redirectUri,
      client_id: signIn.clientId,
      code_verifier: pending.verifier,
    }),
  }).catch(() => undefined);
  if (!response?.ok) throw new OidcSignInError('failed', response ? `HTTP ${response.status}` : 'network');
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; id_token?: unknown };
  if (signIn.token === 'id') {
    if (typeof body.id_token !== 'string') throw new OidcSignInError('failed', 'no id_token');
    // The API checks its signature; the tab checks it answers this very sign-in.
    const { nonce } = claimsOf(body.id_token);
    if (typeof pending.nonce !== 'string' || nonce !== pending.nonce) throw new OidcSignInError('failed', 'nonce');
    return body.id_token;
  }
  if (typeof body.access_token !== 'string') throw new OidcSignInError('failed', 'no access_token');
  return body.access_token;
}

function claimsOf(jwt: string): { nonce?: unknown } {
  try {
    const payload = (jwt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { nonce?: unknown };
  } catch {
    return {};
  }
}

function takePending(state: string): PendingSignIn | undefined {
  let pending: PendingSignIn | undefined;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | undefined;
  } catch {
    pending = undefined;
  }
  if (!pending || typeof pending.state !== 'string' || pending.state !== state) return undefined;
  sessionStorage.removeItem(PENDING_KEY);
  return pending;
}

function randomToken(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
