export { WebhookDetailPage } from './WebhookDetailPage';
export { WebhooksPage } from './WebhooksPage';
