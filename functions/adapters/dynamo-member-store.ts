/**
 * Members as items of their own (docs/dynamodb.md): `ORG#<org>/MEMBER#<id>`, an email lookup
 * `EMAIL#<email>/ORG#<org>`, an OIDC subject lookup `OIDC#<issuer hash>#<sub>/ORG#<org>` and the
 * organization's owners `ORG#<org>/OWNERS`.
 *
 * dynalite (the local DynamoDB) has no transactions, so every write touches one item, conditionally,
 * in an order that fails safe (docs/design.md "Consistency without transactions"):
 * - the email lookup is claimed first (`attribute_not_exists`): of two invites of one address one
 *   wins; a claim whose member never got written (a crash) is taken over after CLAIM_LEASE_MS;
 * - a change that makes or unmakes an owner first writes the OWNERS item (dynamo-owner-list.ts) with the new owner list
 *   and the intent (`pending`), conditional on its version, then the member, then clears the intent.
 *   Two concurrent removals of the last two owners race on that one item: one wins, the other finds
 *   a single owner left. An intent left by a crash is settled after CLAIM_LEASE_MS by reading the member.
 * - a write whose answer is lost (the SDK's retry then fails its condition) is judged by the member
 *   item read afresh: what it shows happened, happened.
 *
 * Organization items written before member items hold a `members` array. Reads (every function that
 * reads people) treat its members as members without writing; only a store built with
 * `migratesOnRead` (the members function) moves them into items on a read, and every member write
 * (invite, update, remove) moves them first, so no address is claimed twice.
 */
import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError, ConflictError, NotFoundError } from '../domain/errors';
import type { Member, MemberReader, MemberStore, Membership } from '../domain/members/member-model';
import { isConditionFailure, writeIfCondition } from './conditional';
import { organizationKey } from './dynamo-organization-store';
import { CLAIM_LEASE_MS, DynamoOwnerList } from './dynamo-owner-list';
import { isMemberItem, type LegacyMember, legacyMembersOf, legacyOf, MIGRATION, REMOVED } from './legacy-members';
import { itemsOf, queryAll } from './query-page';

export { CLAIM_LEASE_MS };

const memberKey = (organizationId: string, memberId: string) => ({
  pk: `ORG#${organizationId}`,
  sk: `MEMBER#${memberId}`,
});
const emailKey = (organizationId: string, email: string) => ({
  pk: `EMAIL#${email.toLowerCase()}`,
  sk: `ORG#${organizationId}`,
});
/** The issuer is hashed: URLs are long, and the lookup needs only to tell issuers apart. */
export const oidcKey = (organizationId: string, issuer: string, subject: string) => ({
  pk: `OIDC#${createHash('sha256').update(issuer).digest('hex').slice(0, 16)}#${subject}`,
  sk: `ORG#${organizationId}`,
});

const MEMBER_FIELDS = [
  'id',
  'organizationId',
  'email',
  'role',
  'accounts',
  'permissions',
  'status',
  'invitedAt',
  'invitedBy',
  'joinedAt',
  'oidcSubject',
  'oidcIssuer',
  'version',
] as const;

const TOMBSTONE_SECONDS = 24 * 60 * 60;

export interface MemberStoreOptions {
  /**
   * Moves a legacy `members` array into member items on a read too (PutItem, UpdateItem): only for
   * the function that manages members. Other readers see legacy members without writing.
   */
  migratesOnRead?: boolean;
}

