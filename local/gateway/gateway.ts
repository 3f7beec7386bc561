/**
 * A local API Gateway (REST API) in front of the real handlers: it routes with the shared route
 * definition, calls the route's REQUEST authorizer (the key authorizer, cached, or the management
 * authorizer, never cached), applies its policy, answers 401/403/404 with
 * the shared gateway responses. Its control plane (usage plans, FlushStageAuthorizersCache) is on
 * a loopback port of its own, behind a token: see control-plane.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AccessLogRecord } from '../../functions/definition/access-log';
import { activeApi, environmentOfStage } from '../../functions/definition/active-api';
import { type ApiKeyHeaderMode, DEFAULT_API_KEY_HEADER } from '../../functions/definition/api';
import type { FunctionId } from '../../functions/definition/functions';
import { authorizerOf, isPlatformRoute, isPublicRoute, matchRoute } from '../../functions/definition/routes';
import { type PolicyDocument, policyAllows } from '../../functions/domain/policy';
import { closeServer, listen, readBody } from '../emulators/listen';
import { AuthorizerResultCache } from './authorizer-cache';
import { newControlPlaneToken, startControlPlane } from './control-plane';
import { authorizerEvent, type IncomingCall, last, methodArn, proxyEvent } from './events';
import { type GatewayResponse, gatewayResponse } from './gateway-responses';
import { invoke, type ProxyHandler, serveTeamRoute, type TeamBackends } from './integrations';
import { LocalUsagePlans } from './usage-plans';

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
export type { ProxyHandler } from './integrations';

export interface LocalGatewayOptions {
  port: number;
  restApiId: string;
  authorizer: AuthorizerHandler;
  /**
   * The management routes' authorizer (authorizerOf), run on every call as API Gateway runs it with
   * no cache and no identity sources. Required: were the key authorizer to check those routes
   * instead, locally they would refuse people and cache key answers, unlike the deployment.
   */
  managementAuthorizer: AuthorizerHandler;
  handlerOf: (functionId: FunctionId) => Promise<ProxyHandler>;
  /** The team's in-process handlers for `{ lambda }` and `{ integration }` backends (the app's). */
  backends?: Readonly<Record<string, ProxyHandler>>;
  integrations?: Readonly<Record<string, ProxyHandler>>;
  cacheTtlSeconds: number;
  identitySources: readonly string[];
  /** Where clients send their key (DEFAULT_API_KEY_HEADER when unset): HTTP backends get it redacted. */
  apiKeyHeader?: ApiKeyHeaderMode;
  now?: () => number;
  onRequest?: (line: { method: string; path: string; status: number; latencyMs: number }) => void;
  /** Where the usage plans' state is kept; in memory without it. */
  usagePlansFile?: string;
  /** Receives the access log record of every request, as API Gateway writes it to CloudWatch Logs. */
  onAccessLog?: (record: AccessLogRecord) => void;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startLocalGateway(options: LocalGatewayOptions) {
  const now = options.now ?? Date.now;
  const cache = new AuthorizerResultCache(options.cacheTtlSeconds * 1000, now);
  const usagePlans = new LocalUsagePlans(options.restApiId, options.usagePlansFile, now);
  const { routes } = activeApi();
  /**
   * What API Gateway's and Lambda's metrics would show: how often the authorizer ran and how often
   * its cache answered, and the team routes' Lambda integrations (metered proxy, backends) by function.
   */
  const stats = {
    authorizerCalls: 0,
    authorizerCacheHits: 0,
    /** Runs of the management authorizer: one per management call. */
    managementAuthorizerCalls: 0,
    invocations: {} as Record<string, number>,
  };
  const counted =
    (name: string, handler: ProxyHandler): ProxyHandler =>
    (event, context) => {
      stats.invocations[name] = (stats.invocations[name] ?? 0) + 1;
      return handler(event, context);
    };
  const team: TeamBackends = {
    backends: Object.fromEntries(
      Object.entries(options.backends ?? {}).map(([name, handler]) => [name, counted(name, handler)]),
    ),
    integrations: options.integrations ?? {},
    meteredProxy: async () => counted('metered-proxy', await options.handlerOf('metered-proxy')),
    apiKeyHeader: options.apiKeyHeader ?? DEFAULT_API_KEY_HEADER,
  };
  const server: Server = createServer((request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const accessLog = newAccessLogRecord(request, url, now());
    handle(request, url, accessLog)
      .catch((error: unknown) => {
        console.error('local gateway: unexpected failure', error);
        return gatewayResponse('DEFAULT_5XX', {}, 500);
      })
      .then((result) => {
        response.writeHead(result.statusCode, result.headers);
        response.end(result.body);
        const latencyMs = performance.now() - started;
        options.onRequest?.({
          method: accessLog.httpMethod,
          path: request.url ?? '',
          status: result.statusCode,
          latencyMs,
        });
        if (accessLog.stage) {
          accessLog.status = String(result.statusCode);
          accessLog.responseLatency = String(Math.round(latencyMs));
          accessLog.errorType = result.headers['x-amzn-errortype'] ?? '';
          options.onAccessLog?.(accessLog);
        }
      });
  });

  async function handle(request: IncomingMessage, url: URL, accessLog: AccessLogRecord): Promise<GatewayResponse> {
    const method = accessLog.httpMethod;
    const [, stage = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (environmentOfStage(stage) === undefined)
      return gatewayResponse('MISSING_AUTHENTICATION_TOKEN', { httpMethod: method, path: url.pathname });
    accessLog.stage = stage;
    const match = matchRoute(method, path, routes);
    const context = { httpMethod: method, path: url.pathname };
    if (!match || match === 'method-not-allowed') return gatewayResponse('MISSING_AUTHENTICATION_TOKEN', context);
    accessLog.resourcePath = match.route.path;

    const body = await readBody(request, MAX_BODY_BYTES);
    if (!body) {
      return gatewayResponse('DEFAULT_4XX', { ...context, 'error.message': 'Request body too large' }, 413);
    }
    const call: IncomingCall = {
      restApiId: options.restApiId,
      stage,
      method,
      path,
      route: match.route,
      pathParameters: match.pathParameters,
      headers: headersOf(request),
      query: queryOf(url),
      body,
      sourceIp: accessLog.sourceIp,
      requestId: accessLog.requestId,
      requestTime: new Date(Number(accessLog.requestTimeEpoch)),
    };

    // A public route has no authorizer and requires no API key, so no usage plan applies either.
    if (isPublicRoute(match.route) && isPlatformRoute(match.route)) {
      const publicHandler = await options.handlerOf(match.route.function);
      return invoke(publicHandler, match.route.function, proxyEvent(call, {}), call.requestId);
    }
    const authorization =
      authorizerOf(match.route) === 'management'
        ? await authorizeManagement(call, options.managementAuthorizer)
        : await authorize(call);
    if ('statusCode' in authorization) return authorization;
    const policy = authorization.policyDocument as unknown as PolicyDocument;
    const authorizerContext: Record<string, unknown> = {
      ...(authorization.context ?? {}),
      principalId: authorization.principalId,
    };
    accessLog.keyId = String(authorizerContext.keyId ?? '');
    accessLog.organizationId = String(authorizerContext.organizationId ?? '');
    if (!policyAllows(normalizePolicy(policy), methodArn(call))) {
      return gatewayResponse('ACCESS_DENIED', { ...context, ...prefixed('authorizer', authorizerContext) });
    }
    // Methods require an API key, taken from the authorizer's usageIdentifierKey (apiKeySourceType AUTHORIZER).
    const throttle = usagePlans.take(authorization.usageIdentifierKey ?? undefined, stage);
    if (throttle === 'not-in-plan') return gatewayResponse('INVALID_API_KEY', context);
    if (throttle === 'throttled') return gatewayResponse('THROTTLED', context);
    if (throttle === 'quota-exceeded') return gatewayResponse('QUOTA_EXCEEDED', context);
    const event = proxyEvent(call, authorizerContext);
    if (!isPlatformRoute(match.route)) return serveTeamRoute(match.route, call, event, team);
    const handler = await options.handlerOf(match.route.function);
    return invoke(handler, match.route.function, event, call.requestId);
  }

  async function authorize(call: IncomingCall): Promise<APIGatewayAuthorizerResult | GatewayResponse> {
    const context = { httpMethod: call.method, path: `/${call.stage}${call.path}` };
    const caching = options.cacheTtlSeconds > 0;
    const identity = options.identitySources.map((source) => identityValue(source, call));
    // With caching on, API Gateway requires every identity source and answers 401 without calling the authorizer.
    if (caching && identity.some((value) => !value)) return gatewayResponse('UNAUTHORIZED', context);
    const cached = caching ? cache.get(call.stage, identity as string[]) : undefined;
    if (cached) {
      stats.authorizerCacheHits++;
      return cached;
    }
    stats.authorizerCalls++;
    const result = await runAuthorizer(options.authorizer, call);
    if (caching && !('statusCode' in result)) cache.set(call.stage, identity as string[], result);
    return result;
  }

  /** No cache and no identity sources: every call runs it, whatever credential it carries. */
  async function authorizeManagement(call: IncomingCall, authorizer: AuthorizerHandler) {
    stats.managementAuthorizerCalls++;
    return runAuthorizer(authorizer, call);
  }

  const port = await listen(server, options.port);
  const controlPlane = await startControlPlane({ token: newControlPlaneToken(), usagePlans, cache }).catch(
    async (error: unknown) => {
      await closeServer(server);
      throw error;
    },
  );
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** The control plane's endpoint for SDK clients; its path is the token. */
    controlPlaneUrl: controlPlane.url,
    stats,
    usagePlans,
    close: async () => {
      await controlPlane.close();
      await closeServer(server);
    },
    flush: (stage: string) => cache.flush(stage),
  };
}

