/**
 * The console's OIDC sign-in for its page: the configured client plus the issuer's endpoints from
 * its discovery document, fetched once per instance. An identity provider that is down or
 * misconfigured costs people the "Sign in with …" button, never the console: the page is served
 * without it (sign-in links still work) and discovery is tried again a minute later. Once the
 * endpoints were discovered, a failed hourly refresh keeps them (see fetchSignIn).
 */
import { discoverOidcIssuer } from '../adapters/oidc-discovery';
import type { ConsoleSignInSettings } from '../runtime/config';
import type { ConsoleSignIn } from './console-site';

/** Long enough that a page load during an outage waits at most once a minute. */
export const SIGN_IN_RETRY_AFTER_MS = 60_000;
/** A discovery answer is kept this long, so a provider's moved endpoints are picked up within the hour. */
export const SIGN_IN_KEPT_MS = 3_600_000;
/** The page waits at most this long for the provider's discovery document. */
const DISCOVERY_TIMEOUT_MS = 2_000;

export interface ConsoleSignInDeps {
  discover?: typeof discoverOidcIssuer;
  now?: () => number;
  /** Once per failed discovery: why the page has no sign-in button, or keeps the one discovered before. */
  onUnavailable: (reason: string, error?: unknown) => void;
}

export function consoleSignInLoader(
  settings: ConsoleSignInSettings,
  deps: ConsoleSignInDeps,
): () => Promise<ConsoleSignIn | undefined> {
  const discover = deps.discover ?? discoverOidcIssuer;
  const now = deps.now ?? Date.now;
  let held: { value: ConsoleSignIn | undefined; until: number } | undefined;
  let pending: Promise<ConsoleSignIn | undefined> | undefined;
  /** What the last discovery that worked gave, until the provider answers that it has no endpoints. */
  let lastGood: ConsoleSignIn | undefined;

  const fetchSignIn = async (): Promise<ConsoleSignIn | undefined> => {
    try {
      const discovered = await discover(settings.issuer, fetch, DISCOVERY_TIMEOUT_MS);
      if (!discovered.authorizationEndpoint || !discovered.tokenEndpoint) {
        deps.onUnavailable(
          `The discovery document of ${settings.issuer} names no https authorization_endpoint and token_endpoint; the console offers sign-in links only.`,
        );
        lastGood = undefined;
        held = { value: undefined, until: now() + SIGN_IN_RETRY_AFTER_MS };
        return undefined;
      }
      const value: ConsoleSignIn = {
        ...settings,
        authorizationEndpoint: discovered.authorizationEndpoint.href,
        tokenEndpoint: discovered.tokenEndpoint.href,
      };
      lastGood = value;
      held = { value, until: now() + SIGN_IN_KEPT_MS };
      return value;
    } catch (error) {
      // A refresh that fails (a blip, a timeout) keeps the endpoints that worked: they were the
      // issuer's own an hour ago and most likely still are, and dropping the button for a minute
      // would send people to sign-in links for nothing. An answer naming no endpoints (above) drops it.
      deps.onUnavailable(
        lastGood
          ? `The identity provider ${settings.issuer} could not be discovered again; the console keeps the endpoints discovered before and tries again in a minute.`
          : `The identity provider ${settings.issuer} could not be discovered; the console offers sign-in links only for a minute.`,
        error,
      );
      held = { value: lastGood, until: now() + SIGN_IN_RETRY_AFTER_MS };
      return lastGood;
    }
  };

  return async () => {
    if (held && now() < held.until) return held.value;
    // Concurrent page loads share one discovery.
    pending ??= fetchSignIn().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
