import type { Notification } from '../domain/reminders/reminder-service';
import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { notificationStore } from './store';

export const notificationView = (notification: Notification) => ({
  ...notification,
  read: notification.readAt !== undefined,
  readAt: notification.readAt ?? null,
});

/** The calling key's organization's notifications of the key's environment, newest first. */
export const handler = route(async ({ event, caller }) => {
  const page = await notificationStore.list(caller.organizationId, caller.environment, pageOf(event));
  return json(200, { items: page.items.map(notificationView), nextCursor: page.nextCursor ?? null });
});
