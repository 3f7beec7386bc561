/**
 * The sub-accounts a team's backend is told the caller may act on: `X-Caller-Accounts` for HTTP
 * backends and `callerOf(event)` of `api-key-platform/backend` for Lambda ones (both read the
 * authorizer's `callerAccounts`). A key with accounts `*` covers its own organization's
 * sub-accounts only, which a backend cannot know, so the authorizer spells them out; the
 * platform's own handlers keep `*` (the JSON `accounts`), because whole-organization routes
 * need a key with `*`. No AWS types: the authorizer injects the read.
 */
import type { AccountScope } from './keys/key-model';

/**
 * The most bytes of ids, comma-separated, the authorizer spells out. API Gateway allows 10,240
 * bytes of request headers in all, shared with the client's own headers and the other caller
 * headers, so a longer list stays `*` and the backend must pass `accountsOf` to `requireAccount`.
 * About 190 of the platform's ids (`acct_` and 16 hex digits).
 */
export const MAX_SPELLED_OUT_ACCOUNTS_BYTES = 4096;

/** Reads an organization's sub-account ids; undefined when there is no such organization. */
export type OrganizationAccounts = (organizationId: string) => Promise<readonly string[] | undefined>;

/**
 * The key's accounts as a backend gets them: explicit lists as they are; `*` as the
 * organization's ids (none when the organization is gone: fails closed), or `*` still when they
 * would not fit in MAX_SPELLED_OUT_ACCOUNTS_BYTES.
 */
export async function backendAccountsOf(
  key: { organizationId: string; accounts: AccountScope },
  organizationAccounts: OrganizationAccounts,
): Promise<AccountScope> {
  if (key.accounts !== '*') return key.accounts;
  const ids = (await organizationAccounts(key.organizationId)) ?? [];
  return Buffer.byteLength(ids.join(',')) > MAX_SPELLED_OUT_ACCOUNTS_BYTES ? '*' : [...ids];
}
