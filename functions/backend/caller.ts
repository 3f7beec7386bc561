/** Reading the caller in a backend: from a Lambda proxy event, or from an HTTP request's headers. */
import { type CallerHeader, callerHeaderContext, callerHeadersOf } from '../definition/caller-headers';
import { assertionProblem, signCaller, signedFieldsOf, signingKeyOf } from '../domain/caller-assertion';
import {
  backendCallerOf,
  CallerSignatureError,
  type HeaderSource,
  headerReader,
  callerFromHeaders as readCallerHeaders,
} from '../domain/caller-context';
import type { Caller } from './index';

/** A Lambda proxy event, as far as the caller goes (APIGatewayProxyEvent fits). */
export interface ProxyEventWithCaller {
  requestContext?: { authorizer?: unknown } | null;
}

/**
 * The caller of a Lambda backend, from `event.requestContext.authorizer` as the platform's key
 * authorizer sets it. Its `accounts` are the ones HTTP backends get in X-Caller-Accounts: a key
 * with accounts `*` comes with its organization's sub-account ids spelled out, so `requireAccount`
 * holds it to them; `*` only for an organization with more than fit in a header (then pass
 * `accountsOf`). Throws MissingCallerError (403) when the event did not come through the
 * platform's gateway.
 */
export function callerOf(event: ProxyEventWithCaller): Caller {
  return backendCallerOf(event.requestContext?.authorizer);
}

/** How `callerFromHeaders` checks that the gateway, and no one else, sent the caller headers. */
export type CallerHeaderOptions = SignedCallerHeaderOptions | UnsignedCallerHeaderOptions;

export interface SignedCallerHeaderOptions {
  /**
   * The caller signing secret's value (`platform.callerSigningSecret`): the base64 text Secrets
   * Manager holds, or its decoded bytes. Read it once at start-up, never log it.
   */
  signingSecret: string | Uint8Array;
  /**
   * How old a signature may be, in seconds; DEFAULT_CALLER_MAX_AGE_SECONDS (360) when unset. API
   * Gateway caches the authorizer's answer, signature included, for up to 300 s and hands the same
   * one to every call in that time, so the window must be longer than the deployment's authorizer
   * cache TTL or cached calls would be refused near the end of it. Shorter is stricter on replays.
   */
  maxAgeSeconds?: number;
  /**
   * The APIs whose signatures to accept: a REST API id (`a1b2c3d4e5`, any stage) or `<id>/<stage>`
   * (`a1b2c3d4e5/live`). Unset, any API of this platform (the secret is per platform) is accepted.
   */
  audience?: string | readonly string[];
  /** The clock (tests). */
  now?: () => Date;
}

export interface UnsignedCallerHeaderOptions {
  /**
   * Trust the headers without a signature. Only behind a private integration (a VPC link, a
   * network no client reaches): anyone who reaches the backend's URL can claim any caller.
   */
  unsigned: true;
}

/**
 * The default freshness window of a caller signature: above the longest authorizer cache TTL
 * (300 s), during which API Gateway reuses one signed answer, plus a minute for clock skew and slow calls.
 */
export const DEFAULT_CALLER_MAX_AGE_SECONDS = 360;

/**
 * The caller of an HTTP backend, from the CALLER_HEADERS the gateway sets (any letter case; a
 * Node `IncomingHttpHeaders`, a fetch `Headers` or a plain record), after checking their
 * signature (X-Caller-Signature, HMAC-SHA256 with the caller signing secret, compared in constant
 * time) and its age. Throws CallerSignatureError (401) when the signature is missing, wrong, too
 * old or for another API: the request did not come through the gateway. Throws MissingCallerError
 * (403) naming every caller header that is missing or malformed.
 *
 * `{ unsigned: true }` skips the signature: only for a backend behind a private integration.
 * Without either option it throws (a setup mistake, not a caller's).
 */
export function callerFromHeaders(headers: HeaderSource, options: CallerHeaderOptions): Caller {
  if (options && 'unsigned' in options && options.unsigned === true) return readCallerHeaders(headers);
  if (!options || !('signingSecret' in options) || !options.signingSecret) {
    throw new Error(
      "callerFromHeaders needs { signingSecret } (the platform's caller signing secret) to know the gateway sent the caller headers; pass { unsigned: true } only behind a private integration.",
    );
  }
  const key = signingKeyOf(options.signingSecret);
  const caller = readCallerHeaders(headers);
  const read = headerReader(headers);
  const problem = assertionProblem(
    key,
    signedFieldsOf(caller),
    {
      callerAudience: read('X-Caller-Audience'),
      callerIssuedAt: read('X-Caller-Issued-At'),
      callerSignature: read('X-Caller-Signature'),
    },
    {
      nowSeconds: (options.now?.() ?? new Date()).getTime() / 1000,
      maxAgeSeconds: options.maxAgeSeconds ?? DEFAULT_CALLER_MAX_AGE_SECONDS,
      ...(options.audience !== undefined && {
        audiences: typeof options.audience === 'string' ? [options.audience] : options.audience,
      }),
    },
  );
  if (problem) {
    throw new CallerSignatureError(
      `This backend must be called through the API gateway, which signs the caller headers: ${problem}.`,
    );
  }
  return caller;
}

/**
 * The caller headers the gateway would send for `caller`, signed with the caller signing secret as
 * the platform's authorizer signs them: for a backend's own tests, which call it as the gateway does.
 * `audience` is `<rest api id>/<stage>` (default `test-api/live`), `now` the time of signing.
 */
export function signedCallerHeaders(
  caller: Caller,
  options: { signingSecret: string | Uint8Array; audience?: string; now?: Date },
): Partial<Record<CallerHeader, string>> {
  const assertion = signCaller(signingKeyOf(options.signingSecret), signedFieldsOf(caller), {
    audience: options.audience ?? 'test-api/live',
    issuedAtSeconds: (options.now ?? new Date()).getTime() / 1000,
  });
  return callerHeadersOf({ ...caller, ...callerHeaderContext(caller), ...assertion });
}
