/**
 * The member service's rules: a person (or key) never grants a member more than they hold; only an
 * owner, as a person, touches the owner role; sandbox keys and viewers change nobody; input that
 * makes no sense for a role names its field. Property tests draw roles, sub-accounts and
 * permissions for both sides.
 */
import fc from 'fast-check';
import type { Caller } from '../../functions/domain/caller';
import { ExceedsOwnRightsError, ForbiddenError, ValidationError } from '../../functions/domain/errors';
import { excessOf } from '../../functions/domain/keys/grant-rule';
import type { AccountScope, ApiKeyRecord } from '../../functions/domain/keys/key-model';
import { LastOwnerError, type Member } from '../../functions/domain/members/member-model';
import { rightsOfMember } from '../../functions/domain/members/member-rights';
import {
  inviteMember,
  listMembers,
  type MemberServiceDeps,
  removeMember,
  updateMember,
} from '../../functions/domain/members/member-service';
import type { MemberRole } from '../../functions/domain/organization';
import { InMemoryKeys, keyCaller, personCaller } from '../support/key-service-memory';
import { aMemberOf, MemoryMemberStore } from '../support/member-memory';
import { aKeyRecord, aManualClock, anOrganization } from '../support/unit-factories';

const ACCOUNTS = ['acct_1', 'acct_2', 'acct_3'];
const PERMISSIONS = ['read', 'write', 'delete', 'contacts:read', 'tables:write', 'search'];
const ROLES: MemberRole[] = ['owner', 'admin', 'member', 'viewer'];

/** The organization's admin key: live with every sub-account, answerable to the owner, unless told otherwise. */
const anAdminKey = (overrides: Partial<ApiKeyRecord> = {}) =>
  aKeyRecord({
    id: 'key_AAAAAAAAAAAAAAAA',
    permissions: ['admin'],
    accounts: '*',
    createdBy: 'mem_owner',
    ...overrides,
  });

function serviceWith(members: readonly Member[] = [], keys: readonly ApiKeyRecord[] = [anAdminKey()]) {
  const store = new MemoryMemberStore(members);
  const keyStore = new InMemoryKeys();
  for (const key of keys) keyStore.records.set(key.id, key);
  const sent: { to: string[]; subject: string; text: string }[] = [];
  const organization = anOrganization({ accounts: ACCOUNTS.map((id) => ({ id, name: id })) });
  const deps: MemberServiceDeps = {
    members: store,
    organizations: { get: async (id) => (id === organization.id ? organization : undefined) },
    keys: keyStore,
    clock: aManualClock().clock,
    invitations: { send: async (email) => void sent.push(email) },
    consoleUrl: 'https://console.acme.example',
  };
  return { deps, store, sent };
}

const adminKeyCaller = (environment: 'live' | 'test' = 'live'): Caller => keyCaller(anAdminKey({ environment }));

const owner = aMemberOf({
  id: 'mem_owner',
  email: 'owner@acme.example',
  role: 'owner',
  accounts: '*',
  permissions: [],
});

const accountScope = fc.oneof(
  fc.constant<AccountScope>('*'),
  fc.subarray(ACCOUNTS, { minLength: 1 }).map((accounts): AccountScope => accounts),
);
const permissionList = fc.subarray(PERMISSIONS);

