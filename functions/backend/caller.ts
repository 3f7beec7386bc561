/** Reading the caller in a backend: from a Lambda proxy event, or from an HTTP request's headers. */
import {
  authorizerContextOf,
  type HeaderSource,
  callerFromHeaders as readCallerHeaders,
} from '../domain/caller-context';
import type { Caller } from './index';

/** A Lambda proxy event, as far as the caller goes (APIGatewayProxyEvent fits). */
export interface ProxyEventWithCaller {
  requestContext?: { authorizer?: unknown } | null;
}

/**
 * The caller of a Lambda backend, from `event.requestContext.authorizer` as the platform's key
 * authorizer sets it. Throws MissingCallerError (403) when the event did not come through the
 * platform's gateway.
 */
export function callerOf(event: ProxyEventWithCaller): Caller {
  const { organizationId, keyId, environment, permissions, accounts } = authorizerContextOf(
    event.requestContext?.authorizer,
  );
  return { organizationId, keyId, environment, permissions, accounts };
}

/**
 * The caller of an HTTP backend, from the CALLER_HEADERS the gateway sets (any letter case; a
 * Node `IncomingHttpHeaders`, a fetch `Headers` or a plain record). Throws MissingCallerError
 * (403) naming every header that is missing or malformed.
 *
 * The headers are only as trustworthy as the path to the backend: the gateway replaces what a
 * client sends under these names, but a client that reaches the backend directly can send any.
 * Keep the backend reachable from the API only (a private network, or a secret the integration adds).
 */
export function callerFromHeaders(headers: HeaderSource): Caller {
  return readCallerHeaders(headers);
}
