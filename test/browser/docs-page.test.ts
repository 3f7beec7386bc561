/**
 * The docs page renders in a real browser: Debian's chromium (installed by .ci/run), driven by
 * playwright-core, which downloads no browser of its own. Outside CI a machine without chromium
 * skips this file with a message; in CI it must run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { leadbaseApi } from '../../examples/leadbase/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-output');
const mustRun = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!mustRun) {
  console.warn(`docs page test skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI runs it.`);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function leavesLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  // data: and blob: URLs are the page's own bytes, not requests on the network.
  if (protocol === 'data:' || protocol === 'blob:') return false;
  return !LOOPBACK_HOSTS.has(hostname);
}

(mustRun ? describe : describe.skip)('the docs page (GET /docs)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  const outsideRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium.`);
    platform = await startTestPlatform();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Anything for another host is recorded and never sent: the page must need nothing but the stage.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!leavesLoopback(url)) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    await page.goto(`${platform.bootstrap.liveUrl}/docs`);
    await page.locator('.info .title').first().waitFor({ timeout: 30_000 });
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    if (page) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'docs-page.png'), fullPage: true });
    }
    await browser?.close();
    await platform?.close();
  });

  it("shows the API's title", async () => {
    await expect(page.locator('.info .title').first().textContent()).resolves.toContain(leadbaseApi.compiled.name);
  });

  it("lists the platform's operations and Leadbase's", async () => {
    const operations = await page
      .locator('.opblock')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method')?.textContent?.trim()} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
    const leadbaseRoute = leadbaseApi.compiled.routes[0] as { method: string; path: string };

    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /v1/keys',
        'GET /v1/keys/{id}',
        'GET /v1/webhooks',
        `${leadbaseRoute.method} ${leadbaseRoute.path}`,
      ]),
    );
  });

  it('sends no request off the machine and throws no script error', () => {
    expect(outsideRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
