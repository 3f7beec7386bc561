import { useCallback, useState } from 'preact/hooks';
import { type PageProps, type Translate, useConsole } from '../../app/context';
import { formatDate } from '../../app/i18n';
import { Button, EmptyState, errorMessage, Pager, Spinner } from '../../ui';
import { usePagedList } from '../../ui/usePagedList';
import type { Notification } from './types';
import { notificationsChanged } from './unread-count';

/** Title and text in the reader's language; the API's English ones for a type this console does not know. */
function wordsOf(notification: Notification, t: Translate): { title: string; body: string } {
  switch (notification.type) {
    case 'api_key.rotation_due':
      return {
        title: t('notifications.rotationDue.title', { keyName: notification.keyName }),
        body: t('notifications.rotationDue.body', {
          keyName: notification.keyName,
          last8: notification.last8,
          stage: notification.stage,
        }),
      };
    case 'webhook.disabled': {
      const reasonKey = `notifications.reason.${notification.reason}`;
      const reason = t(reasonKey) === reasonKey ? notification.reason : t(reasonKey);
      return {
        title: t('notifications.webhookDisabled.title'),
        body: t('notifications.webhookDisabled.body', { url: notification.url, reason }),
      };
    }
    case 'api_key.leaked':
      return {
        title: t('notifications.leaked.title', { keyName: notification.keyName }),
        body: t(`notifications.leaked.${notification.action}`, {
          keyName: notification.keyName,
          last8: notification.last8,
        }),
      };
    default: {
      // A type added to the API after this build: its own English words.
      const unknown = notification as { title: string; message: string };
      return { title: unknown.title, body: unknown.message };
    }
  }
}

/** The in-app notifications of the environment shown, newest first, with "mark as read". */
export function NotificationsPage(_props: PageProps) {
  const { api, t } = useConsole();
  const list = usePagedList(
    useCallback(
      async (cursor?: string) => {
        const page = await api.GET('/v1/notifications', { params: { query: cursor ? { cursor } : {} } });
        // The nav badge counted when the console opened; what is on screen now is newer.
        if (!cursor) notificationsChanged();
        return page;
      },
      [api],
    ),
  );
  const items = list.items;

  const unread = items?.filter((item) => !item.read).length ?? 0;

  return (
    <div class="notifications-page">
      <h1>{t('notifications.title')}</h1>
      <p>{t('notifications.intro')}</p>
      {list.problem && (
        <p class="field-error" role="alert">
          {list.problem}
        </p>
      )}
      {items === null && !list.problem && <Spinner />}
      {items?.length === 0 && <EmptyState title={t('notifications.empty')} />}
      {items && items.length > 0 && (
        <>
          <p class="notice" role="status" data-testid="notifications-unread">
            {unread > 0 ? t('notifications.unread', { count: unread }) : t('notifications.allRead')}
          </p>
          <ol class="notifications">
            {items.map((item) => (
              <NotificationItem key={item.id} notification={item} onRead={list.replace} />
            ))}
          </ol>
        </>
      )}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
    </div>
  );
}

function NotificationItem({
  notification,
  onRead,
}: {
  notification: Notification;
  onRead: (notification: Notification) => void;
}) {
  const { api, t, locale, canWrite, notify } = useConsole();
  const [busy, setBusy] = useState(false);
  const { title, body } = wordsOf(notification, t);
  const markRead = async () => {
    setBusy(true);
    try {
      onRead(await api.POST('/v1/notifications/{id}/read', { params: { path: { id: notification.id } } }));
      notificationsChanged();
      notify(t('notifications.markedRead'));
    } catch (error) {
      notify(errorMessage(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={`notification${notification.read ? '' : ' notification-unread'}`}>
      <h2>
        {!notification.read && <span class="badge badge-warn">{t('notifications.new')}</span>} {title}
      </h2>
      <p>{body}</p>
      {notification.type === 'api_key.leaked' && (
        <p class="break">
          {t('notifications.where')}: <code>{notification.url}</code>
        </p>
      )}
      <p class="muted">
        <time dateTime={notification.createdAt}>{formatDate(locale, notification.createdAt)}</time>
        {notification.readAt && <> · {t('notifications.readAt', { time: formatDate(locale, notification.readAt) })}</>}
      </p>
      <p class="actions">
        {notification.type !== 'webhook.disabled' && (
          <a href={`#/keys/${notification.keyId}`}>{t('notifications.openKey')}</a>
        )}
        {notification.type === 'webhook.disabled' && (
          <a href={`#/webhooks/${notification.webhookId}`}>{t('notifications.openWebhook')}</a>
        )}
        {canWrite && !notification.read && (
          <Button onClick={markRead} disabled={busy} aria-label={t('notifications.markReadLabel', { title })}>
            {t('notifications.markRead')}
          </Button>
        )}
      </p>
    </li>
  );
}
