/**
 * Which events a key may publish (POST /v1/events). A key scoped to a list of sub-accounts acts
 * for those only, here as on product routes (account-scope.ts): an event that names a sub-account
 * in `data.accountId` must name one of the key's. A type whose data names no sub-account concerns
 * the whole organization, which a scoped key cannot speak for, so only a key with accounts "*"
 * publishes it. A "*" key is not checked against the organization's sub-accounts: it may act on
 * all of them, and the event reaches only its own organization's endpoints.
 */
import { ForbiddenError } from '../errors';
import type { AccountScope } from '../keys/key-model';
import { catalogEntry, type EventType } from './catalog';

export function namesSubAccount(type: EventType): boolean {
  return catalogEntry(type)?.namesSubAccount ?? false;
}

/** Call after `data` passed the catalog's schema, so an `accountId` the type has is a string. */
export function assertWithinAccounts(accounts: AccountScope, type: EventType, data: Record<string, unknown>): void {
  if (accounts === '*') return;
  if (!namesSubAccount(type)) {
    throw new ForbiddenError(
      `${type} events concern the whole organization, and this API key is scoped to sub-accounts (${accounts.join(', ')}). Publish them with a key whose accounts are "*".`,
    );
  }
  const accountId = String(data.accountId);
  if (!accounts.includes(accountId)) {
    throw new ForbiddenError(
      `This API key may publish events only for its sub-accounts (${accounts.join(', ')}), and data.accountId is ${accountId}. Use a key scoped to that sub-account; GET /v1/whoami lists this key's accounts.`,
    );
  }
}
