/**
 * DynamoMemberStore.getMany on the local DynamoDB: a key view reads just the creators it shows,
 * by key, whatever the organization's size, and an organization not migrated yet still names them.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMemberStore } from '../../functions/adapters/dynamo-member-store';
import type { Member } from '../../functions/domain/members/member-model';
import { aLocalDynamoDb } from '../support/local-table';

let local: Awaited<ReturnType<typeof aLocalDynamoDb>>;
beforeAll(async () => {
  local = await aLocalDynamoDb();
});
afterAll(() => local.close());

let tableCount = 0;

/** A store over a fresh table whose client records the name of every command it sends. */
async function aStore() {
  const tableName = `members-many-${++tableCount}`;
  await local.table(tableName);
  const sent: string[] = [];
  const client = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return local.documents.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { store: new DynamoMemberStore(client, tableName), tableName, sent };
}

function aMember(index: number, overrides: Partial<Member> = {}): Member {
  return {
    id: `mem_${String(index).padStart(16, '0')}`,
    organizationId: 'org_1',
    email: `person${index}@acme.example`,
    role: 'member',
    accounts: ['acct_1'],
    permissions: ['read'],
    status: 'active',
    invitedAt: '2026-12-01T10:00:00.000Z',
    invitedBy: 'key_AAAAAAAAAAAAAAAA',
    version: 1,
    ...overrides,
  };
}

/** Member items as the store writes them, put directly: the test is about reading them. */
async function stored(tableName: string, members: readonly Member[]) {
  for (const member of members) {
    await local.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `ORG#${member.organizationId}`, sk: `MEMBER#${member.id}`, type: 'member', ...member },
      }),
    );
  }
}

const idsOf = (members: readonly Member[]) => members.map((member) => member.id).sort();

describe('DynamoMemberStore.getMany', () => {
  it('reads the asked members by key in one BatchGetItem, never the organization’s list', async () => {
    const { store, tableName, sent } = await aStore();
    const members = Array.from({ length: 5 }, (_, i) => aMember(i + 1));
    await stored(tableName, members);

    const found = await store.getMany('org_1', [members[0]?.id, members[3]?.id, members[0]?.id] as string[]);

    expect(idsOf(found)).toEqual(idsOf([members[0], members[3]] as Member[]));
    expect(found.find((member) => member.id === members[3]?.id)).toEqual(members[3]);
    expect(sent).toEqual(['BatchGetCommand']);
  });

  it('reads nothing for no ids', async () => {
    const { store, sent } = await aStore();

    await expect(store.getMany('org_1', [])).resolves.toEqual([]);
    expect(sent).toEqual([]);
  });

  it('reads more than 100 ids, one BatchGetItem per 100', async () => {
    const { store, tableName, sent } = await aStore();
    const members = Array.from({ length: 130 }, (_, i) => aMember(i + 1));
    await stored(tableName, members);

    const found = await store.getMany(
      'org_1',
      members.map((member) => member.id),
    );

    expect(found).toHaveLength(130);
    expect(sent).toEqual(['BatchGetCommand', 'BatchGetCommand']);
  });

  it('leaves out ids of nobody and members of another organization', async () => {
    const { store, tableName } = await aStore();
    const ours = aMember(1);
    const theirs = aMember(2, { organizationId: 'org_2' });
    await stored(tableName, [ours, theirs]);

    const found = await store.getMany('org_1', [ours.id, theirs.id, 'mem_gonegonegonegone']);

    expect(idsOf(found)).toEqual([ours.id]);
  });

  it('names the people of an organization not migrated yet from its legacy members array', async () => {
    const { store, tableName } = await aStore();
    // Only what the store reads of an organization item written before member items.
    const members = [
      { id: 'mem_legacyowner0001', email: 'Owner@Legacy.example', role: 'owner' },
      { id: 'mem_legacyadmin0001', email: 'admin@legacy.example', role: 'admin' },
    ];
    await local.documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'ORG#org_9', sk: 'ORG', id: 'org_9', members } }),
    );

    const found = await store.getMany('org_9', ['mem_legacyowner0001']);

    expect(found.map((member) => [member.id, member.email])).toEqual([['mem_legacyowner0001', 'owner@legacy.example']]);
  });
});
