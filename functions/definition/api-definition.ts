/**
 * The team's API, declared once: its resources and actions, permission presets and levels, routes
 * and their backends, webhook events, plans, stages, key prefix and key header mode.
 *
 * `defineApi` checks a definition and names every mistake; `compileApi` turns it into plain JSON
 * (event schemas become JSON Schema), the form the Lambda bundles, the local platform and the API
 * docs read; `loadApi` reads that JSON back at cold start and indexes it. The platform's own routes
 * (keys, webhooks, usage, audit, notifications, whoami, events) are not part of it: they are
 * always there (platform-routes.ts).
 */
import { z } from 'zod';
import { API_KEY_HEADER_MODES, type ApiKeyHeaderMode } from './api';
import { eventDataSchema } from './event-data';
import { PLATFORM_ROUTES, SERVICE_SCOPES } from './platform-routes';
import {
  type CompiledRouteContract,
  compileRouteContract,
  type RouteRequestInput,
  type RouteResponseInput,
  toJsonSchema,
} from './route-contract';
import { ADMIN_PRESET, expandScopes, scopeProblem } from './scopes';

export type { CompiledRouteContract, RouteRequestInput, RouteResponseInput };
export { ADMIN_PRESET, expandScopes, scopeProblem };

import {
  HTTP_METHODS,
  type HttpMethod,
  isPathParameter,
  pathSegments,
  policyOpens,
  policyPath,
  type RouteAccess,
} from './routes';

/** Where API Gateway sends a route of the team's API. */
export type Backend =
  /** A Lambda function of the team's, passed to the construct under this name (`backends`). */
  | { lambda: string }
  /**
   * An HTTP(S) URL; `{name}` path parameters of the route are filled in from the request. The
   * caller reaches it as `X-Caller-*` request headers (see CALLER_HEADERS).
   */
  | { http: string }
  /** Any API Gateway integration, passed to the construct under this name (`integrations`). */
  | { integration: string };

export interface RouteInput {
  method: HttpMethod;
  /** API Gateway resource path, such as `/v1/rides/{id}`; `{name}` marks a path parameter. */
  path: string;
  /** The scope a key needs: `<resource>:<action>` of `resources`. Presets that include it work too. */
  permission: string;
  summary: string;
  /** Credits a successful call consumes from the organization's balance; none by default. */
  credits?: number;
  backend: Backend;
  /**
   * The route acts on one sub-account, named by the `account_id` query parameter, which the
   * backend checks against the caller's sub-accounts (`api-key-platform/backend`). Default false.
   */
  accountScoped?: boolean;
  /** What the route takes, for the API docs: query parameters and JSON body (zod or JSON Schema). */
  request?: RouteRequestInput;
  /** What the route answers on success, for the API docs; without it they show a generic JSON object. */
  response?: RouteResponseInput;
  /** Error statuses the backend answers beyond the platform's own, such as 404 or 409, for the API docs. */
  errors?: readonly number[];
}

/** A JSON Schema object, for teams that describe event data without zod. */
export type JsonSchema = Record<string, unknown>;

export interface EventInput {
  description: string;
  /** What `data` holds: a zod schema or a JSON Schema. Published events are checked against it. */
  data: z.ZodType | JsonSchema;
  /** An example `data`; it must satisfy `data`. */
  example: Record<string, unknown>;
}

export interface PlanInput {
  /** Requests per minute per organization: API Gateway's usage plan throttle (rate and burst). */
  requestsPerMinute: number;
  /** An optional request quota per organization and period, enforced by the usage plan. */
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' };
  /** Organizations on this plan may get a request rate of their own (`customRequestsPerMinute`). */
  customLimit?: boolean;
}

