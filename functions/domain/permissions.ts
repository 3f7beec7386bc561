/**
 * Permissions a key may carry: the presets of the active API definition and the platform's `admin`,
 * `<resource>:<action>` scopes of its resources (`<resource>:*` for every action), or the service
 * scopes of SERVICE_SCOPES (`events:publish`), which no preset but `admin` includes.
 */
import { activeApi, type LoadedApi } from '../definition/active-api';
import { SERVICE_SCOPES } from '../definition/platform-routes';
import type { RouteDefinition } from '../definition/routes';
import { ADMIN_PRESET, scopeProblem } from '../definition/scopes';

/** The presets a key may hold: the definition's, then `admin`. */
export function permissionPresets(api: LoadedApi = activeApi()): string[] {
  return [...api.presetScopes.keys(), ADMIN_PRESET];
}

/** Why a permission string is invalid, or undefined when it is valid. */
export function permissionProblem(permission: string, api: LoadedApi = activeApi()): string | undefined {
  if (permission === ADMIN_PRESET || api.presetScopes.has(permission)) return undefined;
  if ((SERVICE_SCOPES as readonly string[]).includes(permission)) return undefined;
  return scopeProblem(permission, api.compiled.resources, permissionPresets(api));
}

export function grantsRoute(
  permissions: readonly string[],
  route: RouteDefinition,
  api: LoadedApi = activeApi(),
): boolean {
  const { access } = route;
  // Not behind the authorizer: no key's policy names it, not even an admin's.
  if (access.kind === 'public') return false;
  if (permissions.includes(ADMIN_PRESET)) return true;
  switch (access.kind) {
    case 'admin':
      return false;
    case 'any-key':
      return true;
    case 'scope':
      return permissions.includes(access.scope);
    case 'product': {
      const scope = `${access.resource}:${access.action}`;
      return permissions.some(
        (permission) =>
          permission === scope ||
          permission === `${access.resource}:*` ||
          api.presetScopes.get(permission)?.has(scope) === true,
      );
    }
  }
}
