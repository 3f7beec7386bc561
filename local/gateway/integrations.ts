/**
 * What API Gateway's integrations do, locally: a Lambda proxy integration (an in-process handler),
 * an HTTP proxy integration (the team's service, with the caller as `X-Caller-*` headers), and the
 * dispatch of a team route to its backend. A route with credits goes to the platform's metered
 * proxy instead, which charges and then calls the same backend, as on AWS.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiKeyHeaderMode } from '../../functions/definition/api';
import type { TeamRouteDefinition } from '../../functions/definition/routes';
import { ValidationError } from '../../functions/domain/errors';
import { backendUrl, forwardedHeaders, NOT_FORWARDED_HEADERS } from '../../functions/domain/metering/forwarded-request';
import { errorResponse } from '../../functions/runtime/http-errors';
import { type IncomingCall, lambdaContext } from './events';
import { type GatewayResponse, gatewayResponse } from './gateway-responses';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What serves the team's routes locally: the app's in-process handlers and the metered proxy. */
export interface TeamBackends {
  /** `{ lambda: name }` backends. */
  backends: Readonly<Record<string, ProxyHandler>>;
  /** `{ integration: name }` backends that have an in-process stand-in. */
  integrations: Readonly<Record<string, ProxyHandler>>;
  /** The platform's metered proxy, for routes with credits. */
  meteredProxy: () => Promise<ProxyHandler>;
  /** The deployment's key header mode: its key headers never reach an HTTP backend. */
  apiKeyHeader: ApiKeyHeaderMode;
}

/** API Gateway's integration timeout: past it the client gets 504 whatever the backend does later. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** Serves a team route that passed the authorizer and the usage plan. */
export async function serveTeamRoute(
  route: TeamRouteDefinition,
  call: IncomingCall,
  event: APIGatewayProxyEvent,
  serving: TeamBackends,
): Promise<GatewayResponse> {
  if ((route.credits ?? 0) > 0) return invoke(await serving.meteredProxy(), 'metered-proxy', event, call.requestId);
  const { backend } = route;
  if ('lambda' in backend) {
    const handler = own(serving.backends, backend.lambda);
    // startPlatform refuses an app without a handler for each lambda backend, so this is a bug.
    if (!handler) throw new Error(`No local handler for the lambda backend '${backend.lambda}'`);
    return invoke(handler, backend.lambda, event, call.requestId);
  }
  if ('http' in backend) {
    return proxyHttp(backend.http, call, event.requestContext.authorizer ?? {}, serving.apiKeyHeader);
  }
  const handler = own(serving.integrations, backend.integration);
  if (handler) return invoke(handler, backend.integration, event, call.requestId);
  return {
    statusCode: 501,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': call.requestId },
    body: JSON.stringify({
      error: {
        code: 'not_implemented_locally',
        message: `${route.method} ${route.path} is served by the integration '${backend.integration}', which has no local stand-in. Pass one in the app's LocalApp (integrations: { '${backend.integration}': handler }) to serve it locally.`,
      },
    }),
  };
}

/** A Lambda proxy integration: the handler's result, or 502 as API Gateway answers a failed function. */
export async function invoke(
  handler: ProxyHandler,
  functionName: string,
  event: APIGatewayProxyEvent,
  requestId: string,
): Promise<GatewayResponse> {
  try {
    const result = await handler(event, lambdaContext(functionName, 10_000));
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
      headers[name.toLowerCase()] = values.join(', ');
    const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : (result.body ?? '');
    return { statusCode: result.statusCode, headers, body };
  } catch (error) {
    // API Gateway answers a failed Lambda integration with 502 and nothing of the error.
    console.error(`local gateway: ${functionName} failed`, error);
    return {
      statusCode: 502,
      headers: { 'content-type': 'application/json' },
      body: '{"message": "Internal server error"}',
    };
  }
}

/**
 * An HTTP proxy integration: the request as the client sent it (method, path parameters filled
 * into the URL, query string, body, headers but the hop-by-hop ones) plus the caller headers, which
 * replace any the client sent under those names; the backend's answer as it is.
 */
export function proxyHttp(
  urlTemplate: string,
  call: IncomingCall,
  authorizer: Readonly<Record<string, unknown>>,
  apiKeyHeader: ApiKeyHeaderMode,
): Promise<GatewayResponse> {
  // The same request the metered proxy sends a paid route's backend (forwarded-request.ts).
  let url: URL;
  try {
    url = backendUrl(urlTemplate, call.pathParameters, call.query);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A `..` path parameter: refused as the metered proxy refuses it.
    const response = errorResponse(error);
    return Promise.resolve({ ...response, headers: { ...response.headers, 'x-amzn-requestid': call.requestId } });
  }
  // Node sends a list of headers as given, without the Host it adds to an object of them.
  const headers = ['host', url.host, ...forwardedHeaders(call.headers, authorizer, apiKeyHeader).flat()];
  if (call.body.length > 0) headers.push('content-length', String(call.body.length));

  return new Promise((resolve) => {
    let settled = false;
    const failed = (type: 'INTEGRATION_FAILURE' | 'INTEGRATION_TIMEOUT', status: number, error: unknown) => {
      // A timeout's destroy() also raises an error event: one answer, one log line.
      if (settled) return;
      settled = true;
      console.error(
        `local gateway: HTTP backend ${url.origin} ${type === 'INTEGRATION_TIMEOUT' ? 'timed out' : 'failed'}`,
        error,
      );
      const response = gatewayResponse('DEFAULT_5XX', {}, status);
      resolve({ ...response, headers: { ...response.headers, 'x-amzn-errortype': type } });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, { method: call.method, headers, timeout: INTEGRATION_TIMEOUT_MS }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (error) => failed('INTEGRATION_FAILURE', 502, error));
      incoming.on('end', () => {
        settled = true;
        resolve({
          statusCode: incoming.statusCode ?? 502,
          headers: { ...forwardedResponseHeaders(incoming.headers), 'x-amzn-requestid': call.requestId },
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    outgoing.on('timeout', () => {
      outgoing.destroy();
      failed('INTEGRATION_TIMEOUT', 504, new Error(`no answer within ${INTEGRATION_TIMEOUT_MS} ms`));
    });
    outgoing.on('error', (error) => failed('INTEGRATION_FAILURE', 502, error));
    outgoing.end(call.body);
  });
}

function forwardedResponseHeaders(incoming: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || NOT_FORWARDED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function own<T>(records: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(records, name) ? records[name] : undefined;
}
