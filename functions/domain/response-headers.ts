/**
 * Setting headers on a Lambda proxy result the way a client reads them: HTTP header names are
 * case-insensitive, and API Gateway merges `multiValueHeaders` with `headers`, so a header set
 * here must replace any of the same name in another letter case and in either map, or the client
 * gets it twice. Plain and dependency-free: the platform's runtime and `api-key-platform/backend`
 * both load it.
 */

type HeaderValue = boolean | number | string;

/** A Lambda proxy result, as far as headers go (APIGatewayProxyResult fits). */
export interface ResultHeaders {
  headers?: Record<string, HeaderValue> | undefined;
  multiValueHeaders?: Record<string, HeaderValue[]> | undefined;
}

/**
 * The response with `headers` set, replacing any of the same name in another letter case (an HTTP
 * backend's answer through the metered proxy comes lower-cased) or among multiValueHeaders.
 */
export function withHeaders<Response extends ResultHeaders>(
  response: Response,
  headers: Record<string, string>,
): Response {
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const without = <V>(entries: Record<string, V> | undefined) =>
    entries && Object.fromEntries(Object.entries(entries).filter(([name]) => !names.has(name.toLowerCase())));
  const multiValueHeaders = without(response.multiValueHeaders);
  return {
    ...response,
    headers: { ...without(response.headers), ...headers },
    ...(multiValueHeaders && { multiValueHeaders }),
  };
}
