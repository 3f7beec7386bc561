/**
 * What a management call presents: an API key (the key authorizer decides, in the deployment's
 * header mode), or a person's `Authorization: Bearer` token, a console session token or an OIDC
 * JWT. An x-api-key header always means a key, so every call that worked with a key before people
 * could sign in still goes where it went. One person credential per request: two different ones,
 * or one beside a Bearer key, are refused.
 */

import { activeKeyPrefix, looksLikeKey } from '../domain/keys/key-token';
import { bearerValuesOf, type RequestHeaders, valuesOf } from '../domain/keys/presented-key';
import { looksLikeSessionToken } from '../domain/sessions/session-token';

export type PresentedCredential =
  | { kind: 'key' }
  | { kind: 'session'; token: string }
  | { kind: 'oidc'; token: string }
  | { kind: 'ambiguous' };

/** A compact JWS: three base64url parts (header, payload, signature). */
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function presentedCredential(
  request: RequestHeaders,
  keyPrefix: string = activeKeyPrefix(),
): PresentedCredential {
  if (valuesOf(request, 'x-api-key').length > 0) return { kind: 'key' };
  const bearers = new Set(bearerValuesOf(request));
  const personTokens = [...bearers].filter(
    (token) => !looksLikeKey(token, keyPrefix) && (looksLikeSessionToken(token) || JWT_PATTERN.test(token)),
  );
  const [token] = personTokens;
  if (token === undefined) return { kind: 'key' };
  if (bearers.size > 1) return { kind: 'ambiguous' };
  return looksLikeSessionToken(token) ? { kind: 'session', token } : { kind: 'oidc', token };
}
