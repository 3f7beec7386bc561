/**
 * DynamoMemberStore on the local DynamoDB: the email lookup keeps an address once per organization,
 * the OWNERS item keeps at least one owner even under concurrent removals, an organization item's
 * legacy `members` array is migrated once, and lookups left behind by a removal point at nobody.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_LEASE_MS, DynamoMemberStore } from '../../functions/adapters/dynamo-member-store';
import { ConcurrentModificationError, ConflictError } from '../../functions/domain/errors';
import { LastOwnerError, type Member } from '../../functions/domain/members/member-model';
import { aLocalDynamoDb } from '../support/local-table';

let local: Awaited<ReturnType<typeof aLocalDynamoDb>>;
let tableCount = 0;
let now = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  local = await aLocalDynamoDb();
});
afterAll(() => local.close());

async function aStore() {
  const tableName = `members-${++tableCount}`;
  await local.table(tableName);
  return { store: new DynamoMemberStore(local.documents, tableName, () => now), tableName };
}

let sequence = 0;
function aMember(overrides: Partial<Member> = {}): Member {
  sequence += 1;
  return {
    id: `mem_${String(sequence).padStart(16, '0')}`,
    organizationId: 'org_1',
    email: `person${sequence}@acme.example`,
    role: 'member',
    accounts: ['acct_1'],
    permissions: ['read'],
    status: 'invited',
    invitedAt: '2026-12-01T10:00:00.000Z',
    invitedBy: 'key_AAAAAAAAAAAAAAAA',
    version: 1,
    ...overrides,
  };
}

describe('DynamoMemberStore', () => {
  it('invites, lists, finds by email in any case and across organizations', async () => {
    const { store } = await aStore();
    const ada = aMember({ email: 'ada@acme.example' });
    const elsewhere = aMember({ email: 'ada@acme.example', organizationId: 'org_2' });
    await store.invite(ada);
    await store.invite(elsewhere);

    expect(await store.list('org_1')).toEqual([ada]);
    expect(await store.get('org_1', ada.id)).toEqual(ada);
    expect(await store.findByEmail('org_1', 'ADA@acme.example')).toEqual(ada);
    expect(await store.get('org_2', ada.id)).toBeUndefined();
    expect(await store.membershipsOfEmail('Ada@Acme.example')).toEqual(
      expect.arrayContaining([
        { organizationId: 'org_1', memberId: ada.id },
        { organizationId: 'org_2', memberId: elsewhere.id },
      ]),
    );
  });

  it('refuses a second member with the same email in one organization, even when both invites race', async () => {
    const { store } = await aStore();
    const results = await Promise.allSettled([
      store.invite(aMember({ email: 'twice@acme.example' })),
      store.invite(aMember({ email: 'Twice@acme.example'.toLowerCase() })),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: expect.any(ConflictError) });
    expect(await store.list('org_1')).toHaveLength(1);
  });

  it('takes over an email claim whose member was never written, once the lease is over', async () => {
    const { store, tableName } = await aStore();
    await local.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'EMAIL#lost@acme.example', sk: 'ORG#org_1', memberId: 'mem_gone', at: now },
      }),
    );
    await expect(store.invite(aMember({ email: 'lost@acme.example' }))).rejects.toThrow(ConflictError);

    now += CLAIM_LEASE_MS + 1;
    const member = aMember({ email: 'lost@acme.example' });
    await store.invite(member);

    expect(await store.findByEmail('org_1', 'lost@acme.example')).toEqual(member);
  });

  it('never removes or demotes the last owner', async () => {
    const { store } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    await store.invite(owner);

    await expect(store.remove(owner)).rejects.toThrow(LastOwnerError);
    await expect(store.update({ ...owner, role: 'admin', version: 2 })).rejects.toThrow(LastOwnerError);
    expect(await store.get('org_1', owner.id)).toEqual(owner);
  });

  it('of two owners removed at once, exactly one goes', async () => {
    const { store } = await aStore();
    const first = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const second = aMember({ role: 'owner', accounts: '*', permissions: [] });
    await store.invite(first);
    await store.invite(second);

    const results = await Promise.allSettled([store.remove(first), store.remove(second)]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refusal = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refusal.reason instanceof LastOwnerError || refusal.reason instanceof ConcurrentModificationError).toBe(
      true,
    );
    const left = await store.list('org_1');
    expect(left.filter((member) => member.role === 'owner')).toHaveLength(1);
    // Whichever lost, the survivor is still the last owner.
    await expect(store.remove(left[0] as Member)).rejects.toThrow(LastOwnerError);
  });

  it('promotes and demotes owners, counting them', async () => {
    const { store } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const admin = aMember({ role: 'admin', accounts: '*', permissions: [] });
    await store.invite(owner);
    await store.invite(admin);

    await store.update({ ...admin, role: 'owner', version: 2 });
    await store.update({ ...owner, role: 'admin', version: 2 });

    expect((await store.get('org_1', owner.id))?.role).toBe('admin');
    await expect(store.remove({ ...admin, role: 'owner', version: 2 })).rejects.toThrow(LastOwnerError);
  });

  it('refuses an update based on a stale version', async () => {
    const { store } = await aStore();
    const member = aMember();
    await store.invite(member);
    await store.update({ ...member, accounts: ['acct_2'], version: 2 });

    await expect(store.update({ ...member, permissions: [], version: 2 })).rejects.toThrow(ConcurrentModificationError);
    expect((await store.get('org_1', member.id))?.accounts).toEqual(['acct_2']);
  });

  it('settles an owner change a crash left half done, by what the member item says', async () => {
    const { store, tableName } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const admin = aMember({ role: 'admin', accounts: '*', permissions: [] });
    await store.invite(owner);
    await store.invite(admin);
    // A promotion of the admin that wrote its intent, then died before writing the member.
    await local.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'ORG#org_1',
          sk: 'OWNERS',
          owners: [owner.id, admin.id],
          version: 7,
          pending: { memberId: admin.id, becomesOwner: true, previous: [owner.id], at: now },
        },
      }),
    );
    await expect(store.remove(owner)).rejects.toThrow(ConcurrentModificationError);

    now += CLAIM_LEASE_MS + 1;

    // The admin never became owner: the owner is the last one again.
    await expect(store.remove(owner)).rejects.toThrow(LastOwnerError);
  });

  it('removes the member with its lookups; a lookup left behind points at nobody', async () => {
    const { store, tableName } = await aStore();
    const member = aMember({ email: 'gone@acme.example' });
    await store.invite(member);
    await store.linkOidcSubject('org_1', member.id, 'https://id.example', 'sub-1');
    const linked = await store.get('org_1', member.id);
    expect(await store.membershipsOfOidcSubject('https://id.example', 'sub-1')).toEqual([
      { organizationId: 'org_1', memberId: member.id },
    ]);

    await store.remove(linked as Member);

    expect(await store.list('org_1')).toEqual([]);
    expect(await store.membershipsOfEmail('gone@acme.example')).toEqual([]);
    expect(await store.membershipsOfOidcSubject('https://id.example', 'sub-1')).toEqual([]);
    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'EMAIL#gone@acme.example', sk: 'ORG#org_1' } }),
    );
    expect(Item).toBeUndefined();
  });

  it('marks a member joined once, keeping the first joinedAt', async () => {
    const { store } = await aStore();
    const member = aMember();
    await store.invite(member);

    const joined = await store.markJoined('org_1', member.id, '2026-12-01T11:00:00.000Z');
    const again = await store.markJoined('org_1', member.id, '2026-12-02T11:00:00.000Z');

    expect(joined).toMatchObject({ status: 'active', joinedAt: '2026-12-01T11:00:00.000Z', version: 1 });
    expect(again?.joinedAt).toBe('2026-12-01T11:00:00.000Z');
    expect(await store.markJoined('org_1', 'mem_nobody', '2026-12-01T11:00:00.000Z')).toBeUndefined();
  });

  it('migrates every legacy organization at once for the operator, so a sign-in by email finds them', async () => {
    const { store, tableName } = await aStore();
    for (const organizationId of ['org_a', 'org_b']) {
      await local.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `ORG#${organizationId}`,
            sk: 'ORG',
            id: organizationId,
            createdAt: '2025-01-01T00:00:00.000Z',
            members: [{ id: `mem_${organizationId}`, email: 'pat@example.com', role: 'owner' }],
          },
        }),
      );
    }
    await store.invite(aMember({ email: 'pat@example.com', organizationId: 'org_new' }));
    expect(await store.membershipsOfEmail('pat@example.com')).toHaveLength(1);

    expect(await store.migrateAll()).toEqual({ read: 2, migrated: 2 });
    expect(await store.migrateAll()).toEqual({ read: 0, migrated: 0 });

    expect((await store.membershipsOfEmail('pat@example.com')).map((m) => m.organizationId).sort()).toEqual([
      'org_a',
      'org_b',
      'org_new',
    ]);
  });

  it("migrates an organization item's members array once, on the first read", async () => {
    const { store, tableName } = await aStore();
    await local.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'ORG#org_9',
          sk: 'ORG',
          id: 'org_9',
          name: 'Legacy',
          accounts: [{ id: 'acct_1', name: 'A' }],
          createdAt: '2025-01-01T00:00:00.000Z',
          members: [
            { id: 'mem_owner', email: 'Owner@Legacy.example', role: 'owner' },
            { id: 'mem_dev', email: 'dev@legacy.example', role: 'member' },
          ],
        },
      }),
    );

    const found = await store.get('org_9', 'mem_dev');
    const listed = await store.list('org_9');

    expect(found).toMatchObject({ email: 'dev@legacy.example', role: 'member', accounts: '*', status: 'active' });
    expect(listed.map((member) => member.id).sort()).toEqual(['mem_dev', 'mem_owner']);
    expect(await store.membershipsOfEmail('owner@legacy.example')).toEqual([
      { organizationId: 'org_9', memberId: 'mem_owner' },
    ]);
    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ORG#org_9', sk: 'ORG' } }),
    );
    expect(Item?.members).toBeUndefined();
    expect(Item?.name).toBe('Legacy');
    await expect(store.remove(listed.find((member) => member.role === 'owner') as Member)).rejects.toThrow(
      LastOwnerError,
    );
  });
});
