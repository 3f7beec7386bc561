/** The console's pages by hash route, and which roles see each in the nav. */
import type { ComponentType } from 'preact';
import { AuditPage } from '../pages/audit';
import { CallLogPage } from '../pages/calls';
import { KeyDetailPage, KeysPage, NewKeyPage } from '../pages/keys';
import { MembersPage } from '../pages/members';
import { NotificationsPage } from '../pages/notifications';
import { UsagePage } from '../pages/usage';
import { WebhookDetailPage, WebhooksPage } from '../pages/webhooks';
import type { PageProps, Role } from './context';

export const ROUTES = [
  { name: 'keys', pattern: '/keys', page: KeysPage },
  { name: 'newKey', pattern: '/keys/new', page: NewKeyPage },
  { name: 'key', pattern: '/keys/:id', page: KeyDetailPage },
  { name: 'calls', pattern: '/keys/:id/calls', page: CallLogPage },
  { name: 'usage', pattern: '/usage', page: UsagePage },
  { name: 'audit', pattern: '/audit', page: AuditPage },
  { name: 'webhooks', pattern: '/webhooks', page: WebhooksPage },
  { name: 'webhook', pattern: '/webhooks/:id', page: WebhookDetailPage },
  { name: 'notifications', pattern: '/notifications', page: NotificationsPage },
  { name: 'members', pattern: '/members', page: MembersPage },
] as const satisfies readonly { name: string; pattern: string; page: ComponentType<PageProps> }[];

export type RouteName = (typeof ROUTES)[number]['name'];

export interface NavItem {
  route: RouteName;
  href: string;
  label: string;
  roles: readonly Role[];
}

const EVERYONE: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];
const ORGANIZATION_WIDE: readonly Role[] = ['owner', 'admin', 'viewer'];

/** Members see their own keys; the organization's usage, audit, webhooks and notifications are not theirs (403). */
export const NAV: readonly NavItem[] = [
  { route: 'keys', href: '#/keys', label: 'shell.nav.keys', roles: EVERYONE },
  { route: 'usage', href: '#/usage', label: 'shell.nav.usage', roles: ORGANIZATION_WIDE },
  { route: 'audit', href: '#/audit', label: 'shell.nav.audit', roles: ORGANIZATION_WIDE },
  { route: 'webhooks', href: '#/webhooks', label: 'shell.nav.webhooks', roles: ORGANIZATION_WIDE },
  { route: 'notifications', href: '#/notifications', label: 'shell.nav.notifications', roles: ORGANIZATION_WIDE },
  { route: 'members', href: '#/members', label: 'shell.nav.members', roles: ['owner', 'admin'] },
];

/** The nav item a route belongs to: a key's page and its calls are under Keys. */
export function sectionOf(route: RouteName): RouteName {
  if (route === 'newKey' || route === 'key' || route === 'calls') return 'keys';
  if (route === 'webhook') return 'webhooks';
  return route;
}
