/**
 * The one definition of the public API: every route, the function that serves it and what a key
 * needs to call it. The authorizer builds its policies from it, the local gateway routes with it,
 * and the CDK stack creates resources and methods from it, so local and cloud cannot drift.
 */
import type { FunctionId } from './functions';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** What a product route does; also the permission preset that grants it. */
export const PRODUCT_ACTIONS = ['read', 'write', 'delete', 'enrich', 'search'] as const;
export type ProductAction = (typeof PRODUCT_ACTIONS)[number];

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
  /** A product route: needs the action's preset or a `<resource>:<action>` scope, and `account_id`. */
  | { kind: 'product'; resource: string; action: ProductAction }
  /** A service route: needs exactly this scope (or `admin`); no preset grants it. */
  | { kind: 'scope'; scope: ServiceScope }
  /**
   * Not behind the key authorizer, no API key, no usage plan: for callers that prove themselves
   * otherwise (a secret-scanning partner signs its reports). No key's policy includes it.
   */
  | { kind: 'public' };

/** Scopes of service routes, for keys of internal services rather than people. */
export const SERVICE_SCOPES = ['events:publish'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway resource path; `{name}` marks a path parameter. */
  path: string;
  function: FunctionId;
  access: RouteAccess;
  summary: string;
  /** Credits a successful call consumes from the organization's balance; the cost table. */
  credits?: number;
}

const admin = { kind: 'admin' } as const;
const organizationAdmin = { kind: 'admin', wholeOrganization: true } as const;
const product = (resource: string, action: ProductAction): RouteAccess => ({ kind: 'product', resource, action });

export const ROUTES: readonly RouteDefinition[] = [
  // Key management
  { method: 'POST', path: '/v1/keys', function: 'keys-create', access: admin, summary: 'Create a key' },
  { method: 'GET', path: '/v1/keys', function: 'keys-list', access: admin, summary: 'List keys' },
  { method: 'GET', path: '/v1/keys/{id}', function: 'keys-get', access: admin, summary: 'Get a key' },
  { method: 'PATCH', path: '/v1/keys/{id}', function: 'keys-update', access: admin, summary: 'Edit a key' },
  { method: 'DELETE', path: '/v1/keys/{id}', function: 'keys-delete', access: admin, summary: 'Delete a key' },
  {
    method: 'POST',
    path: '/v1/keys/{id}/deactivate',
    function: 'keys-status',
    access: admin,
    summary: 'Deactivate a key (reversible)',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/activate',
    function: 'keys-status',
    access: admin,
    summary: 'Reactivate a key',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/revoke',
    function: 'keys-status',
    access: admin,
    summary: 'Revoke a key (permanent)',
  },
  { method: 'POST', path: '/v1/keys/{id}/rotate', function: 'keys-rotate', access: admin, summary: 'Rotate a key' },
  {
    method: 'GET',
    path: '/v1/audit-log',
    function: 'audit-log',
    access: organizationAdmin,
    summary: 'Read the audit log',
  },
  {
    method: 'GET',
    path: '/v1/keys/{id}/calls',
    function: 'key-calls',
    access: admin,
    summary: "A key's calls of the last 7 days, newest first",
  },
  {
    method: 'GET',
    path: '/v1/usage',
    function: 'usage-report',
    access: organizationAdmin,
    summary: 'Usage statistics',
  },
  {
    method: 'GET',
    path: '/v1/notifications',
    function: 'notifications-list',
    access: organizationAdmin,
    summary: "The organization's in-app notifications, newest first",
  },
  {
    method: 'POST',
    path: '/v1/notifications/{id}/read',
    function: 'notifications-read',
    access: organizationAdmin,
    summary: 'Mark a notification as read',
  },
  // Webhooks
  {
    method: 'POST',
    path: '/v1/webhooks',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'Register a webhook endpoint',
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'List webhook endpoints',
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'Get a webhook endpoint',
  },
  {
    method: 'PATCH',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'Edit a webhook endpoint (also re-enables a disabled one)',
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'Delete a webhook endpoint',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    function: 'webhooks',
    access: organizationAdmin,
    summary: 'Rotate the signing secret; the old one keeps signing for 24 hours',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/test',
    function: 'webhook-test',
    access: organizationAdmin,
    summary: 'Send a test event now and return the outcome',
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    summary: "An endpoint's deliveries with every attempt, newest first",
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    summary: 'Redeliver one delivery',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/recover',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    summary: 'Redeliver every failed delivery since a time',
  },
  {
    method: 'GET',
    path: '/v1/webhook-event-types',
    function: 'webhook-event-types',
    access: { kind: 'any-key' },
    summary: 'The event catalog, with an example payload each',
  },
  {
    method: 'POST',
    path: '/v1/events',
    function: 'events-publish',
    access: { kind: 'scope', scope: 'events:publish' },
    summary: 'Publish an event for webhook delivery (internal services)',
  },
  {
    method: 'POST',
    path: '/v1/secret-scanning/reports',
    function: 'secret-scanning-report',
    access: { kind: 'public' },
    summary: "Secret-scanning partners report leaked keys (GitHub's partner format, signed with ECDSA)",
  },
  {
    method: 'GET',
    path: '/v1/whoami',
    function: 'whoami',
    access: { kind: 'any-key' },
    summary: 'Describe the calling key',
  },

  // Sample product: a small contacts API, here to have something to protect.
  {
    method: 'GET',
    path: '/v1/contacts',
    function: 'contacts',
    access: product('contacts', 'read'),
    summary: 'List contacts',
  },
  {
    method: 'POST',
    path: '/v1/contacts',
    function: 'contacts',
    access: product('contacts', 'write'),
    summary: 'Create a contact',
  },
  {
    method: 'GET',
    path: '/v1/contacts/{id}',
    function: 'contacts',
    access: product('contacts', 'read'),
    summary: 'Get a contact',
  },
  {
    method: 'PATCH',
    path: '/v1/contacts/{id}',
    function: 'contacts',
    access: product('contacts', 'write'),
    summary: 'Update a contact',
  },
  {
    method: 'DELETE',
    path: '/v1/contacts/{id}',
    function: 'contacts',
    access: product('contacts', 'delete'),
    summary: 'Delete a contact',
  },
  { method: 'GET', path: '/v1/tables', function: 'tables', access: product('tables', 'read'), summary: 'List tables' },
  {
    method: 'POST',
    path: '/v1/tables',
    function: 'tables',
    access: product('tables', 'write'),
    summary: 'Create a table',
  },
  {
    method: 'DELETE',
    path: '/v1/tables/{id}',
    function: 'tables',
    access: product('tables', 'delete'),
    summary: 'Delete a table',
  },
  {
    method: 'POST',
    path: '/v1/enrichments',
    function: 'enrichments',
    access: product('enrichments', 'enrich'),
    summary: 'Enrich a contact',
    credits: 5,
  },
  {
    method: 'POST',
    path: '/v1/search',
    function: 'search',
    access: product('search', 'search'),
    summary: 'Search contacts',
    credits: 1,
  },
];

/** Whether API Gateway calls the key authorizer (and applies usage plans) for this route. */
export function isPublicRoute(route: RouteDefinition): boolean {
  return route.access.kind === 'public';
}

export const PRODUCT_RESOURCES: readonly string[] = [
  ...new Set(ROUTES.flatMap((route) => (route.access.kind === 'product' ? [route.access.resource] : []))),
];

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
export function matchRoute(method: string, requestPath: string, routes: readonly RouteDefinition[] = ROUTES) {
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
