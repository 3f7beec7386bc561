/**
 * Verifies a person's OIDC token (a JWT from the team's identity provider: Cognito, Auth0, Okta, the
 * local provider) against the issuer's published keys. Every token that is not provably good,
 * whatever the reason, is `undefined`: the caller answers 401 and learns nothing more.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  jwtVerify,
  type RemoteJWKSet,
} from 'jose';
import { discoverOidcIssuer } from './oidc-discovery';

/** Asymmetric only: `none` and HMAC (HS256, whose key would be public) are refused. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;
/** Seconds of clock skew allowed on exp, nbf and iat. */
export const OIDC_CLOCK_TOLERANCE_SECONDS = 5;
/** 9999-12-31T23:59:59Z: the last `exp` whose ISO 8601 form has a four-digit year. */
const LATEST_EXP_SECONDS = 253_402_300_799;
/** Verified tokens kept per instance; past it the oldest goes first. */
const MAX_CACHED_TOKENS = 1000;

export interface OidcVerifierOptions {
  /** Exactly as the provider's tokens spell `iss` (Auth0's ends with a slash). */
  issuer: string;
  audience: string;
  /** The claim naming the person; `sub` unless the provider's stable id is elsewhere. */
  subjectClaim?: string;
  /** The claim holding the person's email; `email` by default. */
  emailClaim?: string;
  /**
   * The boolean claim by which the provider vouches for `emailClaim`. `email_verified` speaks for
   * `email` only, so it is the default only when `emailClaim` is `email`. With another email claim
   * and no verified claim named, nobody is mapped by email (only by a linked subject): a custom
   * claim may be one the user writes themselves (Cognito's `custom:*`), and trusting it would let
   * anyone take over a member by typing their address.
   */
  emailVerifiedClaim?: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
  /**
   * Told when the issuer's keys could not be fetched (all tokens fail, or with keys held only tokens
   * naming a new key id are refused; the message says which): once per OIDC_ISSUER_RETRY_AFTER_MS window.
   */
  onIssuerUnavailable?: (error: OidcIssuerUnavailableError) => void;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email?: string;
  /** Only the verified claim (`email_verified` for `email`) as the boolean true counts: a person is mapped by email only then. */
  emailVerified: boolean;
  /** The token's `exp` (ISO 8601): a console session the person creates with it must end by then. */
  expiresAt: string;
}

/**
 * The issuer could not be asked for its keys (down, not an OIDC issuer, a JWKS that does not parse):
 * no statement about the token. The management authorizer lets it surface as a 500
 * (AUTHORIZER_FAILURE: the platform's dependency is down, not the caller's fault) rather than a 401
 * that would send people to look for a wrong password.
 */
export class OidcIssuerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OidcIssuerUnavailableError';
  }
}

export interface OidcVerifier {
  verify(token: string): Promise<OidcIdentity | undefined>;
}

export function createOidcVerifier(options: OidcVerifierOptions): OidcVerifier {
  const { issuer, audience, subjectClaim = 'sub', emailClaim = 'email' } = options;
  const emailVerifiedClaim = options.emailVerifiedClaim ?? (emailClaim === 'email' ? 'email_verified' : undefined);
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const keysOfIssuer = remoteKeySet(issuer, fetchImpl, now, options.onIssuerUnavailable ?? (() => {}));
  const verified = new Map<string, { identity: OidcIdentity; expiresAtMs: number }>();

  return {
    async verify(token) {
      const cached = verified.get(token);
      if (cached && cached.expiresAtMs > now()) return cached.identity;
      if (cached) verified.delete(token);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keysOfIssuer, {
          issuer,
          audience,
          algorithms: [...OIDC_ALGORITHMS],
          clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          // A token without exp would never stop working.
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        if (error instanceof OidcIssuerUnavailableError) throw error;
        return undefined;
      }
      const identity = identityOf(payload, { issuer, subjectClaim, emailClaim, emailVerifiedClaim });
      if (!identity) return undefined;
      if (verified.size >= MAX_CACHED_TOKENS) verified.delete(verified.keys().next().value as string);
      verified.set(token, { identity, expiresAtMs: (payload.exp as number) * 1000 });
      return identity;
    },
  };
}

function identityOf(
  payload: Record<string, unknown>,
  claims: { issuer: string; subjectClaim: string; emailClaim: string; emailVerifiedClaim: string | undefined },
): OidcIdentity | undefined {
  const subject = payload[claims.subjectClaim];
  if (typeof subject !== 'string' || subject === '') return undefined;
  // jwtVerify required exp and checked it is a number. One past 9999-12-31 has no plain ISO 8601
  // form (toISOString writes '+010000-…'), which the authorizer context's parser refuses.
  if ((payload.exp as number) > LATEST_EXP_SECONDS) return undefined;
  const expiresAt = new Date((payload.exp as number) * 1000);
  if (Number.isNaN(expiresAt.getTime())) return undefined;
  const email = payload[claims.emailClaim];
  return {
    issuer: claims.issuer,
    subject,
    ...(typeof email === 'string' && email !== '' && { email }),
    emailVerified: claims.emailVerifiedClaim !== undefined && payload[claims.emailVerifiedClaim] === true,
    expiresAt: expiresAt.toISOString(),
  };
}

