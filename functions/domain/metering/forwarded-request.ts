/**
 * What a backend other than Lambda receives: the client's request, minus the headers that belong
 * to one connection, plus the caller headers. Shared by the metered proxy and the local gateway,
 * so a backend sees the same request whichever forwards it (API Gateway's HTTP_PROXY does the same).
 */
import { CALLER_HEADERS, callerHeadersOf } from '../../definition/caller-headers';

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
 * names) and less any it sent under a caller header's name, then the caller headers from the
 * authorizer context (see CALLER_HEADERS), so a client can never speak for another organization or key.
 */
export function forwardedHeaders(
  headers: MultiValueHeaders | null,
  authorizerContext: Readonly<Record<string, unknown>>,
): [string, string][] {
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
    if (NOT_FORWARDED_HEADERS.has(lower) || named.has(lower) || CALLER_HEADER_NAMES.has(lower)) continue;
    for (const value of values ?? []) forwarded.push([name, value]);
  }
  forwarded.push(...Object.entries(callerHeadersOf(authorizerContext)));
  return forwarded;
}

/**
 * The backend URL of a request: the route's URL with its `{name}` path parameters filled in
 * (percent-encoded, so a value cannot add path segments) and the client's query string appended.
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
    return encodeURIComponent(value);
  });
  const url = new URL(filled);
  for (const [name, values] of Object.entries(query ?? {})) {
    for (const value of values ?? []) url.searchParams.append(name, value);
  }
  return url;
}
