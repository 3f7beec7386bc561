/**
 * What serves each route of the team's API on API Gateway: the team's Lambda function, its HTTP
 * service (with the caller as X-Caller-* headers), any integration it passed, or, for a route that
 * costs credits, the platform's metered proxy, which charges and then calls the backend itself.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ApiKeyHeaderMode } from '../../functions/definition/api';
import { type CompiledRoute, httpUrlProblems } from '../../functions/definition/api-definition';
import { CALLER_HEADERS, keyHeadersOf, REDACTED_KEY } from '../../functions/definition/caller-headers';

export interface TeamBackends {
  /** The team's functions by the names `{ lambda: name }` backends use. */
  backends: Readonly<Record<string, lambda.IFunction>>;
  /** The team's integrations by the names `{ integration: name }` backends use. */
  integrations: Readonly<Record<string, apigateway.Integration>>;
  /** The platform's metered proxy: serves every route with credits. */
  meteredProxy: lambda.IFunction;
  /** Where clients send their key: HTTP backends get the mode's key headers redacted. */
  apiKeyHeader: ApiKeyHeaderMode;
}

export interface TeamRouteMethod {
  route: CompiledRoute;
  integration: apigateway.Integration;
  /** Method request parameters the integration maps (the path parameters of an HTTP backend). */
  requestParameters?: Record<string, boolean>;
}

/** Names backends and integrations that the props lack, and props no route uses: one line each. */
export function teamBackendProblems(
  routes: readonly CompiledRoute[],
  given: { backends: Readonly<Record<string, unknown>>; integrations: Readonly<Record<string, unknown>> },
): string[] {
  const problems: string[] = [];
  const usedBackends = new Set<string>();
  const usedIntegrations = new Set<string>();
  for (const route of routes) {
    const where = `${route.method} ${route.path}`;
    const backend = route.backend;
    if ('lambda' in backend) {
      usedBackends.add(backend.lambda);
      if (!Object.hasOwn(given.backends, backend.lambda)) {
        problems.push(`${where} is served by the Lambda backend '${backend.lambda}': pass it in backends`);
      }
    } else if ('integration' in backend) {
      usedIntegrations.add(backend.integration);
      if (!Object.hasOwn(given.integrations, backend.integration)) {
        problems.push(`${where} is served by the integration '${backend.integration}': pass it in integrations`);
      }
    } else {
      // defineApi's own check, again for a definition that did not come through it.
      problems.push(...httpUrlProblems(route.path, backend.http).map((why) => `${where}: ${why}`));
    }
  }
  for (const name of Object.keys(given.backends)) {
    if (!usedBackends.has(name)) problems.push(`backends.${name} serves no route of the definition`);
  }
  for (const name of Object.keys(given.integrations)) {
    if (!usedIntegrations.has(name)) problems.push(`integrations.${name} serves no route of the definition`);
  }
  return problems;
}

/** One integration per route; Lambda integrations shared per function (one invoke permission each). */
export function teamRouteMethods(routes: readonly CompiledRoute[], targets: TeamBackends): TeamRouteMethod[] {
  const lambdaIntegrations = new Map<lambda.IFunction, apigateway.LambdaIntegration>();
  const lambdaIntegration = (fn: lambda.IFunction) => {
    let integration = lambdaIntegrations.get(fn);
    if (!integration) {
      // One invoke permission per function for this API on any stage (see KeyApi).
      integration = new apigateway.LambdaIntegration(fn, { scopePermissionToMethod: false });
      lambdaIntegrations.set(fn, integration);
    }
    return integration;
  };
  return routes.map((route) => {
    const backend = route.backend;
    if (route.credits > 0) return { route, integration: lambdaIntegration(targets.meteredProxy) };
    if ('lambda' in backend)
      return { route, integration: lambdaIntegration(backendOf(targets.backends, backend.lambda)) };
    if ('integration' in backend) {
      return { route, integration: backendOf(targets.integrations, backend.integration) };
    }
    return httpRouteMethod(route, backend.http, targets.apiKeyHeader);
  });
}

function backendOf<T>(named: Readonly<Record<string, T>>, name: string): T {
  const target = named[name];
  if (!target) throw new Error(`No backend named '${name}'`);
  return target;
}

/**
 * HTTP_PROXY to the team's URL: query string, headers and body pass through, path parameters are
 * mapped by name, and the X-Caller-* headers come from the authorizer's context, so a client
 * cannot pose as another caller by sending them itself. The key headers are mapped to a static
 * value, which replaces the client's key: the backend never sees it (nor logs it).
 */
function httpRouteMethod(route: CompiledRoute, url: string, apiKeyHeader: ApiKeyHeaderMode): TeamRouteMethod {
  const urlParameters = [...new Set([...url.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string))];
  const requestParameters: Record<string, string> = {
    ...Object.fromEntries(
      urlParameters.map((name) => [`integration.request.path.${name}`, `method.request.path.${name}`]),
    ),
    ...Object.fromEntries(
      Object.entries(CALLER_HEADERS).map(([header, key]) => [
        `integration.request.header.${header}`,
        `context.authorizer.${key}`,
      ]),
    ),
    ...Object.fromEntries(
      keyHeadersOf(apiKeyHeader).map((header) => [`integration.request.header.${header}`, `'${REDACTED_KEY}'`]),
    ),
  };
  return {
    route,
    integration: new apigateway.HttpIntegration(url, {
      httpMethod: route.method,
      proxy: true,
      options: { requestParameters },
    }),
    requestParameters: Object.fromEntries(urlParameters.map((name) => [`method.request.path.${name}`, true])),
  };
}
