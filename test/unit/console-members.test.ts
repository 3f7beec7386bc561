import { accountNames, accountsChoiceOf, grantableRoles, LINK_LIFETIMES } from '../../console/src/pages/members/roles';
import { SESSION_LIFETIME } from '../../functions/domain/sessions/session-model';

describe('grantableRoles', () => {
  it('lets an owner grant every role, owner included', () => {
    expect(grantableRoles('owner')).toEqual(['owner', 'admin', 'member', 'viewer']);
  });

  it('never offers an admin the owner role, which the API would refuse', () => {
    expect(grantableRoles('admin')).toEqual(['admin', 'member', 'viewer']);
  });
});

describe('accountsChoiceOf', () => {
  it("shows '*' as all sub-accounts", () => {
    expect(accountsChoiceOf('*')).toEqual({ mode: 'all' });
  });

  it('shows a list as some sub-accounts, as a copy the form may change', () => {
    const accounts = ['acct_1'];
    const choice = accountsChoiceOf(accounts);

    expect(choice).toEqual({ mode: 'some', ids: ['acct_1'] });
    expect(choice.mode === 'some' && choice.ids).not.toBe(accounts);
  });
});

describe('accountNames', () => {
  const known = [{ id: 'acct_1', name: 'Berlin' }];

  it('names the sub-accounts the organization shows, and an unknown one by its id', () => {
    expect(accountNames(['acct_1', 'acct_2'], known)).toEqual(['Berlin', 'acct_2']);
  });
});

describe('LINK_LIFETIMES', () => {
  it('offers only lifetimes the API accepts', () => {
    for (const seconds of LINK_LIFETIMES) {
      expect(seconds).toBeGreaterThanOrEqual(SESSION_LIFETIME.minSeconds);
      expect(seconds).toBeLessThanOrEqual(SESSION_LIFETIME.maxSeconds);
    }
  });
});
