/**
 * The console's shell in Debian's chromium (console-browser.ts): sign-in by a one-time link, which
 * leaves no secret in the URL or localStorage; a used link shows the signed-out screen; the locale
 * switch; the layout at 360 px; no serious axe violation; no request off loopback.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  consoleBrowserMustRun,
  expectNoSeriousAxeViolations,
  mintSignInLink,
  screenshot,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitUntil } from '../support/wait-until';

(consoleBrowserMustRun() ? describe : describe.skip)('the console shell', () => {
  let platform: TestPlatform;
  let browser: ConsoleBrowser;
  let page: Page;
  let link: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await startConsoleBrowser();
    page = await browser.newPage();
    link = await mintSignInLink(platform);
    await page.goto(link);
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('signs the owner in by link and drops the link from the URL', async () => {
    const url = new URL(page.url());

    expect(url.hash).toBe('#/keys');
    expect(url.pathname).toBe(`/${platform.bootstrap.liveUrl.split('/').pop()}/console`);
    expect(page.url()).not.toContain('csl_');
    await expect(page.getByText('owner@demo.example').first().isVisible()).resolves.toBe(true);
  });

  it('keeps the session token in sessionStorage only, never in localStorage', async () => {
    const storage = await page.evaluate(() => {
      // The root tsconfig has no DOM lib: the page's globals are typed loosely here.
      const g = globalThis as any;
      const dump = (store: any) =>
        Array.from({ length: store.length }, (_, i) => `${store.key(i)}=${store.getItem(store.key(i) ?? '')}`);
      return { local: dump(g.localStorage), session: dump(g.sessionStorage) };
    });

    expect(storage.session.some((entry) => entry.includes('=cs_'))).toBe(true);
    expect(storage.local.join(' ')).not.toContain('cs_');
    expect(storage.local.join(' ')).not.toContain('csl_');
  });

  it('shows the signed-out screen for a link used a second time', async () => {
    const second = await browser.newPage();

    await second.goto(link);

    await second.getByRole('heading', { name: 'Signed out' }).waitFor();
    await expect(second.getByRole('alert').textContent()).resolves.toContain('already used or has expired');
    expect(second.url()).not.toContain('csl_');
    await screenshot(second, 'signed-out');
    await second.context().close();
  });

  it('shows the owner every section in the nav', async () => {
    const nav = page.getByRole('navigation', { name: 'Console' });

    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'API keys',
      'Usage',
      'Audit log',
      'Webhooks',
      'Notifications',
      'Members',
    ]);
  });

  it('has no serious accessibility violation', async () => {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'shell');
  });

  it('switches to German: the nav and the page language change, and the choice is remembered', async () => {
    await page.getByLabel('Language').selectOption('de');

    const nav = page.getByRole('navigation', { name: 'Konsole' });
    await nav.getByRole('link', { name: 'API-Schlüssel' }).waitFor();
    await expect(page.evaluate(() => (globalThis as any).document.documentElement.lang)).resolves.toBe('de');
    await page.reload();
    await page.getByRole('navigation', { name: 'Konsole' }).waitFor();
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
  });

  it('lets a notice go when the person moves to another page or switches language', async () => {
    const created = await platform.admin.post('/v1/keys', { name: 'Noticed key', permissions: ['read'] });
    await page.evaluate(
      (hash) => {
        (globalThis as any).location.hash = hash;
      },
      `#/keys/${(created.body as { id: string }).id}`,
    );
    await page.getByRole('button', { name: 'Deactivate' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'inactive' });
    await notice.waitFor();
    // Past the moment an action's own navigation may carry its notice along.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Usage' }).waitFor();

    await notice.waitFor({ state: 'detached', timeout: 5_000 });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('link', { name: 'Noticed key' }).click();
    await page.getByRole('button', { name: 'Reactivate' }).click();
    const shellNotice = page.locator('.notice');
    await shellNotice.filter({ hasText: 'active' }).waitFor();
    try {
      await page.getByLabel('Language').selectOption('de');
      await page.getByRole('navigation', { name: 'Konsole' }).waitFor();

      await shellNotice.filter({ hasText: /\S/ }).waitFor({ state: 'detached', timeout: 5_000 });
    } finally {
      await page.getByLabel(/^(Sprache|Language)$/).selectOption('en');
    }
  });

  it('is usable 360 px wide: the nav folds behind a menu button', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Console' });

    await expect(nav.isVisible()).resolves.toBe(false);
    await menu.click();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await nav.getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/#\/usage$/);
    await nav.waitFor({ state: 'hidden' });
    const overflow = await page.evaluate(() => {
      const g = globalThis as any;
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'shell-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out: the session is revoked, the token forgotten, and the signed-out screen says how to get a link', async () => {
    const token: string = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.session'));
    const whoami = () =>
      fetch(`${platform.bootstrap.liveUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect((await whoami()).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    await expect(page.evaluate(() => (globalThis as any).sessionStorage.length)).resolves.toBe(0);
    await expect(page.getByText('sign-in link').first().isVisible()).resolves.toBe(true);
    // Revoked sessions stop within a second (the gateway's authorizer cache).
    await waitUntil(async () => (await whoami()).status === 401, {
      timeoutMs: 5_000,
      intervalMs: 100,
      what: 'the signed-out session to be refused',
    });
  });

  it('sent no request off loopback and threw no error', () => {
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
