/**
 * The permission choices of the key form, from the API definition's resources, presets and levels
 * (the console's runtime config carries them: nothing else tells a browser the definition's resources).
 * Plain functions, no UI: a choice becomes the `permissions` array the API takes, and back.
 */

export interface PermissionCatalog {
  /** Each resource and its actions: `{ contacts: ['read', 'write', 'delete'] }`. */
  resources: Record<string, string[]>;
  /** The definition's presets (name → description); the platform's `admin` is added by presetNames. */
  presets: Record<string, string>;
  /** The choices people get first (read-only, read-write, admin), in order. */
  levels: Record<string, { description: string; permissions: string[] }>;
}

export const ADMIN = 'admin';

/** What the form holds: a level, or a custom set of presets and per-resource actions. */
export type PermissionChoice =
  | { kind: 'level'; level: string }
  | { kind: 'custom'; presets: string[]; scopes: Record<string, string[]> };

export function presetNames(catalog: PermissionCatalog): string[] {
  return [...Object.keys(catalog.presets).filter((name) => name !== ADMIN), ADMIN];
}

/** The permissions to send: a level's, or the presets then the scopes (`<resource>:*` for all of one's actions). */
export function permissionsOf(choice: PermissionChoice, catalog: PermissionCatalog): string[] {
  if (choice.kind === 'level') return [...(catalog.levels[choice.level]?.permissions ?? [])];
  const scopes = Object.entries(choice.scopes).flatMap(([resource, actions]) => {
    const all = catalog.resources[resource] ?? [];
    if (actions.length === 0) return [];
    if (all.length > 1 && all.every((action) => actions.includes(action))) return [`${resource}:*`];
    return all.filter((action) => actions.includes(action)).map((action) => `${resource}:${action}`);
  });
  return [...choice.presets, ...scopes];
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value) => b.includes(value));

/** The level whose permissions are exactly these, if any. */
export function levelOf(permissions: readonly string[], catalog: PermissionCatalog): string | undefined {
  return Object.entries(catalog.levels).find(([, level]) => sameSet(level.permissions, permissions))?.[0];
}

/** A key's permissions as the form shows them: its level when one matches, else custom. */
export function choiceOf(permissions: readonly string[], catalog: PermissionCatalog): PermissionChoice {
  const level = levelOf(permissions, catalog);
  if (level) return { kind: 'level', level };
  const presets = permissions.filter((permission) => !permission.includes(':'));
  const scopes: Record<string, string[]> = {};
  for (const permission of permissions) {
    const [resource, action] = permission.split(':');
    if (!resource || !action) continue;
    const actions = catalog.resources[resource];
    if (!actions) continue;
    scopes[resource] = action === '*' ? [...actions] : [...(scopes[resource] ?? []), action];
  }
  return { kind: 'custom', presets, scopes };
}

/** A short summary for the list: the level's name when one matches, else the permissions themselves. */
export function permissionSummary(
  permissions: readonly string[],
  catalog: PermissionCatalog | undefined,
): { level?: string; text: string } {
  const level = catalog ? levelOf(permissions, catalog) : undefined;
  if (level) return { level, text: level };
  const shown = permissions.slice(0, 3).join(', ');
  return { text: permissions.length > 3 ? `${shown} +${permissions.length - 3}` : shown };
}

/** Without the config field: the caller's own presets as the only choices, so the form still works. */
export function fallbackCatalog(ownPermissions: readonly string[]): PermissionCatalog {
  const presets = Object.fromEntries(
    ownPermissions.filter((permission) => !permission.includes(':')).map((name) => [name, '']),
  );
  return { resources: {}, presets, levels: {} };
}
