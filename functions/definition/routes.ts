/**
 * What a route is: its method and path, who may call it and what serves it. Two kinds share the
 * API: the platform's own routes (platform-routes.ts), served by platform functions, and the team's
 * routes (its API definition, api-definition.ts), served by the team's backends. The authorizer
 * builds its policies from both, the local gateway routes with both, and the CDK stack creates a
 * method for each, so local and cloud cannot drift.
 */
import type { MemberRole } from '../domain/organization';
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
   * otherwise (a secret-scanning partner signs its reports) and for the API docs, open to anyone.
   * No key's policy includes it.
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
  /** The OpenAPI operation id (SDK method name) when the one derived from method and path reads badly. */
  operationId?: string;
}

/** A platform route, served by one of the platform's functions. */
export interface PlatformRouteDefinition extends RouteBase {
  function: FunctionId;
  /**
   * The roles of people (signed in to the console) who may call it; none when absent. Only
   * management routes (`admin`, `any-key`) list any, and only GET routes list `viewer`.
   */
  people?: readonly MemberRole[];
  /**
   * The route ends the caller's own console session and changes nothing else, so viewers and
   * read-only sessions may call it too, whatever its method: signing out is never a write to refuse.
   */
  endsOwnSession?: true;
}

/**
 * What checks a route's caller: nothing (public), the key authorizer (the team's routes and service
 * routes: cached, keys only), or the management authorizer, which also takes people's session and
 * OIDC tokens (uncached, so a revoked session stops within a second).
 */
export type RouteAuthorizer = 'none' | 'key' | 'management';

export function authorizerOf(route: RouteDefinition): RouteAuthorizer {
  switch (route.access.kind) {
    case 'public':
      return 'none';
    case 'admin':
    case 'any-key':
      return 'management';
    default:
      return 'key';
  }
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

/**
 * Finds the route for a concrete request path, as API Gateway's resource tree does: a static
 * segment wins over a `{param}` at each position, whatever the order of declaration, so
 * `GET /v1/things/special` goes to that route and not to `GET /v1/things/{id}`. The resource is
 * chosen first: when it lacks the method, the answer is 'method-not-allowed' even if a less
 * specific resource has it (API Gateway answers 403 there without calling the authorizer).
 */
export function matchRoute(method: string, requestPath: string, routes: readonly RouteDefinition[]) {
  const requestSegments = pathSegments(requestPath);
  let best: { specificity: string; matches: RouteMatch[] } | undefined;
  for (const route of routes) {
    const template = pathSegments(route.path);
    const pathParameters = matchPath(template, requestSegments);
    if (!pathParameters) continue;
    // '0' for a static segment, '1' for a parameter: the smallest string is the most specific resource.
    const specificity = template.map((segment) => (isPathParameter(segment) ? '1' : '0')).join('');
    if (!best || specificity < best.specificity) best = { specificity, matches: [{ route, pathParameters }] };
    else if (specificity === best.specificity) best.matches.push({ route, pathParameters });
  }
  if (!best) return undefined;
  return best.matches.find((match) => match.route.method === method) ?? 'method-not-allowed';
}

/** A route's path as its policy resource names it: each `{param}` becomes `*` (`v1/keys/{id}` → `v1/keys/*`). */
export function policyPath(path: string): string {
  return pathSegments(path)
    .map((segment) => (isPathParameter(segment) ? '*' : segment))
    .join('/');
}

/**
 * Whether a key's policy resource for the route at `openerPath` (policyPath) lets through a request
 * that the router sends to the route at `openedPath`, on the same method. API Gateway matches a
 * policy's `*` against any characters, slashes included, so the resource of `GET /v1/{thing}`
 * covers `GET /v1/keys`, and that of `GET /v1/rides/{id}` covers `GET /v1/rides/r1/receipt`.
 */
export function policyOpens(openerPath: string, openedPath: string): boolean {
  const opener = pathSegments(openerPath);
  const opened = pathSegments(openedPath);
  if (opener.length === opened.length) {
    // Each `*` then takes one segment: the requests both cover match both paths, and the router
    // sends every one of them to the path with a static segment where the other has a parameter.
    const first = opener.findIndex((segment, i) => isPathParameter(segment) !== isPathParameter(opened[i] ?? ''));
    if (first < 0 || !isPathParameter(opener[first] as string)) return false;
  }
  return policyCovers(opener, opened);
}

/**
 * Whether the policy resource of `opener` covers some request matching `opened`. A request's
 * segments are never empty, so a `*` stands for one or more whole segments, and a literal meets
 * a literal or a `{param}` (which may take its value).
 */
function policyCovers(opener: readonly string[], request: readonly string[]): boolean {
  const pattern = opener.map((segment) => (isPathParameter(segment) ? '*' : segment));
  const known = new Map<number, boolean>();
  const covers = (i: number, j: number): boolean => {
    if (i === pattern.length || j === request.length) return i === pattern.length && j === request.length;
    const key = i * (request.length + 1) + j;
    const memoized = known.get(key);
    if (memoized !== undefined) return memoized;
    const token = pattern[i] as string;
    const segment = request[j] as string;
    const result =
      token === '*'
        ? covers(i + 1, j + 1) || covers(i, j + 1)
        : (token === segment || isPathParameter(segment)) && covers(i + 1, j + 1);
    known.set(key, result);
    return result;
  };
  return covers(0, 0);
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
