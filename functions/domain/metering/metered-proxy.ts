/**
 * The metered proxy's work once a paid call is charged (the credits middleware charges before and
 * refunds after, functions/runtime/credits.ts): find the team route the request came in on and
 * hand the request to its backend, a Lambda function or an HTTP URL, and answer with the
 * backend's response as it is. A backend that fails to answer becomes a 502 (504 when it is too
 * slow), which the middleware refunds like any other failed call.
 */

import type { ApiKeyHeaderMode } from '../../definition/api';
import { callerHeaderContext } from '../../definition/caller-headers';
import type { TeamRouteDefinition } from '../../definition/routes';
import type { CallerAssertion } from '../caller-assertion';
import type { CallerIdentity } from '../caller-context';
import { BadGatewayError } from '../errors';
import { backendUrl, forwardedHeaders, type MultiValueHeaders } from './forwarded-request';

/** A request as the metered proxy received it. */
export interface IncomingRequest {
  /** The proxy event as the gateway built it: a Lambda backend receives it unchanged. */
  event: unknown;
  method: string;
  /** The route's path template (API Gateway's `resource`), such as `/v1/rides/{id}`. */
  resource: string;
  pathParameters: Readonly<Record<string, string | undefined>> | null;
  query: MultiValueHeaders | null;
  headers: MultiValueHeaders | null;
  body: Uint8Array | undefined;
  /** As backends get it (backendCallerOf): its rate limit is signed, so it must reach the headers too. */
  caller: Pick<CallerIdentity, 'organizationId' | 'keyId' | 'environment' | 'permissions' | 'accounts' | 'rateLimit'>;
  /** The authorizer's signature over the caller, passed on as it is (X-Caller-Signature and co.). */
  assertion: Partial<CallerAssertion>;
}

/** A backend's answer, in the shape of a Lambda proxy result. */
export interface BackendResponse {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: boolean;
}

export interface OutgoingHttpRequest {
  url: URL;
  method: string;
  headers: [string, string][];
  body: Uint8Array | undefined;
}

/** How the proxy reaches backends. Each throws BadGatewayError or GatewayTimeoutError when there is no answer. */
export interface Backends {
  /** Invokes the team's function passed to the construct under `name` with the event, synchronously. */
  invokeFunction(name: string, event: unknown): Promise<BackendResponse>;
  /** Sends the request and reads the whole response; redirects are answers, not followed. */
  send(request: OutgoingHttpRequest): Promise<BackendResponse>;
}

/**
 * The team route of a request, by method and path template. The gateway sends only paid team
 * routes here; anything else means the deployment and the definition disagree.
 */
export function teamRouteOf(
  routes: readonly TeamRouteDefinition[],
  method: string,
  resource: string,
): TeamRouteDefinition {
  const route = routes.find((candidate) => candidate.method === method && candidate.path === resource);
  if (!route) throw new Error(`${method} ${resource} is not a route of the API definition`);
  return route;
}

/** `apiKeyHeader`: the deployment's key header mode, whose key headers an HTTP backend never gets. */
export async function forwardToBackend(
  route: TeamRouteDefinition,
  request: IncomingRequest,
  backends: Backends,
  apiKeyHeader: ApiKeyHeaderMode,
): Promise<BackendResponse> {
  const { backend } = route;
  if ('lambda' in backend) return backends.invokeFunction(backend.lambda, request.event);
  if ('http' in backend) {
    const sendsBody = request.method !== 'GET' && request.method !== 'HEAD';
    return backends.send({
      url: backendUrl(backend.http, request.pathParameters, request.query),
      method: request.method,
      headers: forwardedHeaders(
        request.headers,
        { ...request.caller, ...callerHeaderContext(request.caller), ...request.assertion },
        apiKeyHeader,
      ),
      body: sendsBody ? request.body : undefined,
    });
  }
  // defineApi refuses credits on an integration backend; a deployment that sends one here is broken.
  throw new BadGatewayError(`${route.method} ${route.path} has no backend the platform can call.`);
}
