/** fast-check arbitraries shared by the unit tests. */
import fc from 'fast-check';
import { activeApi, type LoadedApi, loadApi } from '../../functions/definition/active-api';
import { type ApiDefinitionInput, defineApi, type RouteInput } from '../../functions/definition/api-definition';
import { PLATFORM_ROUTES, SERVICE_SCOPES } from '../../functions/definition/platform-routes';
import { HTTP_METHODS, pathSegments, type RouteDefinition } from '../../functions/definition/routes';
import { permissionPresets } from '../../functions/domain/permissions';

/** Every `<resource>:<action>` and `<resource>:*` scope of a definition, and the service scopes. */
export function validScopesOf(api: LoadedApi): string[] {
  return [
    ...Object.entries(api.compiled.resources).flatMap(([resource, actions]) =>
      [...actions, '*'].map((action) => `${resource}:${action}`),
    ),
    ...SERVICE_SCOPES,
  ];
}

/** Every permission a key may hold under a definition: its presets, `admin` and validScopesOf. */
export function validPermissionsOf(api: LoadedApi): string[] {
  return [...permissionPresets(api), ...validScopesOf(api)];
}

/** The active definition's (Leadbase's, see active-api-setup.ts). */
export const VALID_SCOPES: readonly string[] = validScopesOf(activeApi());

export const VALID_PERMISSIONS: readonly string[] = validPermissionsOf(activeApi());

export const permission = fc.constantFrom(...VALID_PERMISSIONS);

export const permissionSet = fc.uniqueArray(permission, { maxLength: 8 });

export const nonAdminPermissionSet = fc.uniqueArray(
  permission.filter((p) => p !== 'admin'),
  { maxLength: 8 },
);

/** A path parameter value as a client would send it. */
export const idSegment = fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/);

export const stageName = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

/** The route's path with every `{param}` replaced by the given id. */
export function concretePath(route: RouteDefinition, id: string): string {
  return route.path.replace(/\{[^}]+\}/g, id);
}

/** First path segments of the platform's own routes, which a team's route may not use. */
const PLATFORM_FIRST_SEGMENTS = new Set(PLATFORM_ROUTES.map((route) => pathSegments(route.path)[1]));
const ACTIONS = ['read', 'create', 'update', 'delete', 'list', 'run'] as const;

/**
 * A random valid API definition, loaded: 1–4 resources of 1–4 actions each, a route per
 * resource and action (`/v1/<resource>/<action>`, a random method), and 0–3 presets of scopes in
 * every form a preset may use (`*:<action>`, `<resource>:*`, `<resource>:<action>`).
 */
export const loadedApi: fc.Arbitrary<LoadedApi> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z]{2,8}$/).filter((name) => !PLATFORM_FIRST_SEGMENTS.has(name)),
      actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 4 }),
      methods: fc.array(fc.constantFrom(...HTTP_METHODS), { minLength: 4, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 4, selector: (resource) => resource.name },
  )
  .chain((resources) => {
    const scopeForms = resources.flatMap(({ name, actions }) => [
      `${name}:*`,
      ...actions.flatMap((action) => [`${name}:${action}`, `*:${action}`]),
    ]);
    const preset = fc.uniqueArray(fc.constantFrom(...scopeForms), { minLength: 1, maxLength: 4 });
    return fc.record({
      resources: fc.constant(resources),
      presets: fc.dictionary(fc.stringMatching(/^p[a-z]{1,5}$/), preset, { maxKeys: 3 }),
    });
  })
  .map(({ resources, presets }) => {
    const routes = resources.flatMap(({ name, actions, methods }) =>
      actions.map(
        (action, index): RouteInput => ({
          method: methods[index] ?? 'GET',
          path: `/v1/${name}/${action}`,
          permission: `${name}:${action}`,
          summary: `${action} ${name}`,
          backend: { lambda: name },
        }),
      ),
    );
    const input: ApiDefinitionInput = {
      name: 'Random API',
      resources: Object.fromEntries(resources.map(({ name, actions }) => [name, actions])),
      presets: Object.fromEntries(
        Object.entries(presets).map(([preset, scopes]) => [preset, { description: preset, scopes }]),
      ),
      routes,
      plans: { basic: { requestsPerMinute: 60 } },
      defaultPlan: 'basic',
    };
    return loadApi(defineApi(input).compiled);
  });
