import type { Organization } from '../../functions/domain/organization';
import { organizationSeenBy } from '../../functions/domain/organization-profile';

const organizationWith = (overrides: Partial<Organization> = {}) => ({
  id: 'org_acme',
  name: 'Acme',
  accounts: [
    { id: 'acct_eu', name: 'Acme EU' },
    { id: 'acct_us', name: 'Acme US' },
  ],
  ...overrides,
});

describe('organizationSeenBy', () => {
  it('shows a caller holding every sub-account all of them', () => {
    expect(organizationSeenBy(organizationWith({ locale: 'de' }), '*')).toEqual({
      id: 'org_acme',
      name: 'Acme',
      locale: 'de',
      accounts: [
        { id: 'acct_eu', name: 'Acme EU' },
        { id: 'acct_us', name: 'Acme US' },
      ],
    });
  });

  it('shows a caller limited to some sub-accounts only those', () => {
    expect(organizationSeenBy(organizationWith(), ['acct_us']).accounts).toEqual([{ id: 'acct_us', name: 'Acme US' }]);
  });

  it('shows none for an id the organization no longer has', () => {
    expect(organizationSeenBy(organizationWith(), ['acct_gone']).accounts).toEqual([]);
  });

  it('speaks English when the organization has no locale', () => {
    expect(organizationSeenBy(organizationWith(), '*').locale).toBe('en');
  });

  it('passes on no attribute of a sub-account but its id and name', () => {
    const accounts = [{ id: 'acct_eu', name: 'Acme EU', internal: 'x' }];

    expect(organizationSeenBy(organizationWith({ accounts }), '*').accounts).toEqual([
      { id: 'acct_eu', name: 'Acme EU' },
    ]);
  });
});
