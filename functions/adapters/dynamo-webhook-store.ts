/**
 * Webhook endpoints on the platform table: one item per endpoint, listed per organization through
 * gsi1. The delivery worker's health updates bump the version too, so an admin's PATCH made from a
 * stale read fails (409) instead of undoing an auto-disable.
 */

import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from '../domain/cursors';
import { ConcurrentModificationError, ConflictError } from '../domain/errors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import type { KeyEnvironment } from '../domain/keys/key-token';
import type { DisabledReason, WebhookEndpoint, WebhookStore } from '../domain/webhooks/webhook-model';
import { isConditionFailure } from './conditional';
import { itemsOf, newestFirstPage, queryAll } from './query-page';

export const endpointKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' });
/** Live and sandbox endpoints are listed apart, so a page never mixes (or drops) the other environment's. */
const endpointsOf = (organizationId: string, environment: KeyEnvironment) =>
  `ORG#${organizationId}#WEBHOOKS#${environment}`;

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: endpointKey(id), ConsistentRead: true }),
    );
    return Item ? toEndpoint(Item) : undefined;
  }

  async create(endpoint: WebhookEndpoint): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(endpoint),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConflictError(`Webhook endpoint ${endpoint.id} already exists.`, { cause: error });
      throw error;
    }
  }

  async replace(next: WebhookEndpoint): Promise<void> {
    await this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: itemOf(next),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': next.version - 1 },
      }),
      next.id,
    );
  }

  async delete(endpoint: WebhookEndpoint): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: endpointKey(endpoint.id),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': endpoint.version },
      }),
      endpoint.id,
    );
  }

  async listByOrganization(
    organizationId: string,
    environment: KeyEnvironment,
    page: PageRequest,
  ): Promise<Page<WebhookEndpoint>> {
    return newestFirstPage(
      this.client,
      this.cursors,
      this.tableName,
      endpointsOf(organizationId, environment),
      page,
      toEndpoint,
    );
  }

  async allOfOrganization(organizationId: string, environment: KeyEnvironment): Promise<WebhookEndpoint[]> {
    const entries: Record<string, unknown>[] = [];
    for await (const entry of queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': endpointsOf(organizationId, environment) },
    })) {
      entries.push(entry);
    }
    // At most 50 endpoints: one BatchGetItem.
    return (await itemsOf(this.client, this.tableName, entries)).map(toEndpoint);
  }

  async markFailing(id: string, since: string): Promise<void> {
    await this.update(id, 'SET failingSince = if_not_exists(failingSince, :since) ADD #version :one', {
      ':since': since,
    });
  }

  async markHealthy(id: string): Promise<void> {
    await this.update(id, 'REMOVE failingSince ADD #version :one', {});
  }

  async disable(id: string, reason: DisabledReason, at: string): Promise<boolean> {
    return this.update(
      id,
      'SET #status = :disabled, disabledReason = :reason, disabledAt = :at ADD #version :one',
      { ':disabled': 'disabled', ':reason': reason, ':at': at, ':enabled': 'enabled' },
      '#status = :enabled',
    );
  }

  /** An update of an existing endpoint; false when it is gone or the condition does not hold. */
  private async update(
    id: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND ${condition}` : 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#version': 'version', ...(condition && { '#status': 'status' }) },
          ExpressionAttributeValues: { ':one': 1, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async conditional(command: PutCommand | DeleteCommand, id: string) {
    try {
      // Both are plain conditional writes; the union only confuses send()'s overloads.
      await this.client.send(command as PutCommand);
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentModificationError(
          `Webhook endpoint ${id} was changed at the same time (or by a delivery); read it again and retry.`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function itemOf(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    ...endpointKey(endpoint.id),
    gsi1pk: endpointsOf(endpoint.organizationId, endpoint.environment),
    gsi1sk: `${endpoint.createdAt}#${endpoint.id}`,
    type: 'webhook',
    ...endpoint,
  };
}

export function toEndpoint(item: Record<string, unknown>): WebhookEndpoint {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, ...endpoint } = item;
  return endpoint as unknown as WebhookEndpoint;
}
