/**
 * Product routes act on one sub-account, named by `account_id`. The check lives in the handlers,
 * not the authorizer: API Gateway reuses a cached authorizer answer for any query string.
 */
import type { Caller } from './caller';
import { ForbiddenError, ValidationError } from './errors';
import type { Organization } from './organization';

const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export async function authorizeAccount(
  caller: Caller,
  accountId: string | undefined,
  organizationOf: (organizationId: string) => Promise<Organization | undefined>,
): Promise<string> {
  if (!accountId) {
    throw new ValidationError([
      { field: 'account_id', message: 'is a required query parameter: the sub-account to act on' },
    ]);
  }
  if (!ACCOUNT_ID_PATTERN.test(accountId)) {
    throw new ValidationError([{ field: 'account_id', message: 'must be 1-64 letters, digits, _ or -' }]);
  }
  const inScope =
    caller.accounts === '*'
      ? (await organizationOf(caller.organizationId))?.accounts.some((account) => account.id === accountId)
      : caller.accounts.includes(accountId);
  if (!inScope) {
    throw new ForbiddenError(
      `This API key may not act on sub-account ${accountId}. See GET /v1/whoami for its accounts.`,
    );
  }
  return accountId;
}