export interface ApiDefinitionInput {
  /** The API's name, as the docs and the console show it. */
  name: string;
  /** The API's version, for the docs; `1.0.0` by default. */
  version?: string;
  /** Each resource and the actions it has: `{ rides: ['read', 'create', 'update'] }`. */
  resources: Record<string, readonly string[]>;
  /**
   * Named sets of scopes a key may carry instead of listing scopes: `{ read: { scopes: ['*:read'] } }`.
   * `*:<action>` means that action on every resource that has it, `<resource>:*` every action of
   * the resource. `admin` is the platform's own preset (everything, key management included).
   */
  presets?: Record<string, { description: string; scopes: readonly string[] }>;
  /**
   * The choices people get when they make a key (the console's read-only, read-write, admin),
   * in order, each a list of presets or scopes.
   */
  levels?: Record<string, { description: string; permissions: readonly string[] }>;
  routes: readonly RouteInput[];
  /** The team's webhook event catalog; the platform adds its own `api_key.*` events. */
  events?: Record<string, EventInput>;
  plans: Record<string, PlanInput>;
  /** The plan a new organization gets. */
  defaultPlan: string;
  /** Names of the API Gateway stages for live and sandbox keys; `live` and `sandbox` by default. */
  stages?: { live: string; sandbox: string };
  /** Keys look like `<keyPrefix>_live_…` and `<keyPrefix>_test_…`; `sk` by default. */
  keyPrefix?: string;
  /** Where clients send their key; `x-api-key` by default. */
  apiKeyHeader?: ApiKeyHeaderMode;
}

/** The compiled definition: plain JSON, the form every function and the local platform read. */
export interface CompiledApi {
  format: 1;
  name: string;
  version: string;
  resources: Record<string, string[]>;
  presets: Record<string, { description: string; scopes: string[] }>;
  levels: Record<string, { description: string; permissions: string[] }>;
  routes: CompiledRoute[];
  events: Record<string, { description: string; schema: JsonSchema; example: Record<string, unknown> }>;
  plans: Record<string, PlanInput>;
  defaultPlan: string;
  stages: { live: string; sandbox: string };
  keyPrefix: string;
  apiKeyHeader: ApiKeyHeaderMode;
}

export interface CompiledRoute extends CompiledRouteContract {
  method: HttpMethod;
  path: string;
  resource: string;
  action: string;
  summary: string;
  credits: number;
  backend: Backend;
  accountScoped: boolean;
}

/** A checked definition: what `defineApi` returns and the construct and local platform take. */
export interface ApiDefinition extends Readonly<ApiDefinitionInput> {
  readonly compiled: CompiledApi;
}

/** Every mistake of a definition, one line each, so a team fixes them in one go. */
export class ApiDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The API definition has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ApiDefinitionError';
  }
}

export const DEFAULT_STAGES = { live: 'live', sandbox: 'sandbox' } as const;
export const DEFAULT_KEY_PREFIX = 'sk';

const NAME = /^[a-z][a-z0-9-]*$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const BACKEND_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const STAGE_NAME = /^[A-Za-z0-9_]{1,128}$/;
const KEY_PREFIX = /^[a-z]{2,8}$/;
const PATH_SEGMENT = /^([A-Za-z0-9._-]+|\{[A-Za-z_][A-Za-z0-9_]*\})$/;

/** Checks a definition; throws an ApiDefinitionError that lists every problem. */
export function defineApi(input: ApiDefinitionInput): ApiDefinition {
  const problems: string[] = [];
  const compiled = compile(input, problems);
  if (problems.length > 0) throw new ApiDefinitionError(problems);
  return Object.freeze({ ...input, compiled });
}

/** The JSON form of a definition (see CompiledApi). */
export function compileApi(definition: ApiDefinition): CompiledApi {
  return definition.compiled;
}

