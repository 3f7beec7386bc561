/**
 * The team's API as the running platform sees it: the compiled definition (api-definition.ts), read
 * once at cold start from the JSON file the construct ships with every function bundle
 * (`$LAMBDA_TASK_ROOT/api-definition.json`, or API_DEFINITION_FILE), checked, and indexed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { API_KEY_HEADER_MODES } from './api';
import type { CompiledApi, CompiledRoute } from './api-definition';
import { PLATFORM_ROUTES } from './platform-routes';
import { HTTP_METHODS, type RouteDefinition, type TeamRouteDefinition } from './routes';
import { ADMIN_PRESET } from './scopes';

export const API_DEFINITION_FILE_NAME = 'api-definition.json';

export interface LoadedApi {
  compiled: CompiledApi;
  /** The platform's routes, then the team's. */
  routes: readonly RouteDefinition[];
  teamRoutes: readonly TeamRouteDefinition[];
  /** Stage name → the environment of keys that work on it. */
  stages: Readonly<Record<string, KeyEnvironment>>;
  /** Every preset (the platform's `admin` aside) → the `<resource>:<action>` scopes it grants. */
  presetScopes: ReadonlyMap<string, ReadonlySet<string>>;
}

const jsonObject = z.record(z.string(), z.unknown());
const name = z.string().check(z.minLength(1));
const backendSchema = z.union([
  z.strictObject({ lambda: name }),
  z.strictObject({ http: z.url() }),
  z.strictObject({ integration: name }),
]);
const wholeNumber = (minimum: number) => z.int().check(z.minimum(minimum));
const statusBetween = (minimum: number, maximum: number) => z.int().check(z.minimum(minimum), z.maximum(maximum));
/**
 * The shape of the compiled file: checked at cold start, so a broken file fails the first call
 * loudly. zod/mini, because the authorizer loads it (test/infra/authorizer-bundle.test.ts).
 */
const compiledApiSchema = z.strictObject({
  format: z.literal(1),
  name,
  version: name,
  resources: z.record(z.string(), z.array(z.string()).check(z.minLength(1))),
  presets: z.record(z.string(), z.strictObject({ description: z.string(), scopes: z.array(z.string()) })),
  levels: z.record(z.string(), z.strictObject({ description: z.string(), permissions: z.array(z.string()) })),
  routes: z.array(
    z.strictObject({
      method: z.enum(HTTP_METHODS),
      path: z.string().check(z.startsWith('/')),
      resource: name,
      action: name,
      summary: z.string(),
      credits: wholeNumber(0),
      backend: backendSchema,
      accountScoped: z.boolean(),
      // What the route takes and answers (route-contract.ts), for the API docs only.
      request: z.optional(z.strictObject({ query: z.optional(jsonObject), body: z.optional(jsonObject) })),
      response: z.optional(
        z.strictObject({ status: statusBetween(200, 299), schema: z.optional(jsonObject), description: z.string() }),
      ),
      errors: z.optional(z.array(statusBetween(400, 599))),
    }),
  ),
  events: z.record(z.string(), z.strictObject({ description: z.string(), schema: jsonObject, example: jsonObject })),
  plans: z.record(
    z.string(),
    z.strictObject({
      requestsPerMinute: wholeNumber(1),
      quota: z.optional(z.strictObject({ limit: wholeNumber(1), period: z.enum(['DAY', 'WEEK', 'MONTH']) })),
      customLimit: z.optional(z.boolean()),
    }),
  ),
  defaultPlan: name,
  stages: z
    .strictObject({ live: name, sandbox: name })
    // One stage for both would take live keys' calls as sandbox ones (defineApi refuses it too).
    .check(z.refine((stages) => stages.live !== stages.sandbox, 'live and sandbox need different stage names')),
  keyPrefix: z.string().check(z.regex(/^[a-z]{2,8}$/)),
  apiKeyHeader: z.enum(API_KEY_HEADER_MODES),
});

/** Checks and indexes a compiled definition; throws with what is wrong. */
export function loadApi(json: unknown): LoadedApi {
  const parsed = compiledApiSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`The compiled API definition is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const compiled = parsed.data as CompiledApi;
  const teamRoutes = compiled.routes.map(teamRoute);
  const presetScopes = new Map<string, ReadonlySet<string>>(
    Object.entries(compiled.presets).map(([preset, { scopes }]) => [preset, new Set(scopes)]),
  );
  presetScopes.delete(ADMIN_PRESET);
  return {
    compiled,
    routes: [...PLATFORM_ROUTES, ...teamRoutes],
    teamRoutes,
    stages: { [compiled.stages.live]: 'live', [compiled.stages.sandbox]: 'test' },
    presetScopes,
  };
}

function teamRoute(route: CompiledRoute): TeamRouteDefinition {
  return {
    method: route.method,
    path: route.path,
    access: { kind: 'product', resource: route.resource, action: route.action },
    summary: route.summary,
    ...(route.credits > 0 && { credits: route.credits }),
    backend: route.backend,
    accountScoped: route.accountScoped,
  };
}

let active: LoadedApi | undefined;

/** The running platform's API definition, loaded on first use. */
export function activeApi(): LoadedApi {
  active ??= loadApi(JSON.parse(readFileSync(definitionFile(), 'utf8')));
  return active;
}

/**
 * Makes a definition the active one in this process: the local platform and tests, which run the
 * functions in-process, call it with the same compiled JSON the bundles carry.
 */
export function useApi(compiled: CompiledApi): LoadedApi {
  active = loadApi(compiled);
  return active;
}

function definitionFile(): string {
  const file = process.env.API_DEFINITION_FILE;
  if (file) return file;
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  if (taskRoot) return join(taskRoot, API_DEFINITION_FILE_NAME);
  throw new Error(
    `No API definition: set API_DEFINITION_FILE to a compiled definition (${API_DEFINITION_FILE_NAME}), as the construct and npm start do.`,
  );
}

/**
 * A value derived from a definition (a cost table, a memo), computed on first use once per loaded
 * definition: modules need no definition when they load, and a test's own definition gets its own.
 */
export function perApi<T>(derive: (api: LoadedApi) => T): (api?: LoadedApi) => T {
  const derived = new WeakMap<LoadedApi, T>();
  return (api = activeApi()) => {
    if (!derived.has(api)) derived.set(api, derive(api));
    return derived.get(api) as T;
  };
}

/** The environment of keys that work on a stage, or undefined for a stage the API does not have. */
export function environmentOfStage(stage: string, api: LoadedApi = activeApi()): KeyEnvironment | undefined {
  return Object.hasOwn(api.stages, stage) ? api.stages[stage] : undefined;
}

/** The stage names of an environment's keys (one each). */
export function stagesOf(environment: KeyEnvironment, api: LoadedApi = activeApi()): string[] {
  return Object.entries(api.stages).flatMap(([stage, env]) => (env === environment ? [stage] : []));
}