/**
 * After the issuer failed to give its keys, the issuer is not asked again for this long (see
 * remoteKeySet for which tokens fail meanwhile): an issuer outage must not turn each management call
 * into a discovery or JWKS fetch that waits out its timeout.
 */
export const OIDC_ISSUER_RETRY_AFTER_MS = 10_000;

/**
 * The issuer's keys: discovery once (retried after a failure), then jose's remote key set, which
 * caches the keys (10 min) and fetches them again when a token names a key id it has not seen
 * (rotation, at most every 30 s after a fetch that worked). Nothing is fetched for a token whose
 * header is already wrong: jose checks the algorithm first.
 *
 * Two failures, two answers. Without usable keys (discovery failed, the first fetch failed, or the
 * keys went stale and fetching them again failed) no token can be judged: every token fails with
 * OidcIssuerUnavailableError, without asking again, for OIDC_ISSUER_RETRY_AFTER_MS. With fresh keys
 * held, a failed fetch for an unknown key id refuses only the tokens naming a key not held, and for
 * the same window those are refused without a fetch: anyone can mint a token with a random key id,
 * and must not turn a short JWKS blip into an outage for the people whose keys are held, nor make
 * each call a fetch. Either failure is reported once per window.
 */
function remoteKeySet(
  issuer: string,
  fetchImpl: typeof fetch,
  now: () => number,
  onUnavailable: (error: OidcIssuerUnavailableError) => void,
) {
  let keySet: Promise<RemoteJWKSet> | undefined;
  let discovered: RemoteJWKSet | undefined;
  let failure: { error: OidcIssuerUnavailableError; untilMs: number } | undefined;
  let refetchFailure: { untilMs: number; keysHeld: ReturnType<typeof createLocalJWKSet> } | undefined;
  const currentFailure = () => (failure && failure.untilMs > now() ? failure.error : undefined);
  const unavailable = (error: OidcIssuerUnavailableError): OidcIssuerUnavailableError => {
    // Calls waiting on the same fetch fail together: the first reports it, the others join its window.
    const known = currentFailure();
    if (known) return known;
    failure = { error, untilMs: now() + OIDC_ISSUER_RETRY_AFTER_MS };
    onUnavailable(error);
    return error;
  };
  const refetchFailed = (keys: RemoteJWKSet, cause: unknown): errors.JWKSNoMatchingKey => {
    if (!(refetchFailure && refetchFailure.untilMs > now())) {
      refetchFailure = {
        untilMs: now() + OIDC_ISSUER_RETRY_AFTER_MS,
        keysHeld: createLocalJWKSet(keys.jwks() as JSONWebKeySet),
      };
      onUnavailable(
        new OidcIssuerUnavailableError(
          `The OIDC issuer's keys could not be fetched again for a token naming a key id not held: such tokens are refused (401); tokens under the keys held still verify: ${String(cause)}`,
          { cause },
        ),
      );
    }
    return new errors.JWKSNoMatchingKey();
  };
  const usable = (keys: RemoteJWKSet | undefined) => (keys?.fresh && keys.jwks() ? keys : undefined);

  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const held = usable(discovered);
    if (held) {
      if (refetchFailure && refetchFailure.untilMs > now()) return refetchFailure.keysHeld(header, token);
      try {
        return await held(header, token);
      } catch (error) {
        if (!isFetchFailure(error)) throw error;
        // The keys went stale in between: the fetch that failed was for all tokens, not this one.
        if (!usable(held)) throw unavailable(keysNotFetched(error));
        throw refetchFailed(held, error);
      }
    }
    const known = currentFailure();
    if (known) throw known;
    keySet ??= discoverJwksUri(issuer, fetchImpl)
      .then((jwksUri) => {
        discovered = createRemoteJWKSet(jwksUri, { [customFetch]: fetchImpl });
        return discovered;
      })
      .catch((error: unknown) => {
        keySet = undefined;
        throw unavailable(
          error instanceof OidcIssuerUnavailableError
            ? error
            : new OidcIssuerUnavailableError(`OIDC discovery failed: ${String(error)}`, { cause: error }),
        );
      });
    const keys = await keySet;
    try {
      return await keys(header, token);
    } catch (error) {
      if (!isFetchFailure(error)) throw error;
      throw unavailable(keysNotFetched(error));
    }
  };
}

const isFetchFailure = (error: unknown) => !(error instanceof errors.JOSEError) || JWKS_FETCH_FAILURES.has(error.code);

const keysNotFetched = (cause: unknown) =>
  new OidcIssuerUnavailableError(`The OIDC issuer's keys could not be fetched: ${String(cause)}`, { cause });

/** jose's errors about fetching the key set, as opposed to the token naming no key of it. */
const JWKS_FETCH_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<URL> {
  try {
    return (await discoverOidcIssuer(issuer, fetchImpl)).jwksUri;
  } catch (error) {
    throw new OidcIssuerUnavailableError((error as Error).message, { cause: error });
  }
}
