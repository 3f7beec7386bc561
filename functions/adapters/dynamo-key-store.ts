/**
 * KeyStore on DynamoDB. A key is one item addressed by its id (the public selector of the key), so
 * verification is a single GetItem; an organization's keys are listed through gsi1, newest first.
 */

import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { REMINDER_INDEX_SHARDS } from '../definition/table';
import type { CursorCodec } from '../domain/cursors';
import { ConcurrentModificationError, ConflictError } from '../domain/errors';
import type { ApiKeyRecord, KeyStore, Page, PageRequest } from '../domain/keys/key-model';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { nextReminderAt } from '../domain/reminders/policy';
import type { ReminderKeyStore } from '../domain/reminders/reminder-service';
import { isConditionFailure } from './conditional';
import { itemsOf, newestFirstPage, queryAll } from './query-page';
import { shardOf } from './sharded-list';

const OPTIONAL_FIELDS = [
  'ipAllowlist',
  'expiresAt',
  'rateLimitPerMinute',
  'rotatedFromKeyId',
  'rotatedToKeyId',
] as const;
/** Written by their own paths; a settings change must not move them back. */
const NOT_REPLACED = new Set(['id', 'lastUsedAt', 'version', 'lastReminderStage', 'graceWarningSentAt']);

/**
 * The reminder index (gsi2) is sharded so no single partition takes every key's entry; the scan
 * queries each shard for entries due by now.
 */
const reminderShard = (keyId: string) => `REMINDERS#${shardOf(keyId, REMINDER_INDEX_SHARDS)}`;
/** The key's reminder index attributes, or undefined when no reminder is ahead (then it leaves the sparse index). */
function reminderIndexOf(record: ApiKeyRecord): { gsi2pk: string; gsi2sk: string } | undefined {
  const at = nextReminderAt(record);
  return at && { gsi2pk: reminderShard(record.id), gsi2sk: at.toISOString() };
}

export const keyItemKey = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });
/** An organization's keys are listed per environment, so a sandbox listing never pages through live keys. */
const keysOfOrganization = (organizationId: string, environment: KeyEnvironment) =>
  `ORG#${organizationId}#${environment}#KEYS`;

/** The stored item of a key: its own key, the organization listing (gsi1) and the reminder index (gsi2). */
export function keyItem(record: ApiKeyRecord): Record<string, unknown> {
  return {
    ...keyItemKey(record.id),
    gsi1pk: keysOfOrganization(record.organizationId, record.environment),
    gsi1sk: `${record.createdAt}#${record.id}`,
    type: 'key',
    ...reminderIndexOf(record),
    ...record,
  };
}

