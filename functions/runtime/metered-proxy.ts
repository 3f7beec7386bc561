/** The metered proxy's reading of its event and of BACKEND_FUNCTIONS. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { TeamRouteDefinition } from '../definition/routes';
import type { CallerAssertion } from '../domain/caller-assertion';
import { backendCallerOf } from '../domain/caller-context';
import type { IncomingRequest } from '../domain/metering/metered-proxy';

/**
 * The request to forward, with the caller as backends get it (`callerAccounts`, where a `*` key's
 * sub-accounts are spelled out and signed), not the platform handlers' caller.
 */
export function incomingRequestOf(event: APIGatewayProxyEvent): IncomingRequest {
  const multi = (values: Record<string, string | undefined> | null) =>
    values &&
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === undefined ? [] : [value]]));
  return {
    event,
    method: event.httpMethod,
    resource: event.resource,
    pathParameters: event.pathParameters,
    query: event.multiValueQueryStringParameters ?? multi(event.queryStringParameters),
    headers: event.multiValueHeaders ?? multi(event.headers),
    body: event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined,
    caller: backendCallerOf(event.requestContext.authorizer),
    assertion: assertionOf(event.requestContext.authorizer),
  };
}

/** The authorizer context's signature entries, strings only (the context's values are strings on AWS). */
function assertionOf(context: Readonly<Record<string, unknown>> | null | undefined): Partial<CallerAssertion> {
  const keys = ['callerAudience', 'callerIssuedAt', 'callerSignature'] as const;
  return Object.fromEntries(
    keys.flatMap((key) => {
      const value = context?.[key];
      return typeof value === 'string' || typeof value === 'number' ? [[key, String(value)]] : [];
    }),
  );
}

/**
 * The function ARN of each Lambda backend, checked at cold start against the paid routes: a
 * deployment that left one out fails its first call loudly instead of answering 502 for one route.
 */
export function backendFunctionArns(
  raw: string | undefined,
  routes: readonly TeamRouteDefinition[],
): Readonly<Record<string, string>> {
  const arns = raw ? (JSON.parse(raw) as Record<string, string>) : {};
  const missing = routes.flatMap((route) =>
    route.credits && 'lambda' in route.backend && !Object.hasOwn(arns, route.backend.lambda)
      ? [route.backend.lambda]
      : [],
  );
  if (missing.length > 0) {
    throw new Error(
      `Invalid configuration: BACKEND_FUNCTIONS has no function ARN for ${[...new Set(missing)].join(', ')}, the Lambda backend(s) of paid routes. The construct sets it from \`backends\`.`,
    );
  }
  return arns;
}
