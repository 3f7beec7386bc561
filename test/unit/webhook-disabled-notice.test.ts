import type { Notification } from '../../functions/domain/reminders/reminder-service';
import { endpointDisabledNotifier, renderDisabledNotice } from '../../functions/domain/webhooks/disabled-notice';
import { acmePeople, MemoryMemberStore } from '../support/member-memory';
import { anOrganization, NOW } from '../support/unit-factories';
import { anEndpoint } from '../support/webhook-memory';

function harness(options: { email?: boolean } = {}) {
  const notifications: Notification[] = [];
  const emails: { to: string[]; subject: string; text: string }[] = [];
  const notify = endpointDisabledNotifier({
    organizations: { get: async (id) => (id === 'org_1' ? anOrganization() : undefined) },
    members: new MemoryMemberStore(acmePeople()),
    notifications: { put: async (notification) => void notifications.push(notification) },
    ...(options.email !== false && { email: { send: async (email) => void emails.push(email) } }),
    clock: () => NOW,
  });
  return { notify, notifications, emails };
}

describe('endpointDisabledNotifier', () => {
  it('emails the owners and admins, not other members, and adds an in-app notification', async () => {
    const { notify, notifications, emails } = harness();
    const endpoint = anEndpoint({ organizationId: 'org_1', url: 'https://hooks.acme.example/in' });

    await notify(endpoint, 'failing');

    expect(emails).toHaveLength(1);
    expect(emails[0]?.to.sort()).toEqual(['admin@acme.example', 'owner@acme.example']);
    expect(emails[0]?.subject).toBe('Webhook endpoint disabled: https://hooks.acme.example/in');
    expect(emails[0]?.text).toContain('failed for 5 days');
    expect(emails[0]?.text).toContain(`PATCH /v1/webhooks/${endpoint.id}`);
    expect(notifications).toEqual([
      expect.objectContaining({ type: 'webhook.disabled', webhookId: endpoint.id, reason: 'failing' }),
    ]);
  });

  it("files the notification under the endpoint's environment, so only keys of that environment list it", async () => {
    const { notify, notifications } = harness();

    await notify(anEndpoint({ organizationId: 'org_1', environment: 'test' }), 'gone');
    await notify(anEndpoint({ organizationId: 'org_1', environment: 'live' }), 'gone');

    expect(notifications.map((notification) => notification.environment)).toEqual(['test', 'live']);
  });

  it('still adds the notification where no email sender is configured', async () => {
    const { notify, notifications } = harness({ email: false });

    await notify(anEndpoint({ organizationId: 'org_1' }), 'gone');

    expect(notifications).toHaveLength(1);
  });

  it('does nothing for an organization that no longer exists', async () => {
    const { notify, notifications, emails } = harness();

    await notify(anEndpoint({ organizationId: 'org_gone' }), 'gone');

    expect([notifications, emails]).toEqual([[], []]);
  });
});

describe('renderDisabledNotice', () => {
  it('escapes the URL in the HTML part', () => {
    const notice = renderDisabledNotice(anOrganization(), anEndpoint({ url: 'https://x.example/<b>' }), 'gone');

    expect(notice.html).not.toContain('<b>');
    expect(notice.text).toContain('410 Gone');
  });
});
