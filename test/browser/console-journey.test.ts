/**
 * The path through the console, in Debian's chromium on one local platform: sign in by
 * link, create a key and copy it, call the API with it, deactivate it and get 401, find the call in
 * the key's call log and the usage chart, add a webhook and send a test to a receiver on loopback,
 * switch to German. Every page is screenshotted under test-output/console/journey-*.png.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  chartValue,
  clipboardText,
  consoleBrowserMustRun,
  dayBarLabel,
  expectNoSeriousAxeViolations,
  gotoHash,
  screenshot,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitUntil } from '../support/wait-until';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

const KEY_NAME = 'Journey key';

(consoleBrowserMustRun() ? describe : describe.skip)('the console, end to end', () => {
  let platform: TestPlatform;
  let receiver: Receiver;
  let browser: ConsoleBrowser;
  let page: Page;
  let key: { id: string; plaintext: string };
  let calledAt: Date;

  async function open(hash: string, heading: string | RegExp) {
    await gotoHash(page, hash);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ usageRollupIntervalMs: 0, webhookAllowLoopback: true });
    receiver = await startReceiver(() => ({ status: 200, body: '{"received":true}' }));
    browser = await startConsoleBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await platform?.close();
  });

  it('1. signs in by the link the local platform prints at start (bootstrap.consoleUrl)', async () => {
    await page.goto(platform.bootstrap.consoleUrl);

    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    expect(page.url()).not.toContain('csl_');
    await screenshot(page, 'journey-keys');
  });

  it('2. creates a key and copies it', async () => {
    await page.getByRole('link', { name: 'Create key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Create an API key' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(KEY_NAME);
    await page.getByRole('radio', { name: /^Read-only/ }).check();
    await screenshot(page, 'journey-new-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Your new key' }).waitFor();
    await expect(page.getByText('It will not be shown again.').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'journey-key-shown-once');
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    const plaintext = await clipboardText(page);
    await page.getByRole('button', { name: 'Done, go to the key' }).click();
    await page.getByRole('heading', { name: `Key ${KEY_NAME}` }).waitFor();
    key = { id: new URL(page.url()).hash.replace('#/keys/', ''), plaintext };

    expect(plaintext).toMatch(/^sk_live_/);
    await expect(page.locator('body').textContent()).resolves.not.toContain(plaintext);
  });

  it('3. calls the API with the copied key', async () => {
    calledAt = new Date();
    const response = await platform
      .live(key.plaintext)
      .get(`/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`);

    expect(response.status).toBe(200);
  });

  it('4. deactivates it, after which the API answers 401', async () => {
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('button', { name: 'Reactivate' }).waitFor();
    await screenshot(page, 'journey-key-detail');

    // The gateway may hold the key's earlier allow for its authorizer cache's seconds.
    await waitUntil(async () => (await platform.live(key.plaintext).get('/v1/whoami')).status === 401, {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'the deactivated key to be refused',
    });
    expect((await platform.live(key.plaintext).get('/v1/whoami')).status).toBe(401);
  });

  it("5. shows the call in the key's call log and in the usage chart", async () => {
    await platform.flushUsage();

    await open(`#/keys/${key.id}/calls`, `Calls of ${KEY_NAME}`);
    const calls = page.getByRole('region', { name: 'Calls, newest first' });
    const contacts = calls.getByRole('row').filter({ hasText: '/v1/contacts' });
    await expect(contacts.count()).resolves.toBe(1);
    const [, method, path, status] = await contacts.getByRole('cell').allTextContents();
    expect([method, status]).toEqual(['GET', '200']);
    expect(path).toMatch(/\/v1\/contacts/);
    await screenshot(page, 'journey-calls');

    await open(`#/usage?key=${key.id}`, 'Usage');
    const perDay = page.getByRole('main').getByRole('figure', { name: 'Requests per day' });
    await expect(chartValue(perDay, dayBarLabel(calledAt))).resolves.toBe('1');
    await screenshot(page, 'journey-usage');
  });

  it('6. adds a webhook and sends a test (in the sandbox, where a loopback receiver is allowed)', async () => {
    await page.getByLabel('Environment').selectOption('test');
    await open('#/webhooks', 'Webhooks');
    await page.getByLabel('URL').fill(`${receiver.url}/hooks`);
    await page.getByRole('checkbox', { name: 'api_key.created' }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    await screenshot(page, 'journey-webhooks');
    await page.getByRole('link', { name: `Open ${receiver.url}/hooks` }).click();
    await page.getByRole('heading', { level: 1, name: `${receiver.url}/hooks` }).waitFor();
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Delivered: the receiver answered 200').waitFor();
    await screenshot(page, 'journey-webhook-detail');

    expect(receiver.received).toHaveLength(1);
  });

  it('7. switches to German', async () => {
    await page.getByLabel('Language').selectOption('de');

    const nav = page.getByRole('navigation', { name: 'Konsole' });
    await nav.getByRole('link', { name: 'API-Schlüssel' }).waitFor();
    await expect(page.evaluate(() => (globalThis as any).document.documentElement.lang)).resolves.toBe('de');
    await expect(page.getByRole('button', { name: 'Abmelden' }).isVisible()).resolves.toBe(true);
  });

  it('screenshots every page in German, each without a serious axe violation', async () => {
    const nav = page.getByRole('navigation', { name: 'Konsole' });
    const sections = await nav.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href')));

    for (const href of sections) {
      await gotoHash(page, href ?? '#/keys');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForFunction(() => (globalThis as any).document.querySelector('.spinner') === null);
      await expectNoSeriousAxeViolations(page);
      await screenshot(page, `journey-de-${(href ?? '').replace(/\W/g, '')}`);
    }
    expect(sections.length).toBe(6);
  });

  it('sent no request off loopback and threw no error', () => {
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
