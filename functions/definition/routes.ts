/**
 * What a route is: its method and path, who may call it and what serves it. Two kinds share the
 * API: the platform's own routes (platform-routes.ts), served by platform functions, and the team's
 * routes (its API definition, api-definition.ts), served by the team's backends. The authorizer
 * builds its policies from both, the local gateway routes with both, and the CDK stack creates a
 * method for each, so local and cloud cannot drift.
 */
import type { Backend } from './api-definition';
import type { FunctionId } from './functions';
import type { ServiceScope } from './platform-routes';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type RouteAccess =
  /** Key and webhook management: only keys with `admin`. */
  | {
      kind: 'admin';
      /**
       * The route reads or acts on the whole organization (webhooks carry every sub-account's
       * events; the audit log, usage and notifications span them), so a key limited to some
       * sub-accounts may not call it. Checked by the handlers, like `account_id`.
       */
      wholeOrganization?: true;
    }
  /** Any valid key may call it (introspection of the calling key itself). */
  | { kind: 'any-key' }
  /**
   * A route of the team's API: needs `<resource>:<action>`, `<resource>:*` or a preset that
   * includes it (or `admin`).
   */
  | { kind: 'product'; resource: string; action: string }
  /** A service route: needs exactly this scope (or `admin`); no preset grants it. */
  | { kind: 'scope'; scope: ServiceScope }
  /**
   * Not behind the key authorizer, no API key, no usage plan: for callers that prove themselves
   * otherwise (a secret-scanning partner signs its reports). No key's policy includes it.
   */
  | { kind: 'public' };

interface RouteBase {
  method: HttpMethod;
  /** API Gateway resource path; `{name}` marks a path parameter. */
  path: string;
  access: RouteAccess;
  summary: string;
  /** Credits a successful call consumes from the organization's balance; the cost table. */
  credits?: number;
}

/** A platform route, served by one of the platform's functions. */
export interface PlatformRouteDefinition extends RouteBase {
  function: FunctionId;
}

/** A route of the team's API, served by the team's backend. */
export interface TeamRouteDefinition extends RouteBase {
  access: { kind: 'product'; resource: string; action: string };
  backend: Backend;
  /** The backend acts on one sub-account named by `account_id` (checked by the backend). */
  accountScoped: boolean;
}

export type RouteDefinition = PlatformRouteDefinition | TeamRouteDefinition;

export function isPlatformRoute(route: RouteDefinition): route is PlatformRouteDefinition {
  return 'function' in route;
}

/** Whether API Gateway calls the key authorizer (and applies usage plans) for this route. */
export function isPublicRoute(route: RouteDefinition): boolean {
  return route.access.kind === 'public';
}

/** Splits `/v1/keys/{id}` into `['v1', 'keys', '{id}']`. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

export function isPathParameter(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

export interface RouteMatch {
  route: RouteDefinition;
  pathParameters: Record<string, string>;
}

/** Finds the route for a concrete request path, as API Gateway's resource tree does. */
export function matchRoute(method: string, requestPath: string, routes: readonly RouteDefinition[]) {
  const requestSegments = pathSegments(requestPath);
  let pathExists = false;
  for (const route of routes) {
    const pathParameters = matchPath(pathSegments(route.path), requestSegments);
    if (!pathParameters) continue;
    pathExists = true;
    if (route.method === method) return { route, pathParameters } satisfies RouteMatch;
  }
  return pathExists ? 'method-not-allowed' : undefined;
}

function matchPath(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const value = actual[index] as string;
    if (isPathParameter(segment)) {
      // A broken percent-encoding names no resource: a 404, never a failure of the router.
      const decoded = decodedOrUndefined(value);
      if (decoded === undefined) return undefined;
      parameters[segment.slice(1, -1)] = decoded;
    } else if (segment !== value) return undefined;
  }
  return parameters;
}

function decodedOrUndefined(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
