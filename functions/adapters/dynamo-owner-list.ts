/**
 * An organization's owners as one item, `ORG#<org>/OWNERS`, so that the last owner stays without
 * transactions (docs/design.md "Consistency without transactions"): a change that makes or unmakes
 * an owner writes the owner list and its intent first, conditional on the list's version, then the
 * member, then clears the intent. The member item is the truth the list is settled by.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../domain/errors';
import { LastOwnerError, type Member } from '../domain/members/member-model';
import { writeIfCondition } from './conditional';

/** Longer than any management function runs: an older claim or intent was left by a crash. */
export const CLAIM_LEASE_MS = 60_000;

const ownersKey = (organizationId: string) => ({ pk: `ORG#${organizationId}`, sk: 'OWNERS' });

const OWNERS_NAMES = { '#owners': 'owners', '#version': 'version', '#pending': 'pending' };

interface OwnersItem {
  owners: string[];
  version: number;
  pending?: { memberId: string; becomesOwner: boolean; previous: string[]; at: number };
}

/** What the owner list reads of the members: an item as stored (strongly), and the owners among them. */
export interface OwnerListMembers {
  stored(organizationId: string, memberId: string): Promise<Member | undefined>;
  owners(organizationId: string): Promise<string[]>;
}

export class DynamoOwnerList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number,
    private readonly members: OwnerListMembers,
  ) {}

  /**
   * Makes or unmakes `memberId` an owner: the OWNERS item first (conditional on its version, with
   * the intent), then `writeMember`, then the intent cleared. If `writeMember` fails, the member item
   * read afresh says whether the change happened, and the owner list is put back only if not; if
   * even that read fails, the intent stays for `settled` to settle after the lease.
   * LastOwnerError when no owner would be left.
   */
  async change(
    organizationId: string,
    memberId: string,
    becomesOwner: boolean,
    writeMember: () => Promise<unknown>,
  ): Promise<void> {
    const current = await this.settled(organizationId);
    const next = becomesOwner
      ? [...new Set([...current.owners, memberId])]
      : await this.actualOwners(
          organizationId,
          current.owners.filter((id) => id !== memberId),
        );
    if (next.length === 0) throw new LastOwnerError();
    const taken = await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ownersKey(organizationId),
          UpdateExpression: 'SET #owners = :next, #version = :taken, #pending = :pending',
          ConditionExpression: '#version = :read AND attribute_not_exists(#pending)',
          ExpressionAttributeNames: OWNERS_NAMES,
          ExpressionAttributeValues: {
            ':next': next,
            ':taken': current.version + 1,
            ':read': current.version,
            ':pending': { memberId, becomesOwner, previous: current.owners, at: this.now() },
          },
        }),
      ),
    );
    if (!taken) {
      throw new ConcurrentModificationError(
        "The organization's owners changed while this request ran; read the members again and retry.",
      );
    }
    try {
      await writeMember();
    } catch (error) {
      const member = await this.members.stored(organizationId, memberId);
      const happened = becomesOwner ? member?.role === 'owner' : member?.role !== 'owner';
      await this.finish(organizationId, current.version + 1, memberId, happened ? undefined : current.owners);
      throw error;
    }
    await this.finish(organizationId, current.version + 1, memberId);
  }

  /** Of `candidates`, the ones whose member item says they are owners: a list never keeps an owner who is gone. */
  private async actualOwners(organizationId: string, candidates: readonly string[]): Promise<string[]> {
    const members = await Promise.all(candidates.map((id) => this.members.stored(organizationId, id)));
    return candidates.filter((_, index) => members[index]?.role === 'owner');
  }

  /**
   * Clears the intent of the OWNERS item at `version`, putting `restore` back as the owners if given.
   * When the item moved on (the change outlived the lease and someone settled it, perhaps before
   * the member was written), the owner list is brought in line with the member item.
   */
  private async finish(organizationId: string, version: number, memberId: string, restore?: string[]): Promise<void> {
    const finished = await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ownersKey(organizationId),
          UpdateExpression: `SET #version = :next${restore ? ', #owners = :restore' : ''} REMOVE #pending`,
          ConditionExpression: '#version = :read',
          ExpressionAttributeNames: restore ? OWNERS_NAMES : { '#version': 'version', '#pending': 'pending' },
          ExpressionAttributeValues: {
            ':next': version + 1,
            ':read': version,
            ...(restore && { ':restore': restore }),
          },
        }),
      ),
    );
    if (!finished) await this.reconcile(organizationId, memberId);
  }

  /** Puts `memberId` in or out of the settled owner list as their member item says. */
  private async reconcile(organizationId: string, memberId: string): Promise<void> {
    const owners = await this.settled(organizationId);
    const isOwner = (await this.members.stored(organizationId, memberId))?.role === 'owner';
    if (owners.owners.includes(memberId) === isOwner) return;
    const corrected = isOwner ? [...owners.owners, memberId] : owners.owners.filter((id) => id !== memberId);
    const written = await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ownersKey(organizationId),
          UpdateExpression: 'SET #owners = :owners, #version = :next',
          ConditionExpression: '#version = :read AND attribute_not_exists(#pending)',
          ExpressionAttributeNames: { '#owners': 'owners', '#version': 'version', '#pending': 'pending' },
          ExpressionAttributeValues: { ':owners': corrected, ':next': owners.version + 1, ':read': owners.version },
        }),
      ),
    );
    if (!written) {
      throw new ConcurrentModificationError(
        "The organization's owners changed while this request ran; read the members again and retry.",
      );
    }
  }

  /**
   * The OWNERS item without an intent: one in progress is a concurrent change (409); one older than
   * the lease was left by a crash and is settled by what the member item says happened.
   */
  private async settled(organizationId: string): Promise<OwnersItem> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: ownersKey(organizationId), ConsistentRead: true }),
    );
    if (!Item) return this.count(organizationId);
    const owners = Item as unknown as OwnersItem;
    const { pending } = owners;
    if (!pending) return owners;
    if (this.now() - pending.at < CLAIM_LEASE_MS) {
      throw new ConcurrentModificationError(
        "Another change to the organization's owners is in progress; retry in a few seconds.",
      );
    }
    const member = await this.members.stored(organizationId, pending.memberId);
    const happened = pending.becomesOwner ? member?.role === 'owner' : member?.role !== 'owner';
    await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ownersKey(organizationId),
          UpdateExpression: `SET #version = :next${happened ? '' : ', #owners = :restore'} REMOVE #pending`,
          ConditionExpression: '#version = :read',
          ExpressionAttributeNames: happened ? { '#version': 'version', '#pending': 'pending' } : OWNERS_NAMES,
          ExpressionAttributeValues: {
            ':next': owners.version + 1,
            ':read': owners.version,
            ...(!happened && { ':restore': pending.previous }),
          },
        }),
      ),
    );
    return this.settled(organizationId);
  }

  /** An organization without an OWNERS item (one made before it existed) gets one from its members. */
  private async count(organizationId: string): Promise<OwnersItem> {
    await this.start(organizationId, await this.members.owners(organizationId));
    return this.settled(organizationId);
  }

  /** Writes the organization's first owner list, unless it has one. */
  async start(organizationId: string, owners: readonly string[]): Promise<void> {
    await writeIfCondition(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...ownersKey(organizationId), type: 'owners', owners, version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
