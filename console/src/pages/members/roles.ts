/** Plain rules of the Members page, no UI: what a person may grant, and a member's sub-accounts as the picker shows them. */
import type { components } from '../../../../sdk/src/schema';

export type Member = components['schemas']['Member'];
export type ConsoleSession = components['schemas']['ConsoleSession'];
export type CreatedConsoleSession = components['schemas']['CreatedConsoleSession'];
/** The context's Role, spelled from the API's schema: this file stays free of preact (and DOM types) for unit tests. */
type Role = Member['role'];

/** Only an owner makes owners (the API refuses anyone else); admins grant the rest. */
export function grantableRoles(myRole: Role): Role[] {
  return myRole === 'owner' ? ['owner', 'admin', 'member', 'viewer'] : ['admin', 'member', 'viewer'];
}

/** A member's `accounts` as the keys' AccountsPicker holds them (its AccountsChoice; .tsx, so not imported here). */
export function accountsChoiceOf(accounts: '*' | string[]): { mode: 'all' } | { mode: 'some'; ids: string[] } {
  return accounts === '*' ? { mode: 'all' } : { mode: 'some', ids: [...accounts] };
}

/** Sub-accounts by name where the organization knows them (a caller limited to some sees only those). */
export function accountNames(accounts: '*' | string[], known: readonly { id: string; name: string }[]): string[] {
  if (accounts === '*') return [];
  return accounts.map((id) => known.find((account) => account.id === id)?.name ?? id);
}

/** Console link lifetimes offered, in seconds: 1 hour, 1 day, 7 days (the API's range). */
export const LINK_LIFETIMES = [3600, 86_400, 604_800] as const;
