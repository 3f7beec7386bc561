/**
 * Which key a request presents, in the deployment's header mode. One key per request: a request
 * that carries two different key values (two `x-api-key` headers, or `x-api-key` and a Bearer key)
 * is refused, whatever a gateway does with repeated headers, so no cache can answer one key's
 * request with another key's verdict. `multiValueHeaders` holds every repeat; `headers` only one.
 */
import type { ApiKeyHeaderMode } from '../../definition/api';
import { activeKeyPrefix, looksLikeKey } from './key-token';

export interface RequestHeaders {
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
}

export type PresentedToken = { token: string } | { problem: 'missing' | 'ambiguous' };

/** The values of every `Authorization: Bearer <value>` header; other schemes are not ours. */
export function bearerValuesOf(request: RequestHeaders): string[] {
  return valuesOf(request, 'authorization').flatMap((value) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(value);
    return bearer ? [bearer[1] as string] : [];
  });
}

export function presentedKey(
  request: RequestHeaders,
  mode: ApiKeyHeaderMode,
  keyPrefix: string = activeKeyPrefix(),
): PresentedToken {
  const apiKeys = valuesOf(request, 'x-api-key');
  const bearers = bearerValuesOf(request);
  // A Bearer value of another shape (a user's JWT, say) is not a key.
  const keyLike = (values: string[]) => values.filter((value) => looksLikeKey(value, keyPrefix));
  // The mode's own header counts whatever it holds; the other header only when it holds a key.
  const [primary, other] =
    mode === 'x-api-key'
      ? [apiKeys, keyLike(bearers)]
      : mode === 'authorization'
        ? [bearers, keyLike(apiKeys)]
        : [[...apiKeys, ...(apiKeys.length === 0 ? bearers : keyLike(bearers))], []];
  const distinct = new Set([...primary, ...other]);
  if (distinct.size > 1) return { problem: 'ambiguous' };
  const [token] = primary;
  return token === undefined ? { problem: 'missing' } : { token };
}

/** Every value of a header, from both views of the request, trimmed; names are case-insensitive. */
export function valuesOf(request: RequestHeaders, name: string): string[] {
  const values: string[] = [];
  for (const [key, list] of Object.entries(request.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === name) values.push(...(list ?? []));
  }
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === name && value !== undefined) values.push(value);
  }
  return values.map((value) => value.trim()).filter((value) => value.length > 0);
}