/** Calls an authorizer and answers as API Gateway does when it throws or answers nonsense. */
async function runAuthorizer(
  authorizer: AuthorizerHandler,
  call: IncomingCall,
): Promise<APIGatewayAuthorizerResult | GatewayResponse> {
  const context = { httpMethod: call.method, path: `/${call.stage}${call.path}` };
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorizer(authorizerEvent(call));
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return gatewayResponse('UNAUTHORIZED', context);
    console.error('local gateway: authorizer failed', error);
    return gatewayResponse('AUTHORIZER_FAILURE', context);
  }
  if (!result?.principalId || !Array.isArray(result.policyDocument?.Statement)) {
    return gatewayResponse('AUTHORIZER_CONFIGURATION_ERROR', context);
  }
  return result;
}

function newAccessLogRecord(request: IncomingMessage, url: URL, epochMs: number): AccessLogRecord {
  return {
    requestId: randomUUID(),
    requestTimeEpoch: String(epochMs),
    stage: '',
    httpMethod: request.method ?? 'GET',
    resourcePath: '',
    path: url.pathname,
    status: '',
    responseLatency: '',
    sourceIp: sourceIpOf(request),
    userAgent: request.headers['user-agent'] ?? '',
    keyId: '',
    organizationId: '',
    errorType: '',
  };
}

