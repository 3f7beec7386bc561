/**
 * The definition's resources, presets and levels, from the console's runtime config
 * (`<script id="console-config" type="application/json">`, field `permissions`): the one place a
 * browser learns them. Without the field, the signed-in person's own presets are the choices.
 */
import type { components } from '../../../../sdk/src/schema';
import { fallbackCatalog, type PermissionCatalog } from './permissions';

export type ApiKey = components['schemas']['ApiKey'];
export type CreatedApiKey = components['schemas']['CreatedApiKey'];

let cached: PermissionCatalog | undefined | null = null;

function configCatalog(): PermissionCatalog | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    const text = document.getElementById('console-config')?.textContent;
    const permissions = text ? (JSON.parse(text) as { permissions?: PermissionCatalog }).permissions : undefined;
    if (permissions?.resources && permissions.presets && permissions.levels) cached = permissions;
  } catch {
    // A broken config leaves the fallback: the page still works with the caller's presets.
  }
  return cached;
}

export function permissionCatalog(ownPermissions: readonly string[]): PermissionCatalog {
  return configCatalog() ?? fallbackCatalog(ownPermissions);
}