export class DynamoKeyStore implements KeyStore, ReminderKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    // Strongly consistent: a verification right after a revoke must see it.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyItemKey(keyId), ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: keyItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`Key ${record.id} already exists.`, { cause: error });
      throw error;
    }
  }

  async replace(next: ApiKeyRecord): Promise<void> {
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': next.version - 1, ':version': next.version };
    const sets = ['#version = :version'];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(next)) {
      if (NOT_REPLACED.has(field) || value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    for (const field of OPTIONAL_FIELDS) {
      if (next[field] !== undefined) continue;
      names[`#${field}`] = field;
      removes.push(`#${field}`);
    }
    // A rotation, a status change or a new expiry moves the key's reminder index entry. The stage
    // is not written here, so a stage claimed meanwhile is kept; a stale entry is repaired by the worker.
    const index = reminderIndexOf(next);
    if (index) {
      values[':gsi2pk'] = index.gsi2pk;
      values[':gsi2sk'] = index.gsi2sk;
      sets.push('gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
    } else {
      removes.push('gsi2pk', 'gsi2sk');
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyItemKey(next.id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw concurrentChange(next.id, error);
      throw error;
    }
  }

  async delete(record: ApiKeyRecord): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keyItemKey(record.id),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': record.version },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw concurrentChange(record.id, error);
      throw error;
    }
  }

  async listByOrganization(
    organizationId: string,
    environment: KeyEnvironment,
    page: PageRequest,
  ): Promise<Page<ApiKeyRecord>> {
    return newestFirstPage(
      this.client,
      this.cursors,
      this.tableName,
      keysOfOrganization(organizationId, environment),
      page,
      toRecord,
    );
  }

  /**
   * Moves keys written before lists were per environment (gsi1pk `ORG#<org>#KEYS`) to their
   * environment's listing; each key item once, conditional on what was read. One Scan of the table:
   * an operator's one-off after upgrading (`npm run cli -- keys reindex`).
   */
  async reindexListings(): Promise<{ read: number; moved: number }> {
    let startKey: Record<string, unknown> | undefined;
    const counts = { read: 0, moved: 0 };
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#type = :key AND NOT contains(gsi1pk, :live) AND NOT contains(gsi1pk, :test)',
          ProjectionExpression: 'pk, sk, gsi1pk, organizationId, environment',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':key': 'key', ':live': '#live#KEYS', ':test': '#test#KEYS' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        counts.read++;
        const record = item as Pick<ApiKeyRecord, 'organizationId' | 'environment'> & { gsi1pk: string };
        const moved = await this.writeIfHolds({
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET gsi1pk = :next',
          ConditionExpression: 'gsi1pk = :read',
          ExpressionAttributeValues: {
            ':next': keysOfOrganization(record.organizationId, record.environment),
            ':read': record.gsi1pk,
          },
        });
        if (moved) counts.moved++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }

  private async writeIfHolds(update: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, ...update }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The index holds keys only: each shard's due entries are read by key, a BatchGetItem per 100. */
  async *dueForReminder(now: Date): AsyncIterable<ApiKeyRecord> {
    for (let shard = 0; shard < REMINDER_INDEX_SHARDS; shard += 1) {
      const entries = queryAll(this.client, {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':pk': `REMINDERS#${shard}`, ':now': now.toISOString() },
      });
      const batch: Record<string, unknown>[] = [];
      const read = async () => (await itemsOf(this.client, this.tableName, batch.splice(0))).map(toRecord);
      for await (const entry of entries) {
        batch.push(entry);
        if (batch.length === 100) yield* await read();
      }
      if (batch.length > 0) yield* await read();
    }
  }

  async claimReminderStage(key: ApiKeyRecord, stage: number): Promise<boolean> {
    const claimed = { ...key, lastReminderStage: stage };
    const index = reminderIndexOf(claimed);
    const previous = key.lastReminderStage;
    return this.conditionalUpdate(key.id, {
      UpdateExpression: `SET lastReminderStage = :stage${index ? ', gsi2sk = :next' : ' REMOVE gsi2pk, gsi2sk'}`,
      ConditionExpression: `${previous === undefined ? 'attribute_not_exists(lastReminderStage)' : 'lastReminderStage = :previous'} AND #status = :active AND attribute_not_exists(rotatedToKeyId)`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':stage': stage,
        ':active': 'active',
        ...(previous !== undefined && { ':previous': previous }),
        ...(index && { ':next': index.gsi2sk }),
      },
    });
  }

  async releaseReminderStage(key: ApiKeyRecord, stage: number): Promise<void> {
    const index = reminderIndexOf({ ...key, lastReminderStage: stage - 1 });
    const previous = key.lastReminderStage;
    const sets = [
      ...(previous === undefined ? [] : ['lastReminderStage = :previous']),
      ...(index ? ['gsi2pk = :pk', 'gsi2sk = :sk'] : []),
    ];
    await this.conditionalUpdate(key.id, {
      UpdateExpression: `${sets.length ? `SET ${sets.join(', ')}` : ''}${previous === undefined ? ' REMOVE lastReminderStage' : ''}`,
      ConditionExpression: 'lastReminderStage = :stage',
      ExpressionAttributeValues: {
        ':stage': stage,
        ...(previous !== undefined && { ':previous': previous }),
        ...(index && { ':pk': index.gsi2pk, ':sk': index.gsi2sk }),
      },
    });
  }

  async claimGraceWarning(key: ApiKeyRecord, at: string): Promise<boolean> {
    return this.conditionalUpdate(key.id, {
      UpdateExpression: 'SET graceWarningSentAt = :at REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_not_exists(graceWarningSentAt) AND attribute_exists(rotatedToKeyId)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async releaseGraceWarning(key: ApiKeyRecord): Promise<void> {
    const index = reminderIndexOf({ ...key, graceWarningSentAt: undefined } as ApiKeyRecord);
    await this.conditionalUpdate(key.id, {
      UpdateExpression: `REMOVE graceWarningSentAt${index ? ' SET gsi2pk = :pk, gsi2sk = :sk' : ''}`,
      ConditionExpression: 'attribute_exists(graceWarningSentAt)',
      ...(index && { ExpressionAttributeValues: { ':pk': index.gsi2pk, ':sk': index.gsi2sk } }),
    });
  }

  async syncReminderIndex(keyId: string): Promise<void> {
    const key = await this.get(keyId);
    if (!key) return;
    const index = reminderIndexOf(key);
    // Conditional on the version read, and on the stage read: a concurrent change wins.
    await this.conditionalUpdate(keyId, {
      UpdateExpression: index ? 'SET gsi2pk = :pk, gsi2sk = :sk' : 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: `#version = :version AND ${key.lastReminderStage === undefined ? 'attribute_not_exists(lastReminderStage)' : 'lastReminderStage = :stage'}`,
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: {
        ':version': key.version,
        ...(key.lastReminderStage !== undefined && { ':stage': key.lastReminderStage }),
        ...(index && { ':pk': index.gsi2pk, ':sk': index.gsi2sk }),
      },
    });
  }

  /** An UpdateItem on the key's item; false when its condition did not hold. */
  private async conditionalUpdate(
    keyId: string,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyItemKey(keyId),
          ...update,
          ConditionExpression: `attribute_exists(pk) AND (${update.ConditionExpression})`,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordLastUsed(keyId: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyItemKey(keyId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :at)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // Deleted meanwhile, or a newer time is already there: nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function concurrentChange(keyId: string, cause: unknown) {
  return new ConcurrentModificationError(
    `Key ${keyId} was changed or deleted by another request; read it again and retry.`,
    {
      cause,
    },
  );
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _r1, gsi2sk: _r2, type: _type, ...record } = item;
  return record as unknown as ApiKeyRecord;
}