export class DynamoMemberStore implements MemberStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly options: MemberStoreOptions = {},
  ) {
    this.owners = new DynamoOwnerList(client, tableName, now, {
      stored: (organizationId, memberId) => this.storedMember(organizationId, memberId),
      owners: async (organizationId) =>
        (await this.list(organizationId)).filter((member) => member.role === 'owner').map((member) => member.id),
    });
  }

  private readonly owners: DynamoOwnerList;

  async list(organizationId: string): Promise<Member[]> {
    const items = await this.organizationItems(organizationId);
    const legacy = legacyOf(items);
    if (legacy && this.options.migratesOnRead) {
      await this.migrate(organizationId, legacy, items);
      return this.list(organizationId);
    }
    const members = items.filter(isMemberItem).map(memberOf);
    return legacy ? [...members, ...legacyMembersOf(organizationId, legacy, items)] : members;
  }

  async get(organizationId: string, memberId: string): Promise<Member | undefined> {
    const Item = await this.storedItem(organizationId, memberId);
    if (Item) return isMemberItem(Item) ? memberOf(Item) : undefined;
    // Only a miss looks for a legacy organization item: a member found costs one read.
    if (!(await this.hasLegacyMembers(organizationId))) return undefined;
    return (await this.list(organizationId)).find((member) => member.id === memberId);
  }

  /**
   * The members' items by key, one BatchGetItem per 100 ids (itemsOf), eventually consistent: half
   * a read unit per member, whatever the organization's size. Only when an id is missing (a removed
   * member) is the organization item asked whether it still holds its people (one GetItem), as `get` does.
   */
  async getMany(organizationId: string, memberIds: readonly string[]): Promise<Member[]> {
    const ids = [...new Set(memberIds)];
    if (ids.length === 0) return [];
    const items = await itemsOf(
      this.client,
      this.tableName,
      ids.map((id) => memberKey(organizationId, id)),
    );
    // A removed legacy member's tombstone is found but is nobody.
    if (items.length === ids.length || !(await this.hasLegacyMembers(organizationId))) {
      return items.filter(isMemberItem).map(memberOf);
    }
    const wanted = new Set(ids);
    return (await this.list(organizationId)).filter((member) => wanted.has(member.id));
  }

  async findByEmail(organizationId: string, email: string): Promise<Member | undefined> {
    const wanted = email.toLowerCase();
    return (await this.list(organizationId)).find((member) => member.email === wanted);
  }

  async membershipsOfEmail(email: string, readMember?: MemberReader): Promise<Membership[]> {
    const wanted = email.toLowerCase();
    const lookups = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `EMAIL#${wanted}` },
    });
    // A lookup outlives its member when a removal stopped halfway: the member item decides.
    return this.confirmed(lookups, (member) => member.email === wanted, readMember);
  }

  async membershipsOfOidcSubject(issuer: string, subject: string, readMember?: MemberReader): Promise<Membership[]> {
    const lookups = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': oidcKey('', issuer, subject).pk },
    });
    return this.confirmed(
      lookups,
      (member) => member.oidcSubject === subject && member.oidcIssuer === issuer,
      readMember,
    );
  }

  async invite(member: Member): Promise<void> {
    // A legacy member holds their address without a lookup yet: move them first, then claim.
    await this.migrateIfLegacy(member.organizationId);
    await this.claimEmail(member);
    try {
      const put = () =>
        this.writeMember(
          member,
          () =>
            this.client.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { ...memberKey(member.organizationId, member.id), type: 'member', ...member },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          (stored) => stored?.email === member.email && stored.invitedAt === member.invitedAt,
        );
      if (member.role === 'owner') await this.owners.change(member.organizationId, member.id, true, put);
      else await put();
    } catch (error) {
      await this.releaseEmail(member);
      if (isConditionFailure(error)) throw new ConflictError(`Member ${member.id} exists.`, { cause: error });
      throw error;
    }
  }

  async update(next: Member): Promise<void> {
    await this.migrateIfLegacy(next.organizationId);
    const previous = await this.get(next.organizationId, next.id);
    if (!previous) throw new NotFoundError(`No member ${next.id} in this organization.`);
    if (previous.version !== next.version - 1) {
      throw new ConcurrentModificationError(
        `Member ${next.id} changed while this request ran; read it again and retry.`,
      );
    }
    const write = async () => {
      try {
        await this.writeMember(
          next,
          () =>
            this.client.send(
              new UpdateCommand({
                TableName: this.tableName,
                Key: memberKey(next.organizationId, next.id),
                UpdateExpression:
                  'SET #role = :role, #accounts = :accounts, #permissions = :permissions, #version = :next',
                ConditionExpression: '#version = :read',
                ExpressionAttributeNames: {
                  '#role': 'role',
                  '#accounts': 'accounts',
                  '#permissions': 'permissions',
                  '#version': 'version',
                },
                ExpressionAttributeValues: {
                  ':role': next.role,
                  ':accounts': next.accounts,
                  ':permissions': next.permissions,
                  ':next': next.version,
                  ':read': next.version - 1,
                },
              }),
            ),
          (stored) => stored?.version === next.version && stored.role === next.role,
        );
      } catch (error) {
        if (isConditionFailure(error))
          throw new ConcurrentModificationError(
            `Member ${next.id} changed while this request ran (or is gone); read it again and retry.`,
            { cause: error },
          );
        throw error;
      }
    };
    const wasOwner = previous.role === 'owner';
    const isOwner = next.role === 'owner';
    if (wasOwner !== isOwner) await this.owners.change(next.organizationId, next.id, isOwner, write);
    else await write();
  }

  async remove(member: Member): Promise<void> {
    await this.migrateIfLegacy(member.organizationId);
    const condition = {
      ConditionExpression: '#version = :read',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':read': member.version },
    };
    const key = memberKey(member.organizationId, member.id);
    const drop = async () => {
      try {
        await this.writeMember(
          member,
          () =>
            member.invitedBy === MIGRATION
              ? this.client.send(
                  new PutCommand({
                    TableName: this.tableName,
                    Item: { ...key, type: REMOVED, ttl: Math.floor(this.now() / 1000) + TOMBSTONE_SECONDS },
                    ...condition,
                  }),
                )
              : this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key, ...condition })),
          (stored) => stored === undefined,
        );
      } catch (error) {
        if (isConditionFailure(error))
          throw new ConcurrentModificationError(
            `Member ${member.id} changed while this request ran (or is gone); read it again and retry.`,
            { cause: error },
          );
        throw error;
      }
    };
    if (member.role === 'owner') await this.owners.change(member.organizationId, member.id, false, drop);
    else await drop();
    // The lookups go after the member: one left behind by a crash points at nobody and is ignored.
    await this.releaseEmail(member);
    if (member.oidcIssuer && member.oidcSubject) {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: oidcKey(member.organizationId, member.oidcIssuer, member.oidcSubject),
        }),
      );
    }
  }

  /**
   * Migrates every organization item that still holds a `members` array (the operator CLI's
   * `members migrate`: one Scan, with the operator's credentials; no function scans). Until then an
   * organization migrates on its first member read, but a sign-in by email across organizations
   * (membershipsOfEmail) finds only migrated ones. Harmless to repeat.
   */
  async migrateAll(): Promise<{ read: number; migrated: number }> {
    const counts = { read: 0, migrated: 0 };
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :org AND attribute_exists(#members)',
          ProjectionExpression: 'id',
          ExpressionAttributeNames: { '#members': 'members' },
          ExpressionAttributeValues: { ':org': 'ORG' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        counts.read++;
        await this.migrateIfLegacy(String(item.id));
        counts.migrated++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return counts;
  }

  async markJoined(organizationId: string, memberId: string, at: string): Promise<Member | undefined> {
    try {
      // Not a version bump: joining changes nothing an edit of role or rights depends on.
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(organizationId, memberId),
          UpdateExpression: 'SET #status = :active, #joinedAt = if_not_exists(#joinedAt, :at)',
          // A member item has a version; a removed member's tombstone has none.
          ConditionExpression: 'attribute_exists(#version)',
          ExpressionAttributeNames: { '#status': 'status', '#joinedAt': 'joinedAt', '#version': 'version' },
          ExpressionAttributeValues: { ':active': 'active', ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? memberOf(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * ConflictError when the member is linked to another subject (a racing sign-in of another account
   * with the same address), NotFoundError when gone. The lookup left by a refused link points at a
   * member whose subject differs, so membershipsOfOidcSubject ignores it.
   */
  async linkOidcSubject(organizationId: string, memberId: string, issuer: string, subject: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...oidcKey(organizationId, issuer, subject), type: 'member-oidc', memberId },
      }),
    );
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memberKey(organizationId, memberId),
          UpdateExpression: 'SET #subject = :subject, #issuer = :issuer',
          // As oidc-person.ts decides, unless a racing sign-in of another account linked it meanwhile.
          ConditionExpression:
            'attribute_exists(#version) AND (attribute_not_exists(#subject) OR #issuer <> :issuer OR #subject = :subject)',
          ExpressionAttributeNames: { '#subject': 'oidcSubject', '#issuer': 'oidcIssuer', '#version': 'version' },
          ExpressionAttributeValues: { ':subject': subject, ':issuer': issuer },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (await this.get(organizationId, memberId)) {
        throw new ConflictError(`Member ${memberId} is linked to another account of this identity provider.`);
      }
      throw new NotFoundError(`No member ${memberId} in this organization.`);
    }
  }

  /** Takes the organization's email lookup for the member; ConflictError when someone holds it. */
  private async claimEmail(member: Member): Promise<void> {
    const claim = (condition: string, values?: Record<string, unknown>) =>
      writeIfCondition(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...emailKey(member.organizationId, member.email),
              type: 'member-email',
              memberId: member.id,
              at: this.now(),
            },
            ConditionExpression: condition,
            ...(values && { ExpressionAttributeNames: { '#memberId': 'memberId' }, ExpressionAttributeValues: values }),
          }),
        ),
      );
    if (await claim('attribute_not_exists(pk)')) return;
    const duplicate = new ConflictError(`${member.email} is already a member of this organization.`);
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: emailKey(member.organizationId, member.email),
        ConsistentRead: true,
      }),
    );
    if (!Item || this.now() - Number(Item.at ?? 0) < CLAIM_LEASE_MS) throw duplicate;
    if (await this.get(member.organizationId, String(Item.memberId))) throw duplicate;
    // A claim whose member was never written (or was removed without its lookup): take it over.
    if (!(await claim('#memberId = :held', { ':held': Item.memberId }))) throw duplicate;
  }

  private async releaseEmail(member: Member): Promise<void> {
    await writeIfCondition(
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: emailKey(member.organizationId, member.email),
          ConditionExpression: '#memberId = :id',
          ExpressionAttributeNames: { '#memberId': 'memberId' },
          ExpressionAttributeValues: { ':id': member.id },
        }),
      ),
    );
  }

  /**
   * Runs a write of `member`'s item. When it fails, the item read afresh decides: if it shows the
   * write (`landed`), the write happened and its answer was lost (the SDK's retry of an applied
   * conditional write fails its condition), so this succeeds.
   */
  private async writeMember(
    member: Member,
    write: () => Promise<unknown>,
    landed: (stored: Member | undefined) => boolean,
  ): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (landed(await this.storedMember(member.organizationId, member.id))) return;
      throw error;
    }
  }

  /** The member item as stored, strongly read; never a legacy member (whose change migrates first). */
  private async storedMember(organizationId: string, memberId: string): Promise<Member | undefined> {
    const item = await this.storedItem(organizationId, memberId);
    return item && isMemberItem(item) ? memberOf(item) : undefined;
  }

  private async storedItem(organizationId: string, memberId: string) {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: memberKey(organizationId, memberId), ConsistentRead: true }),
    );
    return Item;
  }

  /** MEMBER#… sorts before ORG: one strong Query reads the member items and the organization item. */
  private organizationItems(organizationId: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `ORG#${organizationId}`, ':from': 'MEMBER#', ':to': 'ORG' },
      ConsistentRead: true,
    });
  }

  private async hasLegacyMembers(organizationId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: organizationKey(organizationId),
        ProjectionExpression: '#members',
        ExpressionAttributeNames: { '#members': 'members' },
        ConsistentRead: true,
      }),
    );
    return Array.isArray(Item?.members);
  }

  /** Moves a legacy `members` array into member items, if the organization still has one. */
  private async migrateIfLegacy(organizationId: string): Promise<void> {
    if (!(await this.hasLegacyMembers(organizationId))) return;
    const items = await this.organizationItems(organizationId);
    const legacy = legacyOf(items);
    if (legacy) await this.migrate(organizationId, legacy, items);
  }

  /**
   * Writes member items for an organization item's `members` array, then removes the array.
   * Idempotent: each write is skipped when already done, so a migration cut short is finished by
   * the next one. A member removed meanwhile left a tombstone that this put does not replace.
   */
  private async migrate(
    organizationId: string,
    legacy: readonly LegacyMember[],
    items: Record<string, unknown>[],
  ): Promise<void> {
    const members = legacyMembersOf(
      organizationId,
      legacy,
      items.filter((item) => item.sk === 'ORG'),
    );
    const existing = new Set(items.map((item) => item.sk));
    for (const member of members) {
      await writeIfCondition(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...emailKey(organizationId, member.email), type: 'member-email', memberId: member.id, at: 0 },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (existing.has(`MEMBER#${member.id}`)) continue;
      await writeIfCondition(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...memberKey(organizationId, member.id), type: 'member', ...member },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    }
    // The owners are the members written: an owner whose address repeated an earlier one is not one.
    await this.owners.start(
      organizationId,
      members.filter((member) => member.role === 'owner').map((member) => member.id),
    );
    await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: organizationKey(organizationId),
          UpdateExpression: 'REMOVE #members',
          ConditionExpression: 'attribute_exists(#members)',
          ExpressionAttributeNames: { '#members': 'members' },
        }),
      ),
    );
  }

  /** The lookups whose member item exists and still matches. */
  private async confirmed(
    lookups: Record<string, unknown>[],
    matches: (member: Member) => boolean,
    readMember: MemberReader = (organizationId, memberId) => this.get(organizationId, memberId),
  ): Promise<Membership[]> {
    const members = await Promise.all(
      lookups.map((lookup) => readMember(String(lookup.sk).slice('ORG#'.length), String(lookup.memberId))),
    );
    return members
      .filter((member): member is Member => member !== undefined && matches(member))
      .map((member) => ({ organizationId: member.organizationId, memberId: member.id }));
  }

  private async queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const item of queryAll(this.client, input)) items.push(item);
    return items;
  }
}

function memberOf(item: Record<string, unknown>): Member {
  const member: Record<string, unknown> = {};
  for (const field of MEMBER_FIELDS) if (item[field] !== undefined) member[field] = item[field];
  return member as unknown as Member;
}
