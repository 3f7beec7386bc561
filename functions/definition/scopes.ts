/**
 * Scopes and presets without zod: the authorizer checks permissions with these on every uncached
 * call, so they stay out of the full zod build (test/infra/authorizer-bundle.test.ts).
 */

/** `admin`: every route, key management included. Reserved: no team preset may take the name. */
export const ADMIN_PRESET = 'admin';

/** `*:read` → every resource's read; `rides:*` → every action of rides; `rides:read` → itself. */
export function expandScopes(scopes: readonly string[], resources: Record<string, readonly string[]>): string[] {
  const expanded = new Set<string>();
  for (const scope of scopes) {
    const [resource, action] = scope.split(':');
    for (const [name, actions] of Object.entries(resources)) {
      if (resource !== '*' && resource !== name) continue;
      for (const candidate of actions) {
        if (action === '*' || action === candidate) expanded.add(`${name}:${candidate}`);
      }
    }
  }
  return [...expanded];
}

/**
 * Why a permission is not a `<resource>:<action>` or `<resource>:*` scope of `resources`, or
 * undefined when it is one. `presets`, when given, are named as the other valid choices.
 */
export function scopeProblem(
  permission: string,
  resources: Record<string, readonly string[]>,
  presets?: readonly string[],
): string | undefined {
  const match = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*|\*)$/.exec(permission);
  if (!match) {
    const named = presets ? ` (${presets.join(', ')})` : '';
    return `'${permission}' is neither a preset${named} nor a <resource>:<action> scope`;
  }
  const [, resource, action] = match as unknown as [string, string, string];
  const actions = resources[resource];
  if (!actions)
    return `'${permission}' names an unknown resource '${resource}'; resources: ${Object.keys(resources).join(', ')}`;
  if (action !== '*' && !actions.includes(action)) {
    return `'${permission}' names an action '${action}' that ${resource} does not have; it has ${actions.join(', ')} or *`;
  }
  return undefined;
}
