/**
 * Telling an organization's owners and admins that one of their webhook endpoints was disabled:
 * why, since when it failed, and how to turn it back on.
 */

import type { Clock } from '../clock';
import { headerText } from '../email-header';
import { escapeHtml } from '../escape-html';
import type { MemberStore } from '../members/member-model';
import { adminEmailsOf, type Organization } from '../organization';
import type { EmailSender, NotificationStore, ReminderOrganizationStore } from '../reminders/reminder-service';
import type { EndpointDisabledNotifier } from './delivery';
import type { DisabledReason, WebhookEndpoint } from './webhook-model';

export interface DisabledNoticeDeps {
  organizations: ReminderOrganizationStore;
  /** The owners and admins the email goes to. */
  members: Pick<MemberStore, 'list'>;
  notifications: NotificationStore;
  /** Absent where the platform has no SES sender; the in-app notification is still made. */
  email?: EmailSender;
  clock: Clock;
}

const REASONS: Record<DisabledReason, string> = {
  gone: 'it answered 410 Gone, which tells senders to stop',
  failing: 'every delivery attempt to it has failed for 5 days',
  manual: 'an admin paused it',
};

export function renderDisabledNotice(organization: Organization, endpoint: WebhookEndpoint, reason: DisabledReason) {
  const subject = headerText(`Webhook endpoint disabled: ${endpoint.url}`);
  const lines = [
    `The webhook endpoint ${endpoint.url} (${endpoint.id}) of ${organization.name} was disabled because ${REASONS[reason]}.`,
    endpoint.failingSince ? `Its deliveries have been failing since ${endpoint.failingSince}.` : '',
    'Nothing is sent to it until it is re-enabled. Once the receiver works again:',
    `  PATCH /v1/webhooks/${endpoint.id}  {"enabled": true}`,
    `  POST /v1/webhooks/${endpoint.id}/recover  {"since": "<when it started failing>"}  to redeliver what failed.`,
  ].filter((line) => line.length > 0);
  const text = `${lines.join('\n\n')}\n`;
  const html = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return { subject, text, html, summary: `${endpoint.url} was disabled: ${REASONS[reason]}.` };
}

export function endpointDisabledNotifier(deps: DisabledNoticeDeps): EndpointDisabledNotifier {
  return async (endpoint, reason) => {
    const organization = await deps.organizations.get(endpoint.organizationId);
    if (!organization) return;
    const notice = renderDisabledNotice(organization, endpoint, reason);
    const now = deps.clock();
    await deps.notifications.put({
      // One per endpoint and disabling: a retried notice does not add a second one.
      id: `ntf_${endpoint.id.slice(3)}${now.getTime()}`,
      organizationId: organization.id,
      environment: endpoint.environment,
      type: 'webhook.disabled',
      webhookId: endpoint.id,
      url: endpoint.url,
      reason,
      title: notice.subject,
      message: notice.summary,
      createdAt: now.toISOString(),
    });
    if (!deps.email) return;
    const to = adminEmailsOf(await deps.members.list(organization.id));
    if (to.length > 0) await deps.email.send({ to, ...notice });
  };
}
