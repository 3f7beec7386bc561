/**
 * The platform's own routes: key management, webhooks, usage, the audit log, notifications,
 * whoami and events. They are always there, whatever the team's API declares
 * (api-definition.ts); the team's routes come on top of them.
 */
import type { FunctionId } from './functions';
import type { PlatformRouteDefinition } from './routes';

/** Scopes of service routes, for keys of internal services rather than people. */
export const SERVICE_SCOPES = ['events:publish'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

const admin = { kind: 'admin' } as const;
const organizationAdmin = { kind: 'admin', wholeOrganization: true } as const;

// Who among people may call a route (RouteDefinition `people`): members manage their own keys,
// viewers read, owners and admins do everything.
const keyWriters = ['owner', 'admin', 'member'] as const;
const keyReaders = ['owner', 'admin', 'member', 'viewer'] as const;
const organizationWriters = ['owner', 'admin'] as const;
const organizationReaders = ['owner', 'admin', 'viewer'] as const;
const everyone = keyReaders;

export const PLATFORM_ROUTES: readonly PlatformRouteDefinition[] = [
  // Key management
  {
    method: 'POST',
    path: '/v1/keys',
    function: 'keys-create',
    access: admin,
    people: keyWriters,
    summary: 'Create a key',
  },
  { method: 'GET', path: '/v1/keys', function: 'keys-list', access: admin, people: keyReaders, summary: 'List keys' },
  {
    method: 'GET',
    path: '/v1/keys/{id}',
    function: 'keys-get',
    access: admin,
    people: keyReaders,
    summary: 'Get a key',
  },
  {
    method: 'PATCH',
    path: '/v1/keys/{id}',
    function: 'keys-update',
    access: admin,
    people: keyWriters,
    summary: 'Edit a key',
  },
  {
    method: 'DELETE',
    path: '/v1/keys/{id}',
    function: 'keys-delete',
    access: admin,
    people: keyWriters,
    summary: 'Delete a key',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/deactivate',
    function: 'keys-status',
    access: admin,
    people: keyWriters,
    summary: 'Deactivate a key (reversible)',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/activate',
    function: 'keys-status',
    access: admin,
    people: keyWriters,
    summary: 'Reactivate a key',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/revoke',
    function: 'keys-status',
    access: admin,
    people: keyWriters,
    summary: 'Revoke a key (permanent)',
  },
  {
    method: 'POST',
    path: '/v1/keys/{id}/rotate',
    function: 'keys-rotate',
    access: admin,
    people: keyWriters,
    summary: 'Rotate a key',
  },
  {
    method: 'GET',
    path: '/v1/audit-log',
    function: 'audit-log',
    access: organizationAdmin,
    people: organizationReaders,
    summary: 'Read the audit log',
  },
  {
    method: 'GET',
    path: '/v1/keys/{id}/calls',
    function: 'key-calls',
    access: admin,
    people: keyReaders,
    summary: "A key's calls of the last 7 days, newest first",
  },
  {
    method: 'GET',
    path: '/v1/usage',
    function: 'usage-report',
    access: organizationAdmin,
    people: organizationReaders,
    summary: 'Usage statistics',
  },
  {
    method: 'GET',
    path: '/v1/notifications',
    function: 'notifications-list',
    access: organizationAdmin,
    people: organizationReaders,
    summary: "The organization's in-app notifications, newest first",
  },
  {
    method: 'POST',
    path: '/v1/notifications/{id}/read',
    function: 'notifications-read',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Mark a notification as read',
  },
  // Webhooks
  {
    method: 'POST',
    path: '/v1/webhooks',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Register a webhook endpoint',
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationReaders,
    summary: 'List webhook endpoints',
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationReaders,
    summary: 'Get a webhook endpoint',
  },
  {
    method: 'PATCH',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Edit a webhook endpoint (also re-enables a disabled one)',
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Delete a webhook endpoint',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    function: 'webhooks',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Rotate the signing secret; the old one keeps signing for 24 hours',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/test',
    function: 'webhook-test',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Send a test event now and return the outcome',
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    people: organizationReaders,
    summary: "An endpoint's deliveries with every attempt, newest first",
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Redeliver one delivery',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/recover',
    function: 'webhook-deliveries',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Redeliver every failed delivery since a time',
  },
  {
    method: 'GET',
    path: '/v1/webhook-event-types',
    function: 'webhook-event-types',
    access: { kind: 'any-key' },
    people: everyone,
    summary: 'The event catalog, with an example payload each',
  },
  // People: live admin keys, owners and admins manage them; viewers read.
  {
    method: 'GET',
    path: '/v1/members',
    function: 'members',
    access: organizationAdmin,
    people: organizationReaders,
    summary: "List the organization's members",
  },
  {
    method: 'POST',
    path: '/v1/members',
    function: 'members',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Invite a member by email',
  },
  {
    method: 'GET',
    path: '/v1/members/{id}',
    function: 'members',
    access: organizationAdmin,
    people: organizationReaders,
    summary: 'Get a member',
  },
  {
    method: 'PATCH',
    path: '/v1/members/{id}',
    function: 'members',
    access: organizationAdmin,
    people: organizationWriters,
    summary: "Change a member's role, sub-accounts or permissions",
  },
  {
    method: 'DELETE',
    path: '/v1/members/{id}',
    function: 'members',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Remove a member (never the last owner)',
  },
  {
    method: 'POST',
    path: '/v1/events',
    function: 'events-publish',
    access: { kind: 'scope', scope: 'events:publish' },
    summary: 'Publish an event for webhook delivery (internal services)',
    operationId: 'publishEvent',
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
    people: everyone,
    summary: 'Describe the calling key',
  },
  // Console sessions (Svix-style sign-in links): live admin keys and owners/admins hand them out.
  {
    method: 'POST',
    path: '/v1/console-sessions',
    function: 'console-sessions',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Create a console session for a member: a bearer token and a one-time sign-in link',
  },
  {
    method: 'GET',
    path: '/v1/console-sessions',
    function: 'console-sessions',
    access: organizationAdmin,
    people: organizationWriters,
    summary: "The organization's active console sessions (never their tokens)",
  },
  {
    method: 'DELETE',
    path: '/v1/console-sessions/{id}',
    function: 'console-sessions',
    access: organizationAdmin,
    people: organizationWriters,
    summary: 'Revoke a console session; it stops within a second',
  },
  {
    method: 'POST',
    // Not DELETE …/current: the policy resource of DELETE …/{id} would cover it, and a policy must
    // grant routes one by one. Admin keys may call it (they get 400: a key has no session to end).
    path: '/v1/console-sessions/sign-out',
    function: 'console-sessions',
    access: admin,
    people: everyone,
    endsOwnSession: true,
    summary: 'Sign out: end the console session making this call; it stops within a second',
  },
  {
    method: 'POST',
    path: '/v1/console-sessions/exchange',
    function: 'console-session-exchange',
    access: { kind: 'public' },
    summary: "Exchange a one-time sign-in link for the browser's session token (the link authenticates)",
    operationId: 'exchangeConsoleLink',
  },
  // The API's docs, public: the OpenAPI document of the calling stage and a page that renders it.
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'api-docs',
    access: { kind: 'public' },
    summary: "The API's OpenAPI 3.1 document",
    operationId: 'getOpenApiDocument',
  },
  {
    method: 'GET',
    path: '/docs',
    function: 'api-docs',
    access: { kind: 'public' },
    summary: 'The interactive API docs (HTML)',
    operationId: 'getDocsPage',
  },
  {
    method: 'GET',
    path: '/docs/{asset}',
    function: 'api-docs',
    access: { kind: 'public' },
    summary: 'A script or style sheet of the docs page',
    operationId: 'getDocsAsset',
  },
  // The web console, public: its page and files; it calls the API above with a console session.
  {
    method: 'GET',
    path: '/console',
    function: 'console',
    access: { kind: 'public' },
    summary: 'The web console (HTML)',
    operationId: 'getConsolePage',
  },
  {
    method: 'GET',
    path: '/console/{asset}',
    function: 'console',
    access: { kind: 'public' },
    summary: "The web console's page for a path (HTML), or one of its scripts or style sheets",
    operationId: 'getConsoleAsset',
  },
];

/** The functions that serve platform routes (the others are workers). */
export const ROUTE_FUNCTIONS: ReadonlySet<FunctionId> = new Set(PLATFORM_ROUTES.map((route) => route.function));
