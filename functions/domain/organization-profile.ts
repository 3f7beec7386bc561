/**
 * What a caller is shown of its organization (GET /v1/whoami): enough for a console to name it, speak
 * its locale and offer its sub-accounts, and nothing of its plan, credits or gateway key.
 */
import type { AccountScope } from './keys/key-model';
import type { Locale, Organization, SubAccount } from './organization';

export interface OrganizationProfile {
  id: string;
  name: string;
  locale: Locale;
  accounts: SubAccount[];
}

/**
 * The organization as a caller holding `scope` sees it: a caller limited to some sub-accounts is
 * shown only those, so a key for one customer's account does not learn the names of the others.
 */
export function organizationSeenBy(
  organization: Pick<Organization, 'id' | 'name' | 'locale' | 'accounts'>,
  scope: AccountScope,
): OrganizationProfile {
  const held = scope === '*' ? undefined : new Set(scope);
  return {
    id: organization.id,
    name: organization.name,
    locale: organization.locale ?? 'en',
    accounts: organization.accounts
      .filter((account) => held === undefined || held.has(account.id))
      .map(({ id, name }) => ({ id, name })),
  };
}
