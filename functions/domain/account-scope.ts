/**
 * Routes that act on one sub-account name it in `account_id`, and the caller's key must cover it.
 * The check lives with what serves the route, not in the authorizer: API Gateway reuses a cached
 * authorizer answer for any query string. `api-key-platform/backend` exports it to backends.
 */
import { AppError, type FieldIssue } from './errors';
import type { AccountScope } from './keys/key-model';

export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface AccountScopeOptions {
  /**
   * The organization's sub-account ids. Keys with accounts `*` cover every sub-account of their
   * organization. The platform spells those out in the caller a backend gets, except for an
   * organization with more than 4 KB of ids: then the caller's accounts are `*`, and without this
   * any well-formed `account_id` passes, with it only the listed ones do.
   */
  accountsOf?: (organizationId: string) => Promise<readonly string[] | undefined>;
}

/**
 * `account_id` is missing or malformed (400, code `invalid_request`, `fields` name it), or the
 * caller's key does not cover it (403, code `forbidden`). `JSON.stringify` gives the platform's
 * error body, `{ error: { code, message, fields? } }`.
 */
export class AccountAccessError extends AppError {
  readonly code: 'invalid_request' | 'forbidden';
  constructor(
    readonly status: 400 | 403,
    message: string,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
    this.code = status === 400 ? 'invalid_request' : 'forbidden';
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.fields && { fields: this.fields }) } };
  }
}

/** The checked `account_id`; throws an AccountAccessError when it is missing, malformed or out of the key's scope. */
export async function requireAccount(
  caller: { organizationId: string; accounts: AccountScope },
  accountId: string | null | undefined,
  options: AccountScopeOptions = {},
): Promise<string> {
  if (!accountId) {
    throw invalid('is a required query parameter: the sub-account to act on');
  }
  if (!ACCOUNT_ID_PATTERN.test(accountId)) throw invalid('must be 1-64 letters, digits, _ or -');
  const inScope =
    caller.accounts === '*'
      ? !options.accountsOf || ((await options.accountsOf(caller.organizationId)) ?? []).includes(accountId)
      : caller.accounts.includes(accountId);
  if (!inScope) {
    throw new AccountAccessError(
      403,
      `This API key may not act on sub-account ${accountId}. See GET /v1/whoami for its accounts.`,
    );
  }
  return accountId;
}

function invalid(message: string) {
  return new AccountAccessError(400, `account_id: ${message}`, [{ field: 'account_id', message }]);
}
