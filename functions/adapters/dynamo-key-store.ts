/**
 * KeyStore on DynamoDB. A key is one item addressed by its id (the public selector of the key), so
 * verification is a single GetItem; an organization's keys are listed through gsi1, newest first.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError, ConflictError } from '../domain/errors';
import type { ApiKeyRecord, KeyStore, Page, PageRequest } from '../domain/keys/key-model';
import { isConditionFailure } from './conditional';
import { queryPage } from './query-page';

const OPTIONAL_FIELDS = [
  'ipAllowlist',
  'expiresAt',
  'rateLimitPerMinute',
  'rotatedFromKeyId',
  'rotatedToKeyId',
] as const;
/** Written by their own paths; a settings change must not move them back. */
const NOT_REPLACED = new Set(['id', 'lastUsedAt', 'version']);

export const keyItemKey = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });
const keysOfOrganization = (organizationId: string) => `ORG#${organizationId}#KEYS`;

export class DynamoKeyStore implements KeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
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
          Item: {
            ...keyItemKey(record.id),
            gsi1pk: keysOfOrganization(record.organizationId),
            gsi1sk: `${record.createdAt}#${record.id}`,
            type: 'key',
            ...record,
          },
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

  async listByOrganization(organizationId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const partition = { gsi1pk: keysOfOrganization(organizationId) };
    const query = {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition.gsi1pk },
      ScanIndexForward: false,
    };
    return queryPage(this.client, query, page, partition, toRecord);
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
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, ...record } = item;
  return record as unknown as ApiKeyRecord;
}
