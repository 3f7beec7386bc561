/**
 * The console's Keys pages in Debian's chromium (console-browser.ts): create a key with a preset and
 * one sub-account, see it once and copy it, edit, deactivate and reactivate, rotate, revoke and
 * delete with confirmation; a read-only session sees no control that changes anything.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  consoleBrowserMustRun,
  expectNoSeriousAxeViolations,
  screenshot,
  signInByLink,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const MUTATING = ['Create key', 'Deactivate', 'Reactivate', 'Revoke', 'Delete', 'Rotate', 'Save changes'];

async function go(page: Page, hash: string) {
  await page.evaluate((target) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = target;
  }, hash);
}

async function copiedText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
}

(consoleBrowserMustRun() ? describe : describe.skip)('the console Keys pages', () => {
  let platform: TestPlatform;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await startConsoleBrowser();
    page = await browser.newPage();
    // Fail at the step that is wrong, well inside Jest's 30 s per test.
    page.setDefaultTimeout(8_000);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signInByLink(page, platform);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function createKey(name: string): Promise<{ id: string; key: string }> {
    await go(page, '#/keys');
    await page.getByRole('link', { name: 'Create key' }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('radio', { name: /^Custom/ }).check();
    await page.getByRole('checkbox', { name: /^read —/ }).check();
    await page.getByRole('radio', { name: 'One sub-account' }).check();
    await page.getByLabel('Sub-account', { exact: true }).selectOption(platform.bootstrap.accountIds[1] as string);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Your new key' }).waitFor();
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    const key = await copiedText(page);
    await page.getByRole('button', { name: 'Done, go to the key' }).click();
    await page.getByRole('heading', { name: `Key ${name}` }).waitFor();
    const id = new URL(page.url()).hash.replace('#/keys/', '');
    return { id, key };
  }

  it('creates a key with a preset and one sub-account, shows it once and copies it', async () => {
    await go(page, '#/keys/new');
    await page.getByRole('heading', { name: 'Create an API key' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    const { id, key } = await createKey('Billing export');

    expect(key).toMatch(/^sk_live_/);
    const stored = await platform.admin.get(`/v1/keys/${id}`);
    expect(stored.body).toMatchObject({
      name: 'Billing export',
      permissions: ['read'],
      accounts: [platform.bootstrap.accountIds[1]],
      last8: key.slice(-8),
    });
    // Shown once: the detail page never holds the plaintext again.
    await expect(page.locator('main').textContent()).resolves.not.toContain(key);
  });

  it('lists the key with its last 8 characters, status and permissions, at 360 px too', async () => {
    const { key } = await createKey('Listed key');
    await go(page, '#/keys');
    const row = page.getByRole('row', { name: /Listed key/ });

    await expect(row.textContent()).resolves.toContain(key.slice(-8));
    await expect(row.textContent()).resolves.toContain('Read-only');
    await expect(row.textContent()).resolves.toContain('Active');
    await expectNoSeriousAxeViolations(page);
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'keys-list-360');
    await go(page, '#/keys/new');
    await page.getByRole('heading', { name: 'Create an API key' }).waitFor();
    await screenshot(page, 'keys-new-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('edits the name, deactivates and reactivates the key', async () => {
    const { id } = await createKey('To edit');
    const name = page.getByRole('form', { name: 'Name and permissions' }).getByLabel('Name', { exact: true });

    await name.fill('Edited key');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Key Edited key' }).waitFor();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('button', { name: 'Reactivate' }).waitFor();
    expect((await platform.admin.get(`/v1/keys/${id}`)).body).toMatchObject({ name: 'Edited key', status: 'inactive' });
    await expectNoSeriousAxeViolations(page);
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'keys-detail-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByRole('button', { name: 'Deactivate' }).waitFor();

    expect((await platform.admin.get(`/v1/keys/${id}`)).body).toMatchObject({ status: 'active' });
  });

  it('rotates the key with a grace period and shows the new key once', async () => {
    const { id, key } = await createKey('To rotate');

    await page.getByLabel('Grace period for the old key').selectOption('86400');
    await page.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('heading', { name: 'The new key' }).waitFor();
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    const newKey = await copiedText(page);

    expect(newKey).toMatch(/^sk_live_/);
    expect(newKey).not.toBe(key);
    const old = (await platform.admin.get(`/v1/keys/${id}`)).body as { rotatedToKeyId: string; expiresAt: string };
    expect(old.expiresAt).not.toBeNull();
    await page.getByRole('button', { name: 'Done, go to the new key' }).click();
    await page.getByRole('link', { name: id }).waitFor();
  });

  it('revokes the key after confirming, and the revoked key stays listed', async () => {
    const { id } = await createKey('To revoke');

    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the key To revoke?' });
    await expectNoSeriousAxeViolations(page);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Deactivate' }).waitFor({ state: 'detached' });

    expect((await platform.admin.get(`/v1/keys/${id}`)).body).toMatchObject({ status: 'revoked' });
    await go(page, '#/keys');
    await expect(page.getByRole('row', { name: /To revoke/ }).textContent()).resolves.toContain('Revoked');
  });

  it('deletes the key after confirming that it cannot be undone', async () => {
    const { id } = await createKey('To delete');

    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the key To delete?' });
    await expect(dialog.textContent()).resolves.toContain("can't be undone; integrations using it stop");
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();

    expect((await platform.admin.get(`/v1/keys/${id}`)).status).toBe(404);
  });

  it('shows the API message next to the form when it refuses', async () => {
    await go(page, '#/keys/new');
    await page.getByRole('button', { name: 'Create key' }).click();

    await expect(page.getByRole('alert').textContent()).resolves.toContain('name');
  });

  it('shows a read-only session no control that changes anything', async () => {
    const { id } = await platform.createKey({ name: 'Seen read-only' });
    const readOnly = await browser.newPage();
    await signInByLink(readOnly, platform, { readOnly: true });

    await go(readOnly, '#/keys');
    await readOnly.getByRole('link', { name: 'Seen read-only' }).waitFor();
    const onList = await readOnly.getByRole('main').getByRole('button').allTextContents();
    const createLinks = await readOnly.getByRole('link', { name: 'Create key' }).count();
    await go(readOnly, `#/keys/${id}`);
    await readOnly.getByRole('heading', { name: 'Key Seen read-only' }).waitFor();
    const onDetail = await readOnly.getByRole('main').getByRole('button').allTextContents();
    await expect(readOnly.getByRole('textbox').count()).resolves.toBe(0);
    await screenshot(readOnly, 'keys-detail-read-only');
    await go(readOnly, '#/keys/new');
    await readOnly.getByRole('heading', { name: 'Create an API key' }).waitFor();
    const onNew = await readOnly.getByRole('main').getByRole('button').allTextContents();

    expect(createLinks).toBe(0);
    expect([...onList, ...onDetail, ...onNew].filter((text) => MUTATING.includes(text.trim()))).toEqual([]);
    await expect(readOnly.getByRole('textbox').count()).resolves.toBe(0);
    await readOnly.close();
  });

  it('sent no request off loopback and threw no page error', () => {
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