function identityValue(source: string, call: IncomingCall): string | undefined {
  if (source === 'context.identity.sourceIp') return call.sourceIp;
  // The value the authorizer reads: a repeated header's last one, as the event's `headers` carries
  // it. (The authorizer refuses a request with repeats, and handlers refuse it on a cache hit.)
  const header = /^method\.request\.header\.(.+)$/.exec(source);
  if (header) return last(call.headers, header[1] as string) || undefined;
  const query = /^method\.request\.querystring\.(.+)$/.exec(source);
  if (query) return call.query[query[1] as string]?.[0] || undefined;
  throw new Error(`The local gateway does not support identity source ${source}`);
}

function normalizePolicy(policy: PolicyDocument): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.map((statement) => ({
      ...statement,
      Resource: ([] as string[]).concat(statement.Resource),
    })),
  };
}

function prefixed(prefix: string, values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}.${key}`, String(value)]));
}

/** Collects repeated names into lists, as API Gateway's multiValue* fields do. */
function multiValue(pairs: Iterable<[string, string]>): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    const list = values[name] ?? [];
    list.push(value);
    values[name] = list;
  }
  return values;
}

function headersOf(request: IncomingMessage): Record<string, string[]> {
  const pairs: [string, string][] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    pairs.push([request.rawHeaders[index] as string, request.rawHeaders[index + 1] as string]);
  }
  return multiValue(pairs);
}

function queryOf(url: URL): Record<string, string[]> {
  return multiValue(url.searchParams);
}

function sourceIpOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
