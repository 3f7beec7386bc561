/**
 * The console session: its token lives in sessionStorage only (gone with the tab, never in
 * localStorage, never logged). A sign-in link's `#csl_…` is exchanged once for it.
 */
import type { ConsoleConfig } from './config';
import { stageUrl } from './config';

const TOKEN_KEY = 'console.session';
const SESSION_ID_KEY = 'console.sessionId';
const ORGANIZATION_KEY = 'console.organizationId';

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string, sessionId?: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  if (sessionId) sessionStorage.setItem(SESSION_ID_KEY, sessionId);
}

/** The console session behind the stored token; none when the token is the identity provider's. */
export function storedSessionId(): string | undefined {
  try {
    return sessionStorage.getItem(SESSION_ID_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The organization a person of several chose after signing in with the identity provider: sent as
 * X-Organization-Id, since their token names the person, not the organization.
 */
export function storedOrganizationId(): string | undefined {
  try {
    return sessionStorage.getItem(ORGANIZATION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeOrganizationId(organizationId: string): void {
  sessionStorage.setItem(ORGANIZATION_KEY, organizationId);
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(SESSION_ID_KEY);
    sessionStorage.removeItem(ORGANIZATION_KEY);
  } catch {
    // Nothing stored.
  }
}

/** The link token in the URL fragment (`#csl_…`), if this is a sign-in link. */
export function linkTokenInUrl(): string | undefined {
  const fragment = location.hash.slice(1);
  return fragment.startsWith('csl_') ? fragment : undefined;
}

/** The console's own address without `/sign-in` or a fragment: where the app lives. */
export function consoleHome(): string {
  return location.pathname.replace(/\/sign-in\/?$/, '');
}

/** Drops the link (or the identity provider's answer) from the address bar and history before anything else runs. */
export function dropLinkFromUrl(): void {
  history.replaceState(null, '', `${consoleHome()}#/keys`);
}

export class LinkRefusedError extends Error {}

/** POST /v1/console-sessions/exchange: the link authenticates; it works once. */
export async function exchangeLink(config: ConsoleConfig, link: string): Promise<{ token: string; sessionId: string }> {
  const response = await fetch(`${stageUrl(config, config.stages.live)}/v1/console-sessions/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ link }),
  });
  if (response.status === 400 || response.status === 401 || response.status === 404) throw new LinkRefusedError();
  if (!response.ok) throw new Error(`Sign-in failed (HTTP ${response.status}).`);
  const { token, sessionId } = (await response.json()) as { token: string; sessionId: string };
  return { token, sessionId };
}
