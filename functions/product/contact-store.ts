/**
 * Storage of the sample product: contacts and tables, partitioned by organization, environment and
 * sub-account, so no query can cross into another tenant or between live and sandbox. Item layout:
 *
 * - live:    `ORG#<org>#ACCT#<account>`          / `CONTACT#<id>` or `TABLE#<id>`
 * - sandbox: `ORG#<org>#ENV#test#ACCT#<account>` / `CONTACT#<id>` or `TABLE#<id>`
 *
 * The live partition is the one every item was written to before environments were kept apart, so
 * those older items (sandbox calls' included) read as live data; nothing reads them as sandbox.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../adapters/conditional';
import { queryPage } from '../adapters/query-page';
import type { CursorCodec } from '../domain/cursors';
import { NotFoundError } from '../domain/errors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import type { KeyEnvironment } from '../domain/keys/key-token';

export interface Tenant {
  organizationId: string;
  /** The calling key's environment: a sandbox key's product data is its own world. */
  environment: KeyEnvironment;
  accountId: string;
}

export interface Contact {
  id: string;
  name: string;
  email?: string;
  company?: string;
  phone?: string;
  enrichment?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ProductTable {
  id: string;
  name: string;
  description?: string;
  createdAt: string;
}

type Kind = 'CONTACT' | 'TABLE';
export function partitionOf(tenant: Tenant): string {
  const environment = tenant.environment === 'live' ? '' : `#ENV#${tenant.environment}`;
  return `ORG#${tenant.organizationId}${environment}#ACCT#${tenant.accountId}`;
}

export class ProductStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async put<T extends { id: string }>(tenant: Tenant, kind: Kind, item: T): Promise<T> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: partitionOf(tenant), sk: `${kind}#${item.id}`, type: kind.toLowerCase(), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return item;
  }

  async get<T>(tenant: Tenant, kind: Kind, id: string): Promise<T> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: partitionOf(tenant), sk: `${kind}#${id}` } }),
    );
    if (!Item) throw notFound(kind, id);
    return strip<T>(Item);
  }

  async update<T>(tenant: Tenant, kind: Kind, id: string, changes: Record<string, unknown>): Promise<T> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: partitionOf(tenant), sk: `${kind}#${id}` },
          UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<T>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw notFound(kind, id);
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
      if (isConditionFailure(error)) throw notFound(kind, id);
      throw error;
    }
  }

  async list<T>(tenant: Tenant, kind: Kind, page: PageRequest, matches?: (item: T) => boolean): Promise<Page<T>> {
    const pk = partitionOf(tenant);
    const query = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':pk': pk, ':kind': `${kind}#` },
    };
    const result = await queryPage(this.client, this.cursors, query, page, { pk }, (item) => strip<T>(item));
    return matches ? { ...result, items: result.items.filter(matches) } : result;
  }
}

export const newId = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

function notFound(kind: Kind, id: string) {
  return new NotFoundError(`No ${kind.toLowerCase()} ${id} in this sub-account.`);
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as T;
}