describe('inviteMember', () => {
  it('invites with the defaults of the role, and emails the person', async () => {
    const { deps, sent } = serviceWith([owner]);

    const member = await inviteMember(deps, adminKeyCaller(), { email: 'Dev@Acme.example', role: 'admin' });

    expect(member).toMatchObject({
      email: 'dev@acme.example',
      role: 'admin',
      accounts: '*',
      permissions: [],
      status: 'invited',
      invitedBy: 'key_AAAAAAAAAAAAAAAA',
      version: 1,
    });
    expect(member.id).toMatch(/^mem_[0-9a-f]{16}$/);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toEqual(['dev@acme.example']);
    expect(sent[0]?.text).toContain('Acme');
    expect(sent[0]?.text).toContain('https://console.acme.example');
  });

  it('refuses sandbox keys: people span live and sandbox', async () => {
    const { deps } = serviceWith([owner]);
    await expect(
      inviteMember(deps, adminKeyCaller('test'), { email: 'a@acme.example', role: 'viewer' }),
    ).rejects.toThrow(/live admin key/);
    await expect(listMembers(deps, adminKeyCaller('test'))).rejects.toThrow(ForbiddenError);
  });

  it('names the field: a member needs accounts, holds no admin; others hold no permissions; sub-accounts are the organization’s', async () => {
    const { deps } = serviceWith([owner]);
    const invite = (input: Parameters<typeof inviteMember>[2]) => inviteMember(deps, adminKeyCaller(), input);

    await expect(invite({ email: 'a@acme.example', role: 'member' })).rejects.toThrow(/accounts: is required/);
    await expect(invite({ email: 'a@acme.example', accounts: '*', permissions: ['admin'] })).rejects.toThrow(
      /permissions: a member cannot hold 'admin'/,
    );
    await expect(invite({ email: 'a@acme.example', role: 'viewer', permissions: ['read'] })).rejects.toThrow(
      /permissions: only a member/,
    );
    await expect(invite({ email: 'a@acme.example', accounts: ['acct_9'] })).rejects.toThrow(
      /accounts: acct_9 is not a sub-account/,
    );
  });

  it('lets only an owner, as a person, make an owner', async () => {
    const admin = aMemberOf({
      id: 'mem_admin',
      email: 'admin@acme.example',
      role: 'admin',
      accounts: '*',
      permissions: [],
    });
    const { deps } = serviceWith([owner, admin]);

    await expect(inviteMember(deps, adminKeyCaller(), { email: 'o@acme.example', role: 'owner' })).rejects.toThrow(
      /Only an owner/,
    );
    await expect(inviteMember(deps, personCaller(admin), { email: 'o@acme.example', role: 'owner' })).rejects.toThrow(
      ForbiddenError,
    );
    const made = await inviteMember(deps, personCaller(owner), { email: 'o@acme.example', role: 'owner' });
    expect(made.role).toBe('owner');
  });

  it('refuses viewers and read-only sessions, even owners', async () => {
    const viewer = aMemberOf({
      id: 'mem_viewer',
      email: 'v@acme.example',
      role: 'viewer',
      accounts: '*',
      permissions: [],
    });
    const { deps } = serviceWith([owner, viewer]);

    await expect(inviteMember(deps, personCaller(viewer), { email: 'x@acme.example', role: 'viewer' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      inviteMember(deps, personCaller(owner, { readOnly: true }), { email: 'x@acme.example', role: 'viewer' }),
    ).rejects.toThrow(/read-only/);
    expect(await listMembers(deps, personCaller(viewer))).toHaveLength(2);
  });

  it('never grants more than the person inviting holds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<MemberRole>('admin', 'member'),
        accountScope,
        permissionList,
        fc.constantFrom(...ROLES.filter((role) => role !== 'owner')),
        accountScope,
        permissionList,
        async (actorRole, actorAccounts, actorPermissions, role, accounts, permissions) => {
          const actor = aMemberOf({
            id: 'mem_actor',
            email: 'actor@acme.example',
            role: actorRole,
            accounts: actorAccounts,
            permissions: actorRole === 'member' ? actorPermissions : [],
          });
          const { deps, store } = serviceWith([owner, actor]);
          const input = {
            email: 'new@acme.example',
            role,
            accounts,
            ...(role === 'member' && { permissions }),
          };
          const fits =
            actorRole === 'admin' &&
            excessOf(rightsOfMember(actor, 'live'), rightsOfMember({ role, accounts, permissions }, 'live')).length ===
              0;
          const outcome = await inviteMember(deps, personCaller(actor), input).then(
            (member) => member,
            (error: unknown) => error,
          );
          if (fits) {
            expect(outcome).toMatchObject({ role, accounts });
            const made = outcome as Member;
            expect(excessOf(rightsOfMember(actor, 'live'), rightsOfMember(made, 'live'))).toEqual([]);
          } else {
            // A plain member manages nobody; an admin is held to their own sub-accounts.
            expect(outcome).toBeInstanceOf(actorRole === 'admin' ? ExceedsOwnRightsError : ForbiddenError);
            expect(await store.findByEmail('org_1', 'new@acme.example')).toBeUndefined();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('updateMember and removeMember', () => {
  it('changes a role and keeps what the new role allows', async () => {
    const dev = aMemberOf({ id: 'mem_dev', email: 'dev@acme.example', accounts: ['acct_1'], permissions: ['read'] });
    const { deps, store } = serviceWith([owner, dev]);

    const admin = await updateMember(deps, adminKeyCaller(), 'mem_dev', { role: 'admin' });
    const member = await updateMember(deps, adminKeyCaller(), 'mem_dev', { role: 'member', permissions: ['write'] });

    expect(admin).toMatchObject({ role: 'admin', accounts: ['acct_1'], permissions: [], version: 2 });
    expect(member).toMatchObject({ role: 'member', accounts: ['acct_1'], permissions: ['write'], version: 3 });
    expect(await store.get('org_1', 'mem_dev')).toEqual(member);
  });

  it('never removes or demotes the last owner, even at its own request', async () => {
    const { deps } = serviceWith([owner]);

    await expect(removeMember(deps, personCaller(owner), 'mem_owner')).rejects.toThrow(LastOwnerError);
    await expect(updateMember(deps, personCaller(owner), 'mem_owner', { role: 'admin' })).rejects.toThrow(
      LastOwnerError,
    );
  });

  it('lets no key or admin remove or demote an owner', async () => {
    const second = aMemberOf({
      id: 'mem_second',
      email: 's@acme.example',
      role: 'owner',
      accounts: '*',
      permissions: [],
    });
    const admin = aMemberOf({
      id: 'mem_admin',
      email: 'admin@acme.example',
      role: 'admin',
      accounts: '*',
      permissions: [],
    });
    const { deps } = serviceWith([owner, second, admin]);

    await expect(removeMember(deps, adminKeyCaller(), 'mem_second')).rejects.toThrow(/Only an owner/);
    await expect(updateMember(deps, personCaller(admin), 'mem_second', { role: 'admin' })).rejects.toThrow(
      /Only an owner/,
    );
    await removeMember(deps, personCaller(owner), 'mem_second');
  });

  it('an admin limited to some sub-accounts manages only members within them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(ACCOUNTS, { minLength: 1 }),
        accountScope,
        accountScope,
        async (adminAccounts, targetAccounts, newAccounts) => {
          const admin = aMemberOf({
            id: 'mem_admin',
            email: 'admin@acme.example',
            role: 'admin',
            accounts: adminAccounts,
            permissions: [],
          });
          const target = aMemberOf({
            id: 'mem_target',
            email: 't@acme.example',
            accounts: targetAccounts,
            permissions: ['read'],
          });
          const { deps, store } = serviceWith([owner, admin, target]);
          const holds = (accounts: AccountScope) =>
            accounts !== '*' && accounts.every((account) => adminAccounts.includes(account));

          const outcome = await updateMember(deps, personCaller(admin), 'mem_target', { accounts: newAccounts }).then(
            () => 'updated',
            (error: unknown) => error,
          );

          if (holds(targetAccounts) && holds(newAccounts)) expect(outcome).toBe('updated');
          else {
            expect(outcome).toBeInstanceOf(ExceedsOwnRightsError);
            expect((await store.get('org_1', 'mem_target'))?.accounts).toEqual(targetAccounts);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses the validation of a role change like an invite: permissions only for members', async () => {
    const dev = aMemberOf({ id: 'mem_dev', email: 'dev@acme.example' });
    const { deps } = serviceWith([owner, dev]);
    await expect(
      updateMember(deps, adminKeyCaller(), 'mem_dev', { role: 'viewer', permissions: ['read'] }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('inviteMember, updateMember and removeMember by a key: bound by the person answerable for it, read afresh', () => {
  const admin = aMemberOf({
    id: 'mem_admin',
    email: 'a@acme.example',
    role: 'admin',
    accounts: '*',
    permissions: [],
  });
  const dev = aMemberOf({ id: 'mem_dev', email: 'dev@acme.example', accounts: ['acct_1'], permissions: ['read'] });
  const adminsKey = anAdminKey({ id: 'key_DDDDDDDDDDDDDDDD', createdBy: admin.id });
  const asAdminsKey = keyCaller(adminsKey);

  it.each([
    [
      'demoted to viewer',
      [{ ...admin, role: 'viewer' as const, version: 2 }],
      /answers to a@acme\.example, who is now a viewer/,
    ],
    ['demoted to member', [{ ...admin, role: 'member' as const, version: 2 }], /who is now a member/],
    ['removed', [], /answers to mem_admin, who is no longer a member/],
  ])('refuses the key of an admin %s since: no invite, change or removal (403)', async (_case, people, message) => {
    const { deps, store, sent } = serviceWith([owner, dev, ...people], [anAdminKey(), adminsKey]);

    const attempts = [
      () => inviteMember(deps, asAdminsKey, { email: 'a-private@acme.example', role: 'admin' }),
      () => updateMember(deps, asAdminsKey, 'mem_dev', { role: 'admin' }),
      () => removeMember(deps, asAdminsKey, 'mem_dev'),
    ];

    for (const attempt of attempts) {
      const outcome = await attempt().then(
        () => 'done',
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(ForbiddenError);
      expect(String(outcome)).toMatch(message);
    }
    expect(await store.findByEmail('org_1', 'a-private@acme.example')).toBeUndefined();
    expect(await store.get('org_1', 'mem_dev')).toEqual(dev);
    expect(sent).toEqual([]);
  });

  it("holds a key to its person's sub-accounts, though the key reaches all of them", async () => {
    const narrowAdmin = { ...admin, accounts: ['acct_1'] };
    const { deps, store } = serviceWith([owner, narrowAdmin], [anAdminKey(), adminsKey]);

    await expect(
      inviteMember(deps, asAdminsKey, { email: 'wide@acme.example', role: 'admin', accounts: '*' }),
    ).rejects.toBeInstanceOf(ExceedsOwnRightsError);
    const within = await inviteMember(deps, asAdminsKey, { email: 'narrow@acme.example', accounts: ['acct_1'] });

    expect(within).toMatchObject({ role: 'member', accounts: ['acct_1'] });
    expect(await store.findByEmail('org_1', 'wide@acme.example')).toBeUndefined();
  });

  it.each([
    ['revoked', { status: 'revoked' as const }, /no longer active/],
    ['expired', { expiresAt: '2020-01-01T00:00:00.000Z' }, /no longer active/],
    ['gone', { id: 'key_GONEGONEGONEGONE' }, /no longer active/],
    ['narrowed to some sub-accounts', { accounts: ['acct_1'] }, /admin key with accounts '\*'/],
  ])('refuses a key %s since the authorizer saw it (403)', async (_case, change, message) => {
    const { deps, store } = serviceWith([owner], [anAdminKey(change)]);

    await expect(inviteMember(deps, adminKeyCaller(), { email: 'x@acme.example', role: 'viewer' })).rejects.toThrow(
      message,
    );
    expect(await store.findByEmail('org_1', 'x@acme.example')).toBeUndefined();
  });

  it('lets the key of a current admin manage members within their rights', async () => {
    const { deps, store } = serviceWith([owner, admin, dev], [anAdminKey(), adminsKey]);

    await updateMember(deps, asAdminsKey, 'mem_dev', { role: 'viewer' });
    await removeMember(deps, asAdminsKey, 'mem_dev');

    expect(await store.get('org_1', 'mem_dev')).toBeUndefined();
  });
});
