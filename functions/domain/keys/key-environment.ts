/**
 * The two environments a key belongs to. Apart from key-token.ts, which reads the active API
 * definition, so that code a team's backend bundles (api-key-platform/backend) stays small.
 */
export const KEY_ENVIRONMENTS = ['live', 'test'] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];
