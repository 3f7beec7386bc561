/**
 * Permissions a key may carry: the presets `read`, `write`, `delete`, `enrich`, `search` and
 * `admin`, `<resource>:<action>` scopes such as `contacts:read` (`contacts:*` for every action), or
 * the service scopes of SERVICE_SCOPES (`events:publish`), which no preset but `admin` includes.
 */
import { PRODUCT_ACTIONS, PRODUCT_RESOURCES, type RouteDefinition, SERVICE_SCOPES } from '../definition/routes';

export const PERMISSION_PRESETS = ['read', 'write', 'delete', 'enrich', 'search', 'admin'] as const;
const SCOPE_PATTERN = /^([a-z][a-z0-9-]*):([a-z*]+)$/;

/** Why a permission string is invalid, or undefined when it is valid. */
export function permissionProblem(permission: string): string | undefined {
  if ((PERMISSION_PRESETS as readonly string[]).includes(permission)) return undefined;
  if ((SERVICE_SCOPES as readonly string[]).includes(permission)) return undefined;
  const scope = SCOPE_PATTERN.exec(permission);
  if (!scope) {
    return `'${permission}' is neither a preset (${PERMISSION_PRESETS.join(', ')}) nor a <resource>:<action> scope such as contacts:read`;
  }
  const [, resource, action] = scope as unknown as [string, string, string];
  if (!PRODUCT_RESOURCES.includes(resource)) {
    return `'${permission}' names an unknown resource '${resource}'; known resources: ${PRODUCT_RESOURCES.join(', ')}`;
  }
  if (action !== '*' && !(PRODUCT_ACTIONS as readonly string[]).includes(action)) {
    return `'${permission}' names an unknown action '${action}'; actions: ${PRODUCT_ACTIONS.join(', ')} or *`;
  }
  return undefined;
}

export function grantsRoute(permissions: readonly string[], route: RouteDefinition): boolean {
  const { access } = route;
  // Not behind the authorizer: no key's policy names it, not even an admin's.
  if (access.kind === 'public') return false;
  if (permissions.includes('admin')) return true;
  switch (access.kind) {
    case 'admin':
      return false;
    case 'any-key':
      return true;
    case 'scope':
      return permissions.includes(access.scope);
    case 'product':
      return (
        permissions.includes(access.action) ||
        permissions.includes(`${access.resource}:${access.action}`) ||
        permissions.includes(`${access.resource}:*`)
      );
  }
}