function compile(input: ApiDefinitionInput, problems: string[]): CompiledApi {
  const problem = (message: string) => problems.push(message);
  if (typeof input.name !== 'string' || input.name.trim() === '') problem('name: must be a non-empty string');

  const resources: Record<string, string[]> = {};
  for (const [resource, actions] of Object.entries(input.resources ?? {})) {
    if (!NAME.test(resource)) problem(`resources.${resource}: a resource name is lowercase letters, digits and -`);
    if (!Array.isArray(actions) || actions.length === 0) {
      problem(`resources.${resource}: list at least one action, such as ['read']`);
      continue;
    }
    for (const action of actions) {
      if (!NAME.test(action))
        problem(`resources.${resource}: action '${action}' is not lowercase letters, digits and -`);
      // A key holding the service scope would call the team's route and the platform's alike.
      if ((SERVICE_SCOPES as readonly string[]).includes(`${resource}:${action}`)) {
        problem(
          `resources.${resource}: '${resource}:${action}' is the platform's own service scope; pick another name`,
        );
      }
    }
    if (new Set(actions).size !== actions.length) problem(`resources.${resource}: an action is listed twice`);
    resources[resource] = [...actions];
  }
  if (Object.keys(resources).length === 0) problem('resources: declare at least one resource and its actions');

  const presets: CompiledApi['presets'] = {};
  for (const [preset, { description, scopes }] of Object.entries(input.presets ?? {})) {
    const where = `presets.${preset}`;
    if (!NAME.test(preset)) problem(`${where}: a preset name is lowercase letters, digits and -`);
    if (preset === ADMIN_PRESET) problem(`${where}: 'admin' is the platform's own preset; pick another name`);
    if ((SERVICE_SCOPES as readonly string[]).includes(preset) || preset.includes(':')) {
      problem(`${where}: a preset name may not look like a scope`);
    }
    const expanded = expandScopes(scopes ?? [], resources);
    for (const scope of scopes ?? []) {
      if (expandScopes([scope], resources).length === 0) {
        problem(`${where}: '${scope}' matches no <resource>:<action> of resources`);
      }
    }
    presets[preset] = { description: description ?? '', scopes: expanded };
  }

  const permissionProblem = (permission: string) =>
    permission === ADMIN_PRESET || Object.hasOwn(presets, permission) ? undefined : scopeProblem(permission, resources);
  const levels: CompiledApi['levels'] = {};
  for (const [level, { description, permissions }] of Object.entries(input.levels ?? {})) {
    if (!NAME.test(level)) problem(`levels.${level}: a level name is lowercase letters, digits and -`);
    if (!Array.isArray(permissions) || permissions.length === 0) problem(`levels.${level}: list its permissions`);
    for (const permission of permissions ?? []) {
      const why = permissionProblem(permission);
      if (why) problem(`levels.${level}: ${why}`);
    }
    levels[level] = { description: description ?? '', permissions: [...(permissions ?? [])] };
  }

  const routes = compileRoutes(input.routes ?? [], resources, problem);
  const events = compileEvents(input.events ?? {}, problem);

  const plans: Record<string, PlanInput> = {};
  for (const [plan, figures] of Object.entries(input.plans ?? {})) {
    const parsed = planSchema.safeParse(figures);
    if (!NAME.test(plan)) problem(`plans.${plan}: a plan name is lowercase letters, digits and -`);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(`plans.${plan}.${issue.path.join('.')}: ${issue.message}`);
    } else plans[plan] = parsed.data;
  }
  if (Object.keys(input.plans ?? {}).length === 0) problem('plans: declare at least one plan');
  if (!Object.hasOwn(input.plans ?? {}, input.defaultPlan)) {
    problem(`defaultPlan: '${input.defaultPlan}' is not one of plans (${Object.keys(input.plans ?? {}).join(', ')})`);
  }

  const stages = input.stages ?? DEFAULT_STAGES;
  for (const [environment, stage] of Object.entries(stages)) {
    if (!STAGE_NAME.test(stage)) problem(`stages.${environment}: '${stage}' is not a valid stage name`);
  }
  if (stages.live === stages.sandbox) problem('stages: live and sandbox need different stage names');
  const keyPrefix = input.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (!KEY_PREFIX.test(keyPrefix)) problem(`keyPrefix: '${keyPrefix}' must be 2 to 8 lowercase letters`);
  const apiKeyHeader = input.apiKeyHeader ?? 'x-api-key';
  if (!API_KEY_HEADER_MODES.includes(apiKeyHeader)) {
    problem(`apiKeyHeader: '${apiKeyHeader}' is not one of ${API_KEY_HEADER_MODES.join(', ')}`);
  }
  return {
    format: 1,
    name: input.name,
    version: input.version ?? '1.0.0',
    resources,
    presets,
    levels,
    routes,
    events,
    plans,
    defaultPlan: input.defaultPlan,
    stages: { live: stages.live, sandbox: stages.sandbox },
    keyPrefix,
    apiKeyHeader,
  };
}

