/** fast-check arbitraries shared by the unit tests. */
import fc from 'fast-check';
import {
  PRODUCT_ACTIONS,
  PRODUCT_RESOURCES,
  type RouteDefinition,
  SERVICE_SCOPES,
} from '../../functions/definition/routes';
import { PERMISSION_PRESETS } from '../../functions/domain/permissions';

/** Every `<resource>:<action>` scope that permissionProblem accepts, and the service scopes. */
export const VALID_SCOPES: readonly string[] = [
  ...PRODUCT_RESOURCES.flatMap((resource) => [...PRODUCT_ACTIONS, '*'].map((action) => `${resource}:${action}`)),
  ...SERVICE_SCOPES,
];

export const VALID_PERMISSIONS: readonly string[] = [...PERMISSION_PRESETS, ...VALID_SCOPES];

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
