/**
 * DynamoMemberStore on the local DynamoDB: the email lookup keeps an address once per organization,
 * the OWNERS item keeps at least one owner even under concurrent removals, an organization item's
 * legacy `members` array is migrated once, and lookups left behind by a removal point at nobody.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeserializeMiddleware, MetadataBearer } from '@smithy/types';
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

async function aLegacyOrganization(tableName: string, members: { id: string; email: string; role: string }[]) {
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
        members,
      },
    }),
  );
}

async function organizationItem(tableName: string) {
  const { Item } = await local.documents.send(
    new GetCommand({ TableName: tableName, Key: { pk: 'ORG#org_9', sk: 'ORG' }, ConsistentRead: true }),
  );
  return Item;
}

async function itemsOf(tableName: string, pk: string) {
  const { Items } = await local.documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => item.sk);
}

type Sent = (command: string, input: Record<string, Record<string, { S?: string }> | undefined>) => boolean;

/**
 * Runs `act` with an SDK middleware on the client: the first request matching `sent` runs `before`
 * first (another writer getting in between), then goes on.
 */
async function whileFirstSent<T>(sent: Sent, before: () => Promise<void>, act: () => Promise<T>): Promise<T> {
  let pending = true;
  return withMiddleware(
    (next, context) => async (args) => {
      if (pending && sent(String(context.commandName), args.input as never)) {
        pending = false;
        await before();
      }
      return next(args);
    },
    act,
  );
}

/** Whether withFirstAnswerLost has lost its answer yet. */
let answerLost = false;

/**
 * Runs `act` with the first request matching `sent` applied by DynamoDB and its answer lost: the
 * middleware sits inside the SDK's retry loop and throws a network error after the write, so the
 * SDK sends the same request again, as it does after a dropped connection.
 */
async function withFirstAnswerLost<T>(sent: Sent, act: () => Promise<T>): Promise<T> {
  let pending = true;
  answerLost = false;
  return withMiddleware(
    (next, context) => async (args) => {
      const result = await next(args);
      if (pending && sent(String(context.commandName), args.input as never)) {
        pending = false;
        answerLost = true;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
      }
      return result;
    },
    act,
  );
}

/**
 * Runs `act` with the first strong read of `memberId`'s item after a lost answer (withFirstAnswerLost,
 * the outer one) refused as throttled, once and before the SDK's retries: the read that would
 * have told that the write landed fails too.
 */
async function withNextReadThrottled<T>(memberId: string, act: () => Promise<T>): Promise<T> {
  let pending = true;
  local.documents.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: { Key?: { sk?: unknown } } }) => {
        if (
          pending &&
          answerLost &&
          context.commandName === 'GetItemCommand' &&
          args.input.Key?.sk === `MEMBER#${memberId}`
        ) {
          pending = false;
          throw Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
            name: 'ProvisionedThroughputExceededException',
            $metadata: {},
          });
        }
        return next(args);
      }) as never,
    { step: 'initialize', name: 'testThrottle' },
  );
  try {
    return await act();
  } finally {
    local.documents.middlewareStack.remove('testThrottle');
  }
}

async function withMiddleware<T>(middleware: DeserializeMiddleware<object, MetadataBearer>, act: () => Promise<T>) {
  local.documents.middlewareStack.add(middleware as never, { step: 'deserialize', name: 'testInterference' });
  try {
    return await act();
  } finally {
    local.documents.middlewareStack.remove('testInterference');
  }
}