const planSchema = z.strictObject({
  // 10,000 requests a second: API Gateway's default account-wide throttle; the burst is this figure.
  requestsPerMinute: z.number().int().min(1).max(600_000),
  quota: z
    .strictObject({
      // The usage plan's quota Limit is a 32-bit integer in CloudFormation.
      limit: z.number().int().min(1).max(2_147_483_647, 'must be at most 2147483647, the usage plan maximum'),
      period: z.enum(['DAY', 'WEEK', 'MONTH']),
    })
    .optional(),
  customLimit: z.boolean().optional(),
});

function compileRoutes(
  routes: readonly RouteInput[],
  resources: Record<string, string[]>,
  problem: (message: string) => void,
): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  /** Indexes of the routes whose path is well formed, the ones policyOverlapProblems compares. */
  const checkedPaths = new Set<number>();
  const seen = new Set<string>();
  const platformPaths = new Set(PLATFORM_ROUTES.map((route) => route.path));
  const parameterNames = new Map<string, string>();
  for (const route of PLATFORM_ROUTES) recordParameterNames(route.path, parameterNames, () => {});
  for (const [index, route] of routes.entries()) {
    const where = `routes[${index}] ${route.method} ${route.path}`;
    if (!HTTP_METHODS.includes(route.method)) problem(`${where}: method must be one of ${HTTP_METHODS.join(', ')}`);
    const segments = typeof route.path === 'string' ? pathSegments(route.path) : [];
    const pathValid =
      typeof route.path === 'string' &&
      route.path === `/${segments.join('/')}` &&
      segments.length > 0 &&
      segments.every((s) => PATH_SEGMENT.test(s));
    if (!pathValid) {
      problem(
        `${where}: path must be /-separated segments of letters, digits, ._- or {name}, none empty, no trailing /`,
      );
    }
    const parameters = segments.filter(isPathParameter);
    if (new Set(parameters).size !== parameters.length) problem(`${where}: a path parameter name appears twice`);
    if (platformPaths.has(route.path) || segments[1] === undefined || isPlatformOwned(route.path)) {
      problem(`${where}: the path belongs to the platform's own routes; pick another`);
    }
    recordParameterNames(route.path, parameterNames, (message) => problem(`${where}: ${message}`));
    if (seen.has(`${route.method} ${route.path}`)) problem(`${where}: declared twice`);
    seen.add(`${route.method} ${route.path}`);
    const scope = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)$/.exec(route.permission ?? '');
    const why = scope ? scopeProblem(route.permission, resources) : undefined;
    if (!scope || why) {
      problem(
        `${where}: permission ${why ?? `'${route.permission}' must be one <resource>:<action>, such as rides:read`}`,
      );
    }
    if (typeof route.summary !== 'string' || route.summary.trim() === '') problem(`${where}: summary is required`);
    const credits = route.credits ?? 0;
    if (!Number.isInteger(credits) || credits < 0) problem(`${where}: credits must be a whole number, 0 or more`);
    const backendWhy = backendProblem(route.backend);
    if (backendWhy) problem(`${where}: backend ${backendWhy}`);
    else if ('http' in route.backend) {
      for (const why of httpUrlProblems(route.path, route.backend.http)) problem(`${where}: ${why}`);
    }
    // The platform charges credits in its metered proxy, which can call a function or a URL only.
    if (credits > 0 && route.backend && 'integration' in route.backend) {
      problem(`${where}: credits need a lambda or http backend; the platform cannot meter an integration`);
    }
    const contract = compileRouteContract(route, (message) => problem(`${where}: ${message}`));
    if (pathValid) checkedPaths.add(compiled.length);
    compiled.push({
      method: route.method,
      path: route.path,
      resource: scope?.[1] ?? '',
      action: scope?.[2] ?? '',
      summary: route.summary,
      credits,
      backend: route.backend,
      accountScoped: route.accountScoped ?? false,
      ...contract,
    });
  }
  if (routes.length === 0) problem('routes: declare at least one route of your API');
  policyOverlapProblems(
    compiled.flatMap((route, index) => (checkedPaths.has(index) ? [{ route, index }] : [])),
    problem,
  );
  return compiled;
}

