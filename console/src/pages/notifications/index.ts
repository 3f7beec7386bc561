export { NotificationsPage } from './NotificationsPage';
export { useUnreadCount } from './unread-count';
