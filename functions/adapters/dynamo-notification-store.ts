/**
 * In-app notifications on the platform table: one item per notification, listed per organization
 * through gsi1, newest first.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../domain/errors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import type { Notification, NotificationStore } from '../domain/reminders/reminder-service';
import { isConditionFailure } from './conditional';
import { newestFirstPage } from './query-page';

const notificationKey = (id: string) => ({ pk: `NOTIFICATION#${id}`, sk: 'NOTIFICATION' });
const notificationsOf = (organizationId: string) => `ORG#${organizationId}#NOTIFICATIONS`;

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(notification: Notification): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...notificationKey(notification.id),
            gsi1pk: notificationsOf(notification.organizationId),
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

  async list(organizationId: string, page: PageRequest): Promise<Page<Notification>> {
    return newestFirstPage(this.client, this.tableName, notificationsOf(organizationId), page, toNotification);
  }

  /** Marks it read (once; a second call keeps the first time). Another organization's id is not found. */
  async markRead(organizationId: string, id: string, at: string): Promise<Notification> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(id),
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at)',
          ConditionExpression: 'attribute_exists(pk) AND organizationId = :org',
          ExpressionAttributeValues: { ':at': at, ':org': organizationId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toNotification(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`Notification ${id} does not exist.`, { cause: error });
      throw error;
    }
  }
}

function toNotification(item: Record<string, unknown>): Notification {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, notificationType, ...notification } = item;
  return { ...notification, type: notificationType } as unknown as Notification;
}
