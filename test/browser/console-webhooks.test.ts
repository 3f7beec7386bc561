/**
 * The console's Webhooks and Notifications pages in Debian's chromium (console-browser.ts): add a
 * sandbox webhook pointing at a real receiver on loopback, see its secret once, send a test that
 * the receiver verifies with that secret, read the attempt in the delivery log, disable and enable
 * it; mark a notification read and watch the nav badge drop; a read-only session sees no control
 * that changes anything.
 */
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { DynamoNotificationStore } from '../../functions/adapters/dynamo-notification-store';
import type { Notification } from '../../functions/domain/reminders/reminder-service';
import { localClients } from '../../local/bootstrap';
import {
  type ConsoleBrowser,
  consoleBrowserMustRun,
  expectNoSeriousAxeViolations,
  screenshot,
  signInByLink,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/** Every control on these pages that changes something, by its visible text. */
const MUTATING = [
  'Add webhook',
  'Send test',
  'Disable',
  'Enable',
  'Rotate the secret',
  'Delete',
  'Recover',
  'Retry',
  'Mark as read',
];

async function go(page: Page, hash: string) {
  // The root tsconfig has no DOM lib: the page's globals are typed loosely here. (A string would be
  // eval'd in the page, which the console's CSP forbids.)
  await page.evaluate((target) => {
    (globalThis as any).location.hash = target;
  }, hash);
}

/** Every spinner gone: the page's lists are read. */
async function loaded(page: Page) {
  await page.waitForFunction(() => (globalThis as any).document.querySelector('.spinner') === null);
}

/** Loopback receivers are allowed for sandbox endpoints only (egress-policy.ts): the console shows the sandbox. */
async function showSandbox(page: Page) {
  await page.getByLabel('Environment').selectOption('test');
}

(consoleBrowserMustRun() ? describe : describe.skip)('the console Webhooks and Notifications pages', () => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let browser: ConsoleBrowser;
  let page: Page;
  let notifications: DynamoNotificationStore;
  let webhookId: string;
  let secret: string;

  beforeAll(async () => {
    // Manual workers: a retried delivery is made when the test drains the queue, not on a timer.
    platform = await startTestPlatform({ webhookAllowLoopback: true, messaging: true, workers: 'manual' });
    receiver = await startReceiver(() => ({ status: 200, body: '{"received":true}' }));
    notifications = new DynamoNotificationStore(
      localClients(platform.bootstrap.endpoints).documents,
      platform.bootstrap.tableName,
    );
    browser = await startConsoleBrowser();
    page = await browser.newPage();
    await signInByLink(page, platform);
    await showSandbox(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await platform?.close();
  });

  /** A rotation reminder in the sandbox list, as the reminder worker writes it. */
  async function seedNotification(keyName: string): Promise<string> {
    const id = `ntf_${keyName.replace(/\W/g, '')}${Date.now()}`;
    const notification: Notification = {
      id,
      organizationId: platform.bootstrap.organizationId,
      environment: 'test',
      type: 'api_key.rotation_due',
      keyId: 'key_0000000000000001',
      keyName,
      last8: 'AbCd1234',
      stage: 2,
      title: `Rotate the key ${keyName}`,
      message: `The key ${keyName} is due for rotation.`,
      createdAt: new Date().toISOString(),
    };
    await notifications.put(notification);
    return id;
  }

  it('adds a webhook with events from the catalog and shows its secret once', async () => {
    await go(page, '#/webhooks');
    await page.getByRole('heading', { name: 'Add a webhook' }).waitFor();

    await page.getByLabel('URL').fill(`${receiver.url}/hooks`);
    await page.getByRole('checkbox', { name: 'api_key.created' }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';

    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByText('It will not be shown again.').count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('link', { name: `Open ${receiver.url}/hooks` }).click();
    await page.getByRole('heading', { name: `${receiver.url}/hooks` }).waitFor();
    webhookId = new URL(page.url()).hash.replace('#/webhooks/', '');
    const stored = await platform.sandboxAdmin.get(`/v1/webhooks/${webhookId}`);
    expect(stored.body).toMatchObject({ url: `${receiver.url}/hooks`, events: ['api_key.created'], status: 'enabled' });
    // Shown once: the endpoint's own page never holds it.
    await expect(page.locator('body').textContent()).resolves.not.toContain(secret);
  });

  it('sends a test that the receiver verifies with that secret, and logs the attempt', async () => {
    await go(page, `#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Delivered: the receiver answered 200').waitFor();

    const [received] = receiver.received;
    expect(receiver.received).toHaveLength(1);
    expect(new Webhook(secret).verify(received?.body ?? '', received?.headers as Record<string, string>)).toMatchObject(
      { type: 'api_key.created', test: true },
    );
    const log = page.getByRole('region', { name: /^Attempts: msg_/ });
    await log.getByRole('cell', { name: '200', exact: true }).waitFor();
    await expect(page.getByRole('heading', { name: /api_key\.created\s+Succeeded/ }).count()).resolves.toBe(1);
  });

  it('retries a failed delivery: one more attempt under the same delivery', async () => {
    receiver.answer(() => ({ status: 503, body: 'down for maintenance' }));
    await go(page, `#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Not delivered: the receiver answered 503').waitFor();
    const failed = page.locator('.delivery').filter({ hasText: 'Failed' });
    const retry = failed.getByRole('button', { name: /^Retry delivery msg_/ });
    const deliveryId = ((await retry.getAttribute('aria-label')) ?? '').replace('Retry delivery ', '');
    receiver.answer(() => ({ status: 200, body: 'ok' }));

    await retry.click();
    await page.getByText('The delivery is queued for one more attempt.').waitFor();
    await platform.webhooks?.deliver();
    await page.getByRole('button', { name: 'Refresh' }).click();

    const retried = page.locator('.delivery').filter({ hasText: deliveryId });
    await retried.getByRole('heading', { name: /Succeeded/ }).waitFor();
    await expect(retried.getByRole('cell').allTextContents()).resolves.toEqual(expect.arrayContaining(['503', '200']));
  });

  it('recovers the failed deliveries of the last day', async () => {
    receiver.answer(() => ({ status: 500, body: 'broken' }));
    await go(page, `#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Not delivered: the receiver answered 500').waitFor();
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    const sentBefore = receiver.received.length;

    // "Failed since" starts a day back: the failure above is the only one not yet retried.
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    await page.getByText('Failed deliveries queued again: 1.').waitFor();
    await platform.webhooks?.deliver();

    expect(receiver.received).toHaveLength(sentBefore + 1);
  });

  it('disables the webhook, says why, and enables it again', async () => {
    await go(page, `#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Disabled by an admin.', { exact: false }).waitFor();

    expect((await platform.sandboxAdmin.get(`/v1/webhooks/${webhookId}`)).body).toMatchObject({
      status: 'disabled',
      disabledReason: 'manual',
    });
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    expect((await platform.sandboxAdmin.get(`/v1/webhooks/${webhookId}`)).body).toMatchObject({ status: 'enabled' });
  });

  it('rotates the secret: the new one is shown once and the old one signs for 24 hours more', async () => {
    await go(page, `#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the secret' });
    await expect(dialog.textContent()).resolves.toContain('24 more hours');
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('heading', { name: 'New signing secret' }).waitFor();

    const rotated = await page.getByTestId('webhook-secret').textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByText('The old secret keeps signing deliveries until').waitFor();
  });

  it('deletes a webhook after confirming that deliveries stop', async () => {
    const created = await platform.sandboxAdmin.post('/v1/webhooks', {
      url: `${receiver.url}/to-delete`,
      events: ['api_key.revoked'],
    });
    await go(page, `#/webhooks/${created.body.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await expect(dialog.textContent()).resolves.toContain('This can’t be undone.');
    await expectNoSeriousAxeViolations(page);

    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();

    expect((await platform.sandboxAdmin.get(`/v1/webhooks/${created.body.id}`)).status).toBe(404);
  });

  it('marks a notification read and the nav badge drops', async () => {
    await seedNotification('Billing service');
    await go(page, '#/notifications');
    const navLink = page.getByRole('navigation').getByRole('link', { name: /Notifications/ });
    await page.getByRole('heading', { name: 'Rotate the key “Billing service”' }).waitFor();
    await navLink.getByText('1 unread').waitFor();

    await page.getByRole('button', { name: 'Mark as read: Rotate the key “Billing service”' }).click();
    await page.getByText('All read.').waitFor();

    await navLink.getByText('1 unread').waitFor({ state: 'detached' });
    const listed = await platform.sandboxAdmin.get('/v1/notifications');
    expect(listed.body.items).toMatchObject([{ read: true }]);
  });

  it('is usable at 360 px and axe finds nothing serious', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    for (const [hash, heading, name] of [
      ['#/webhooks', 'Webhooks', 'webhooks-360'],
      [`#/webhooks/${webhookId}`, `${receiver.url}/hooks`, 'webhook-detail-360'],
      ['#/notifications', 'Notifications', 'notifications-360'],
    ] as const) {
      await go(page, hash);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await loaded(page);
      await screenshot(page, name);
      await expectNoSeriousAxeViolations(page);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('speaks German', async () => {
    await page.getByLabel('Language').selectOption('de');
    await go(page, `#/webhooks/${webhookId}`);

    await page.getByRole('heading', { name: 'Zustellprotokoll' }).waitFor();
    await page.getByRole('button', { name: 'Test senden' }).waitFor();
    await loaded(page);
    await screenshot(page, 'webhook-detail-de');
    await go(page, '#/notifications');
    await page.getByRole('heading', { name: 'Schlüssel „Billing service“ rotieren' }).waitFor();
    await screenshot(page, 'notifications-de');
    await page.getByLabel('Sprache').selectOption('en');
  });

  it('shows a read-only session no control that changes anything', async () => {
    await seedNotification('Unread for read-only');
    const readOnly = await browser.newPage();
    await signInByLink(readOnly, platform, { readOnly: true });
    await showSandbox(readOnly);
    const buttonsOn = async (hash: string, heading: string) => {
      await go(readOnly, hash);
      await readOnly.getByRole('heading', { name: heading, exact: true }).waitFor();
      await loaded(readOnly);
      return readOnly.getByRole('main').getByRole('button').allTextContents();
    };

    const buttons = [
      ...(await buttonsOn('#/webhooks', 'Webhooks')),
      ...(await buttonsOn(`#/webhooks/${webhookId}`, `${receiver.url}/hooks`)),
      ...(await buttonsOn('#/notifications', 'Notifications')),
    ];

    expect(buttons.filter((text) => MUTATING.includes(text.trim()))).toEqual([]);
    await expect(readOnly.getByRole('main').getByRole('textbox').count()).resolves.toBe(0);
    await expect(readOnly.getByText('1 unread').count()).resolves.toBeGreaterThan(0);
    await screenshot(readOnly, 'notifications-read-only');
    await readOnly.close();
  });
});