interface PolicyEntry {
  method: string;
  path: string;
  /** What a key needs to call the route, as the problem names it. */
  needs: string;
  /** `routes[i] GET /path` for a team route; undefined for the platform's. */
  where?: string;
}

/**
 * A key's policy names each route it may call with `*` for the path parameters, and API Gateway's
 * `*` spans slashes: `GET/v1/*` would let a `things:read` key call `GET /v1/keys` too. A team route
 * whose policy resource covers a route needing another permission (or the other way round) is
 * refused, so a key's policy never opens more than its permissions grant.
 */
function policyOverlapProblems(
  routes: readonly { route: CompiledRoute; index: number }[],
  problem: (message: string) => void,
) {
  const team: PolicyEntry[] = routes.map(({ route, index }) => ({
    method: route.method,
    path: route.path,
    needs: `${route.resource}:${route.action}`,
    where: `routes[${index}] ${route.method} ${route.path}`,
  }));
  const platform: PolicyEntry[] = PLATFORM_ROUTES.map((route) => ({
    method: route.method,
    path: route.path,
    needs: platformNeeds(route.access),
  }));
  const advice =
    'API Gateway policies cannot tell them apart; give the route a static segment first or the same permission';
  const opensOther = (opener: PolicyEntry, opened: PolicyEntry) =>
    opener !== opened &&
    opener.method === opened.method &&
    !(opener.where && opened.where && opener.needs === opened.needs) &&
    policyOpens(opener.path, opened.path);
  const listed = (entries: readonly PolicyEntry[]) =>
    entries
      .slice(0, 4)
      .map((entry) => `${entry.method} ${entry.path} (${entry.needs})`)
      .concat(entries.length > 4 ? [`${entries.length - 4} more`] : [])
      .join(', ');
  for (const route of team) {
    const resource = `${route.method}/${policyPath(route.path)}`;
    const opened = [...team, ...platform].filter((other) => opensOther(route, other));
    if (opened.length > 0)
      problem(`${route.where}: its policy ${resource} would also open ${listed(opened)}; ${advice}`);
    // Platform paths start with their own static segments, which defineApi keeps to the platform,
    // so this only guards against a platform route added later.
    const openers = platform.filter((other) => opensOther(other, route));
    if (openers.length > 0) problem(`${route.where}: the policy of ${listed(openers)} would also open it; ${advice}`);
  }
}

function platformNeeds(access: RouteAccess): string {
  switch (access.kind) {
    case 'admin':
      return 'admin';
    case 'any-key':
      return 'any key';
    case 'scope':
      return access.scope;
    case 'public':
      return 'public, no key';
    case 'product':
      return `${access.resource}:${access.action}`;
  }
}

/**
 * The platform's routes own their first segments after the version (`/v1/keys…`, `/v1/webhooks…`),
 * and a platform path outside a version (`/docs`) owns its whole first segment.
 */
function isPlatformOwned(path: string): boolean {
  const [version, first] = pathSegments(path);
  return PLATFORM_ROUTES.some((route) => {
    const [platformVersion, platformFirst] = pathSegments(route.path);
    if (!/^v\d+$/.test(platformVersion ?? '')) return platformVersion === version;
    return platformVersion === version && platformFirst === first;
  });
}