const memberWrite =
  (command: string, memberId: string): Sent =>
  (sent, input) =>
    sent === command && (input.Key ?? input.Item)?.sk?.S === `MEMBER#${memberId}`;

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

  it('keeps the owner a lost answer removed out of the owners: the last owner stays', async () => {
    const { store } = await aStore();
    const first = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const second = aMember({ role: 'owner', accounts: '*', permissions: [] });
    await store.invite(first);
    await store.invite(second);

    await withFirstAnswerLost(memberWrite('DeleteItemCommand', second.id), () => store.remove(second));

    expect((await store.list('org_1')).map((member) => member.id)).toEqual([first.id]);
    await expect(store.remove(first)).rejects.toThrow(LastOwnerError);
  });

  it('keeps a promotion whose answer was lost, and counts the new owner', async () => {
    const { store } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const admin = aMember({ role: 'admin', accounts: '*', permissions: [] });
    await store.invite(owner);
    await store.invite(admin);

    await withFirstAnswerLost(memberWrite('UpdateItemCommand', admin.id), () =>
      store.update({ ...admin, role: 'owner', version: 2 }),
    );
    await store.update({ ...owner, role: 'admin', version: 2 });

    expect((await store.get('org_1', admin.id))?.role).toBe('owner');
    await expect(store.remove({ ...admin, role: 'owner', version: 2 })).rejects.toThrow(LastOwnerError);
  });

  it('keeps a promotion that landed when the read judging its lost answer was throttled, as the second read shows', async () => {
    const { store, tableName } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const admin = aMember({ role: 'admin', accounts: '*', permissions: [] });
    await store.invite(owner);
    await store.invite(admin);

    const attempt = withFirstAnswerLost(memberWrite('UpdateItemCommand', admin.id), () =>
      withNextReadThrottled(admin.id, () => store.update({ ...admin, role: 'owner', version: 2 })),
    );

    // The member store's own read failed, so the caller hears of it; the owner list's read settles it.
    await expect(attempt).rejects.toThrow(/throughput/);
    expect((await store.get('org_1', admin.id))?.role).toBe('owner');
    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ORG#org_1', sk: 'OWNERS' }, ConsistentRead: true }),
    );
    expect([...(Item?.owners ?? [])].sort()).toEqual([owner.id, admin.id].sort());
    expect(Item?.pending).toBeUndefined();
    await store.update({ ...owner, role: 'admin', version: 2 });
  });

  it('invites once when the answer to the member write was lost, keeping the email lookup', async () => {
    const { store } = await aStore();
    const member = aMember({ email: 'lost-answer@acme.example' });

    await withFirstAnswerLost(memberWrite('PutItemCommand', member.id), () => store.invite(member));

    expect(await store.list('org_1')).toEqual([member]);
    expect(await store.membershipsOfEmail('lost-answer@acme.example')).toEqual([
      { organizationId: 'org_1', memberId: member.id },
    ]);
    await expect(store.invite(aMember({ email: 'lost-answer@acme.example' }))).rejects.toThrow(ConflictError);
  });

  it('does not count as an owner one the owner list names but whose member item says otherwise', async () => {
    const { store, tableName } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    await store.invite(owner);
    await local.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'ORG#org_1', sk: 'OWNERS' },
        UpdateExpression: 'SET #owners = :owners',
        ExpressionAttributeNames: { '#owners': 'owners' },
        ExpressionAttributeValues: { ':owners': [owner.id, 'mem_gone'] },
      }),
    );

    await expect(store.remove(owner)).rejects.toThrow(LastOwnerError);
    expect(await store.get('org_1', owner.id)).toEqual(owner);
  });

  it('counts an owner whose change outlived the lease and was settled as not done before it landed', async () => {
    const { store, tableName } = await aStore();
    const owner = aMember({ role: 'owner', accounts: '*', permissions: [] });
    const admin = aMember({ role: 'admin', accounts: '*', permissions: [] });
    await store.invite(owner);
    await store.invite(admin);
    // Before the promotion's member write lands, another request settles its intent as not done.
    await whileFirstSent(
      memberWrite('UpdateItemCommand', admin.id),
      async () => {
        now += CLAIM_LEASE_MS + 1;
        await expect(store.remove(owner)).rejects.toThrow(LastOwnerError);
      },
      () => store.update({ ...admin, role: 'owner', version: 2 }),
    );

    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ORG#org_1', sk: 'OWNERS' }, ConsistentRead: true }),
    );
    expect([...(Item?.owners ?? [])].sort()).toEqual([owner.id, admin.id].sort());
    await store.update({ ...owner, role: 'admin', version: 2 });
  });

  it('links an OIDC subject once: a racing sign-in of another account of the provider does not take the member', async () => {
    const { store } = await aStore();
    const member = aMember();
    await store.invite(member);
    await store.linkOidcSubject('org_1', member.id, 'https://id.example', 'sub-1');

    await expect(store.linkOidcSubject('org_1', member.id, 'https://id.example', 'sub-2')).rejects.toThrow(
      ConflictError,
    );
    await store.linkOidcSubject('org_1', member.id, 'https://id.example', 'sub-1');

    expect(await store.get('org_1', member.id)).toMatchObject({ oidcSubject: 'sub-1' });
    expect(await store.membershipsOfOidcSubject('https://id.example', 'sub-2')).toEqual([]);
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

  it("reads a legacy organization item's members without writing; only a migrating store moves them", async () => {
    const { store, tableName } = await aStore();
    await aLegacyOrganization(tableName, [
      { id: 'mem_owner', email: 'Owner@Legacy.example', role: 'owner' },
      { id: 'mem_dev', email: 'dev@legacy.example', role: 'member' },
    ]);

    const found = await store.get('org_9', 'mem_dev');
    const listed = await store.list('org_9');

    expect(found).toMatchObject({ email: 'dev@legacy.example', role: 'member', accounts: '*', status: 'active' });
    expect(listed.map((member) => member.id).sort()).toEqual(['mem_dev', 'mem_owner']);
    expect((await organizationItem(tableName))?.members).toHaveLength(2);
    expect(await itemsOf(tableName, 'ORG#org_9')).toEqual(['ORG']);

    const migrating = new DynamoMemberStore(local.documents, tableName, () => now, { migratesOnRead: true });
    expect((await migrating.list('org_9')).map((member) => member.id).sort()).toEqual(['mem_dev', 'mem_owner']);
    expect(await store.membershipsOfEmail('owner@legacy.example')).toEqual([
      { organizationId: 'org_9', memberId: 'mem_owner' },
    ]);
    const item = await organizationItem(tableName);
    expect(item?.members).toBeUndefined();
    expect(item?.name).toBe('Legacy');
    await expect(store.remove((await store.get('org_9', 'mem_owner')) as Member)).rejects.toThrow(LastOwnerError);
  });

  it('moves legacy members before an invite claims an address, so a legacy member keeps theirs', async () => {
    const { store, tableName } = await aStore();
    await aLegacyOrganization(tableName, [{ id: 'mem_owner', email: 'owner@legacy.example', role: 'owner' }]);

    await expect(
      store.invite(aMember({ organizationId: 'org_9', email: 'owner@legacy.example', role: 'admin', accounts: '*' })),
    ).rejects.toThrow(ConflictError);

    expect((await store.list('org_9')).map((member) => [member.id, member.role])).toEqual([['mem_owner', 'owner']]);
    expect(await store.membershipsOfEmail('owner@legacy.example')).toEqual([
      { organizationId: 'org_9', memberId: 'mem_owner' },
    ]);
  });

  it('counts as owners only the legacy members written: an owner repeating an earlier address is not one', async () => {
    const { store, tableName } = await aStore();
    await aLegacyOrganization(tableName, [
      { id: 'mem_first', email: 'same@legacy.example', role: 'member' },
      { id: 'mem_again', email: 'Same@legacy.example', role: 'owner' },
      { id: 'mem_owner', email: 'owner@legacy.example', role: 'owner' },
    ]);

    await store.invite(aMember({ organizationId: 'org_9' }));

    const { Item } = await local.documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ORG#org_9', sk: 'OWNERS' }, ConsistentRead: true }),
    );
    expect(Item?.owners).toEqual(['mem_owner']);
  });

  it('never brings back a member removed while a slower migration of the same organization ran', async () => {
    const { store, tableName } = await aStore();
    await aLegacyOrganization(tableName, [
      { id: 'mem_owner', email: 'owner@legacy.example', role: 'owner' },
      { id: 'mem_dev', email: 'dev@legacy.example', role: 'member' },
    ]);
    const slow = new DynamoMemberStore(local.documents, tableName, () => now, { migratesOnRead: true });
    // The slow migration has read the array; before its first write, another migrates and removes mem_dev.
    await whileFirstSent(
      (command, input) => command === 'PutItemCommand' && String(input.Item?.pk?.S).startsWith('EMAIL#'),
      async () => {
        await store.remove((await store.get('org_9', 'mem_dev')) as Member);
      },
      () => slow.list('org_9'),
    );

    expect((await store.list('org_9')).map((member) => member.id)).toEqual(['mem_owner']);
    expect(await store.get('org_9', 'mem_dev')).toBeUndefined();
  });
});
