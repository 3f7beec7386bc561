/**
 * In-app notifications on the platform table: one item per notification (`NOTIFICATION#<id>` /
 * `NOTIFICATION`), listed per organization and environment through gsi1, newest first:
 *
 * - live:    gsi1pk `ORG#<org>#NOTIFICATIONS`
 * - sandbox: gsi1pk `ORG#<org>#NOTIFICATIONS#ENV#test`
 *
 * Notifications written before they were kept per environment sit in the live list without an
 * `environment` attribute; they read as live.
 */

import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from '../domain/cursors';
import { NotFoundError } from '../domain/errors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import type { KeyEnvironment } from '../domain/keys/key-token';
import type { Notification, NotificationStore } from '../domain/reminders/reminder-service';
import { isConditionFailure } from './conditional';
import { newestFirstPage } from './query-page';

const notificationKey = (id: string) => ({ pk: `NOTIFICATION#${id}`, sk: 'NOTIFICATION' });
const notificationsOf = (organizationId: string, environment: KeyEnvironment) =>
  environment === 'live'
    ? `ORG#${organizationId}#NOTIFICATIONS`
    : `ORG#${organizationId}#NOTIFICATIONS#ENV#${environment}`;

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async put(notification: Notification): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...notificationKey(notification.id),
            gsi1pk: notificationsOf(notification.organizationId, notification.environment),
            gsi1sk: `${notification.createdAt}#${notification.id}`,
            ...notification,
            // `type` names the item kind on this table; the notification's own type goes here.
            type: 'notification',
            notificationType: notification.type,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async list(organizationId: string, environment: KeyEnvironment, page: PageRequest): Promise<Page<Notification>> {
    return newestFirstPage(
      this.client,
      this.cursors,
      this.tableName,
      notificationsOf(organizationId, environment),
      page,
      (item) => toNotification(item, environment),
    );
  }

  /**
   * Marks it read (once; a second call keeps the first time). Another organization's id, or one of
   * the other environment, is not found: the condition is on the list it sits in.
   */
  async markRead(organizationId: string, environment: KeyEnvironment, id: string, at: string): Promise<Notification> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(id),
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at)',
          ConditionExpression: 'attribute_exists(pk) AND gsi1pk = :list',
          ExpressionAttributeValues: { ':at': at, ':list': notificationsOf(organizationId, environment) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toNotification(Attributes ?? {}, environment);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`Notification ${id} does not exist.`, { cause: error });
      throw error;
    }
  }
}

/** `environment` is the list it was read from, for items written before they carried one. */
function toNotification(item: Record<string, unknown>, environment: KeyEnvironment): Notification {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, notificationType, ...notification } = item;
  return { environment, ...notification, type: notificationType } as unknown as Notification;
}