/** API Gateway allows one path parameter name per position under a parent resource. */
function recordParameterNames(path: string, names: Map<string, string>, problem: (message: string) => void) {
  const segments = pathSegments(path ?? '');
  for (const [index, segment] of segments.entries()) {
    if (!isPathParameter(segment)) continue;
    const parent = `/${segments.slice(0, index).join('/')}`;
    const existing = names.get(parent);
    if (existing && existing !== segment) {
      problem(`path parameter ${segment} under ${parent} must be named ${existing}, as on the other routes there`);
    } else names.set(parent, segment);
  }
}

/**
 * Why an HTTP backend's URL does not fit its route, one line each. A `{name}` is filled from the
 * route's path parameter of that name, in the URL's path only: in the host, a client would pick
 * the server the gateway calls. Greedy `{name+}` parameters are not supported.
 */
export function httpUrlProblems(routePath: string, url: string): string[] {
  const routeParameters = new Set(
    pathSegments(routePath)
      .filter(isPathParameter)
      .map((segment) => segment.slice(1, -1)),
  );
  const scheme = url.indexOf('://');
  const authorityEnd = firstIndexOf(url, ['/', '?', '#'], scheme < 0 ? 0 : scheme + 3);
  const pathEnd = firstIndexOf(url, ['?', '#'], authorityEnd);
  const problems: string[] = [];
  for (const match of url.matchAll(/\{([^}]*)\}/g)) {
    const name = match[1] as string;
    if (match.index < authorityEnd || match.index >= pathEnd) {
      problems.push(`the backend URL's {${name}} may stand in its path only, never in its host, query or fragment`);
    } else if (name.endsWith('+')) {
      problems.push(`the backend URL's {${name}} is a greedy parameter, which the platform does not support`);
    } else if (!routeParameters.has(name)) {
      problems.push(`the backend URL's {${name}} is not a path parameter of the route`);
    }
  }
  return problems;
}

function firstIndexOf(text: string, characters: readonly string[], from: number): number {
  const found = characters.map((character) => text.indexOf(character, from)).filter((index) => index >= 0);
  return found.length > 0 ? Math.min(...found) : text.length;
}

function backendProblem(backend: Backend | undefined): string | undefined {
  if (!backend || typeof backend !== 'object') return 'is required: { lambda }, { http } or { integration }';
  const kinds = Object.keys(backend);
  if (kinds.length !== 1) return 'names exactly one of lambda, http or integration';
  if ('http' in backend) {
    let url: URL;
    try {
      url = new URL(backend.http);
    } catch {
      return `'${backend.http}' is not a URL`;
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      return `'${backend.http}' must be https (http only on loopback, for local runs)`;
    }
    return undefined;
  }
  const name = 'lambda' in backend ? backend.lambda : 'integration' in backend ? backend.integration : undefined;
  if (typeof name !== 'string' || !BACKEND_NAME.test(name)) {
    return 'name must be letters, digits and -, starting with a letter';
  }
  return undefined;
}

function compileEvents(events: Record<string, EventInput>, problem: (message: string) => void) {
  const compiled: CompiledApi['events'] = {};
  for (const [type, event] of Object.entries(events)) {
    const where = `events.${type}`;
    if (!EVENT_TYPE.test(type)) problem(`${where}: an event type is dotted lowercase words, such as ride.completed`);
    if (type.startsWith('api_key.')) problem(`${where}: api_key.* events are the platform's own`);
    if (typeof event.description !== 'string' || event.description.trim() === '') {
      problem(`${where}: description is required`);
    }
    let schema: JsonSchema;
    try {
      // As input: a z.object takes fields it does not name (its output strips them), a z.strictObject does not.
      schema = toJsonSchema(event.data, 'input');
      const checked = eventDataSchema(schema).safeParse(event.example);
      if (!checked.success) {
        const first = checked.error.issues[0];
        problem(`${where}: the example does not match data (${first?.path.join('.') || 'data'}: ${first?.message})`);
      }
    } catch (error) {
      problem(`${where}: data is neither a zod schema nor a JSON Schema zod can read (${(error as Error).message})`);
      continue;
    }
    compiled[type] = { description: event.description, schema, example: event.example };
  }
  return compiled;
}
