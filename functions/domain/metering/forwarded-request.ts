/**
 * What a backend other than Lambda receives: the client's request, minus the headers that belong
 * to one connection, plus the caller headers. Shared by the metered proxy and the local gateway,
 * so a backend sees the same request whichever forwards it (API Gateway's HTTP_PROXY does the same).
 */
import type { ApiKeyHeaderMode } from '../../definition/api';
import { CALLER_HEADERS, callerHeadersOf, keyHeadersOf, REDACTED_KEY } from '../../definition/caller-headers';
import { ValidationError } from '../errors';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and never travel on, plus `host`
 * and `content-length`, which the outgoing request sets for itself, and `expect`: the gateway
 * answered the client's 100-continue itself (and fetch refuses the header).
 */
export const NOT_FORWARDED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'host',
  'content-length',
  'expect',
]);

const CALLER_HEADER_NAMES = new Set(Object.keys(CALLER_HEADERS).map((name) => name.toLowerCase()));

export type MultiValueHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/**
 * The headers to send a backend: the client's, less hop-by-hop ones (and those its `Connection`
 * names), less any it sent under a caller header's name and less its key, then the caller headers
 * from the authorizer context (see CALLER_HEADERS), so a client can never speak for another
 * organization or key, and the mode's key headers as REDACTED_KEY, as API Gateway sends them.
 */
export function forwardedHeaders(
  headers: MultiValueHeaders | null,
  authorizerContext: Readonly<Record<string, unknown>>,
  apiKeyHeader: ApiKeyHeaderMode,
): [string, string][] {
  const keyHeaders = keyHeadersOf(apiKeyHeader);
  const replaced = new Set([...CALLER_HEADER_NAMES, ...keyHeaders.map((name) => name.toLowerCase())]);
  const entries = Object.entries(headers ?? {});
  const named = new Set(
    entries
      .filter(([name]) => name.toLowerCase() === 'connection')
      .flatMap(([, values]) => values ?? [])
      .flatMap((value) => value.split(','))
      .map((name) => name.trim().toLowerCase()),
  );
  const forwarded: [string, string][] = [];
  for (const [name, values] of entries) {
    const lower = name.toLowerCase();
    if (NOT_FORWARDED_HEADERS.has(lower) || named.has(lower) || replaced.has(lower)) continue;
    for (const value of values ?? []) forwarded.push([name, value]);
  }
  forwarded.push(...Object.entries(callerHeadersOf(authorizerContext)));
  forwarded.push(...keyHeaders.map((name): [string, string] => [name, REDACTED_KEY]));
  return forwarded;
}

/**
 * The backend URL of a request: the route's URL with its `{name}` path parameters filled in
 * (percent-encoded, so a value cannot add path segments) and the client's query string appended.
 * A value of `.` or `..` is refused (400): percent-encoding leaves dots alone and the URL would
 * resolve it as a dot segment, calling another path of the backend (API Gateway may decode a
 * client's `%2E%2E` into `..`).
 */
export function backendUrl(
  template: string,
  pathParameters: Readonly<Record<string, string | undefined>> | null,
  query: MultiValueHeaders | null,
): URL {
  const filled = template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
    const value = pathParameters?.[name];
    if (value === undefined)
      throw new Error(`The request has no path parameter ${name} for the backend URL ${template}`);
    if (value === '.' || value === '..') {
      throw new ValidationError([{ field: name, message: `must be one path segment, not '${value}'` }]);
    }
    try {
      return encodeURIComponent(value);
    } catch (error) {
      // A lone UTF-16 surrogate has no UTF-8 encoding: the client's input, not a failure.
      throw new ValidationError([{ field: name, message: 'must be valid UTF-8' }], { cause: error });
    }
  });
  const url = new URL(filled);
  for (const [name, values] of Object.entries(query ?? {})) {
    for (const value of values ?? []) url.searchParams.append(name, value);
  }
  return url;
}
