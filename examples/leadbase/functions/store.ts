/**
 * Leadbase's storage, on its own DynamoDB table (`LEADBASE_TABLE`, keys `pk`/`sk`). Every item
 * sits in the partition of one organization, environment and sub-account, so no query crosses
 * into another tenant or between live and sandbox:
 *
 *   pk `ORG#<org>#ENV#<live|test>#ACCT#<account>`, sk `CONTACT#<id>` or `TABLE#<id>`
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Contact, Table } from '../schemas';
import { decodeCursor, encodeCursor } from './cursor';
import { notFound } from './http';

/** Whose data a request acts on: the caller's organization and environment, and the checked `account_id`. */
export interface Tenant {
  organizationId: string;
  environment: 'live' | 'test';
  accountId: string;
}

export type { Contact, Table };

export type Kind = 'CONTACT' | 'TABLE';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const partitionOf = (tenant: Tenant) =>
  `ORG#${tenant.organizationId}#ENV#${tenant.environment}#ACCT#${tenant.accountId}`;

export const newId = (prefix: 'ct' | 'tb') => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

export class LeadbaseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the item; ids are random, so the condition only guards against a reused one. */
  async put<T extends { id: string }>(tenant: Tenant, kind: Kind, item: T): Promise<T> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...item, pk: partitionOf(tenant), sk: `${kind}#${item.id}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return item;
  }

  async get<T>(tenant: Tenant, kind: Kind, id: string): Promise<T> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: partitionOf(tenant), sk: `${kind}#${id}` } }),
    );
    if (!Item) throw missing(kind, id);
    return withoutKeys<T>(Item);
  }

  /** Sets the given fields of an existing item and returns it as it is now. */
  async update<T>(tenant: Tenant, kind: Kind, id: string, changes: Record<string, unknown>): Promise<T> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: partitionOf(tenant), sk: `${kind}#${id}` },
          UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], index) => [`:f${index}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<T>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw missing(kind, id);
      throw error;
    }
  }

  async delete(tenant: Tenant, kind: Kind, id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: partitionOf(tenant), sk: `${kind}#${id}` },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw missing(kind, id);
      throw error;
    }
  }

  /**
   * One page of a kind's items, oldest id first. `matches` filters the page read (DynamoDB's
   * Limit applies before any filter), so a filtered page may hold fewer than `limit` items and
   * still have a next one.
   */
  async list<T>(
    tenant: Tenant,
    kind: Kind,
    page: { limit: number; cursor?: string },
    matches?: (item: T) => boolean,
  ): Promise<Page<T>> {
    const pk = partitionOf(tenant);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
        ExpressionAttributeValues: { ':pk': pk, ':kind': `${kind}#` },
        Limit: page.limit,
        ...(page.cursor && { ExclusiveStartKey: { pk, sk: decodeCursor(page.cursor, pk, kind) } }),
      }),
    );
    const items = Items.map((item) => withoutKeys<T>(item));
    return {
      items: matches ? items.filter(matches) : items,
      nextCursor: LastEvaluatedKey ? encodeCursor(pk, String(LastEvaluatedKey.sk)) : null,
    };
  }
}

function missing(kind: Kind, id: string) {
  return notFound(`No ${kind.toLowerCase()} ${id} in this sub-account.`);
}

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
