/**
 * The one rule of key management: a key never grants more than its maker holds. Whatever a key is
 * created, edited or rotated into must fit within the acting key's environment, permissions,
 * sub-accounts, expiry, IP allowlist and rate limit; and a key manages (activates, deactivates,
 * revokes, deletes) only keys it could have made. The same rule applies to people once they make
 * keys: an actor is just a set of rights.
 */
import { activeApi, type LoadedApi } from '../../definition/active-api';
import { ExceedsOwnRightsError, type FieldIssue } from '../errors';
import { parseAllowlistEntry } from '../ip-allowlist';
import { allowedRoutes } from '../policy';
import type { AccountScope } from './key-model';
import type { KeyEnvironment } from './key-token';

/** What a key lets its holder do; `undefined` bounds are unbounded. */
export interface Rights {
  environment: KeyEnvironment;
  permissions: readonly string[];
  accounts: AccountScope;
  expiresAt?: string;
  /** An empty list means no allowlist, as for verification. */
  ipAllowlist?: readonly string[];
  rateLimitPerMinute?: number;
}

/** Where `granted` goes beyond `actor`, field by field; empty when it fits. */
export function excessOf(actor: Rights, granted: Rights, api: LoadedApi = activeApi()): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (granted.environment !== actor.environment) {
    const world = actor.environment === 'live' ? 'live' : 'sandbox';
    issues.push({
      field: 'environment',
      message: `must be '${actor.environment}': a ${world} key manages ${world} keys only; use a ${granted.environment === 'live' ? 'live' : 'sandbox'} admin key on the ${granted.environment === 'live' ? 'live' : 'sandbox'} stage`,
    });
  }
  const actorRoutes = new Set(allowedRoutes(actor.permissions, api));
  const beyond = allowedRoutes(granted.permissions, api).filter((route) => !actorRoutes.has(route));
  if (beyond.length > 0) {
    issues.push({
      field: 'permissions',
      message: `would allow ${beyond.map((route) => `${route.method} ${route.path}`).join(', ')}, which the caller (permissions: ${actor.permissions.join(', ')}) may not call`,
    });
  }
  const outsideAccounts = accountsBeyond(actor.accounts, granted.accounts);
  if (outsideAccounts) issues.push({ field: 'accounts', message: outsideAccounts });
  if (
    actor.expiresAt !== undefined &&
    !(granted.expiresAt && Date.parse(granted.expiresAt) <= Date.parse(actor.expiresAt))
  ) {
    issues.push({ field: 'expiresAt', message: `must be no later than the acting key's expiry, ${actor.expiresAt}` });
  }
  const actorAllowlist = actor.ipAllowlist;
  if (hasAllowlist(actorAllowlist)) {
    const outside = hasAllowlist(granted.ipAllowlist)
      ? granted.ipAllowlist.filter((entry) => !actorAllowlist.some((outer) => entryWithin(entry, outer)))
      : ['(no allowlist: every address)'];
    if (outside.length > 0) {
      issues.push({
        field: 'ipAllowlist',
        message: `must lie within the acting key's allowlist (${actorAllowlist.join(', ')}); outside it: ${outside.join(', ')}`,
      });
    }
  }
  if (
    actor.rateLimitPerMinute !== undefined &&
    !(granted.rateLimitPerMinute !== undefined && granted.rateLimitPerMinute <= actor.rateLimitPerMinute)
  ) {
    issues.push({
      field: 'rateLimitPerMinute',
      message: `must be at most the acting key's own limit, ${actor.rateLimitPerMinute} a minute`,
    });
  }
  return issues;
}

export function assertWithinActor(actor: Rights, granted: Rights): void {
  const issues = excessOf(actor, granted);
  if (issues.length > 0) throw new ExceedsOwnRightsError(issues);
}

/**
 * A new key's bounds that the request leaves out are the actor's own, so a key made by a key that
 * expires, is limited or is pinned to addresses is by default exactly as bounded, never unbounded.
 */
export function withActorBounds<T extends Partial<Rights>>(actor: Rights, requested: T): T {
  return {
    ...requested,
    ...(requested.accounts === undefined && { accounts: actor.accounts }),
    ...(requested.expiresAt === undefined && actor.expiresAt !== undefined && { expiresAt: actor.expiresAt }),
    ...(requested.ipAllowlist === undefined &&
      hasAllowlist(actor.ipAllowlist) && { ipAllowlist: [...actor.ipAllowlist] }),
    ...(requested.rateLimitPerMinute === undefined &&
      actor.rateLimitPerMinute !== undefined && { rateLimitPerMinute: actor.rateLimitPerMinute }),
  };
}

/** Whether `accounts` reaches only sub-accounts that `actor` reaches too. */
export function accountsWithin(actor: AccountScope, accounts: AccountScope): boolean {
  return accountsBeyond(actor, accounts) === undefined;
}

function accountsBeyond(actor: AccountScope, granted: AccountScope): string | undefined {
  if (actor === '*') return undefined;
  if (granted === '*') return `must list sub-accounts within the caller's own (${actor.join(', ')}), not '*'`;
  const outside = granted.filter((account) => !actor.includes(account));
  return outside.length > 0
    ? `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the caller's sub-accounts (${actor.join(', ')})`
    : undefined;
}

function hasAllowlist(allowlist: readonly string[] | undefined): allowlist is readonly string[] {
  return allowlist !== undefined && allowlist.length > 0;
}

/** Whether every address of an allowlist entry (address or CIDR range) lies within `outer`. */
export function entryWithin(entry: string, outer: string): boolean {
  const inner = parseAllowlistEntry(entry);
  const container = parseAllowlistEntry(outer);
  if (!inner || !container || inner.address.kind() !== container.address.kind()) return false;
  return inner.bits >= container.bits && inner.address.match(container.address, container.bits);
}
