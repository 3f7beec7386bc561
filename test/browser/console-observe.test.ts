/**
 * The Usage, Call log and Audit log pages in Chromium, on one platform and one browser: calls made
 * with a key go through the local usage pipeline (flushUsage delivers them at once, nothing sleeps)
 * and show in the usage chart, the key's call log (paged until the log ends) and, for what the owner
 * did in the console, the audit log by the owner's email.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  chartValue,
  consoleBrowserMustRun,
  DEMO_OWNER_EMAIL,
  dayBarLabel,
  expectNoSeriousAxeViolations,
  gotoHash,
  openPage,
  screenshot,
  signInByLink,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { anAccessLogRecord } from '../support/unit-factories';

const mustRun = consoleBrowserMustRun();

const NARROW = { width: 360, height: 800 };

(mustRun ? describe : describe.skip)('the usage, call log and audit log pages', () => {
  let platform: TestPlatform;
  let consoleBrowser: ConsoleBrowser;
  let page: Page;
  let key: { id: string; key: string };
  let calledAt: Date;

  beforeAll(async () => {
    platform = await startTestPlatform({ usageRollupIntervalMs: 0 });
    consoleBrowser = await startConsoleBrowser();
    page = await consoleBrowser.newPage();
    // A missing element fails within seconds, naming it, rather than at the test's timeout.
    page.setDefaultTimeout(10_000);
    await signInByLink(page, platform);

    key = await platform.createKey({ name: 'Observed key', permissions: ['read'] });
    const api = platform.live(key.key);
    // Taken before the first call: a run across midnight still looks for the calls' day.
    calledAt = new Date();
    const account = `?account_id=${platform.bootstrap.accountIds[0]}`;
    for (let index = 0; index < 3; index++) expect((await api.get(`/v1/contacts${account}`)).status).toBe(200);
    expect((await api.get('/v1/contacts')).status).toBe(400); // no account_id: the newest call, a failure
    await platform.flushUsage();
  }, 60_000);

  afterAll(async () => {
    await consoleBrowser?.close();
    await platform?.close();
  });

  it("shows the key's calls in the usage chart, by outcome and by endpoint", async () => {
    await openPage(page, `#/usage?key=${key.id}`, 'Usage');
    const main = page.getByRole('main');

    await expect(
      chartValue(main.getByRole('figure', { name: 'Requests per day' }), dayBarLabel(calledAt)),
    ).resolves.toBe('4');
    const outcome = main.getByRole('figure', { name: 'Succeeded and failed per day' });
    await expect(chartValue(outcome, dayBarLabel(calledAt))).resolves.toBe('3');
    await expect(chartValue(outcome, `${dayBarLabel(calledAt)} ✗`)).resolves.toBe('1');
    // GET /v1/contacts costs no credits in Leadbase: the totals say so next to the 4 requests.
    await expect(main.locator('.totals').textContent()).resolves.toBe('Requests4Succeeded3Failed1Credits consumed0');
    const byEndpoint = main.getByRole('region', { name: 'By endpoint' });
    await expect(byEndpoint.getByRole('row', { name: /GET \/v1\/contacts/ }).textContent()).resolves.toContain('4');
    await expect(main.getByText('No anomalies flagged.').isVisible()).resolves.toBe(true);

    await expectNoSeriousAxeViolations(page);
    await page.setViewportSize(NARROW);
    await screenshot(page, 'usage-360');
    await expectNoSeriousAxeViolations(page);
  });

  it("lists the key's calls newest first, each with time, method, path, status, latency and source IP", async () => {
    await openPage(page, `#/keys/${key.id}/calls`, 'Calls of Observed key');
    await page.getByText('That is every call of the last 7 days.').waitFor();
    const rows = page.getByRole('region', { name: 'Calls, newest first' }).getByRole('row');
    await expect(rows.count()).resolves.toBe(5); // the heading row and 4 calls

    const newest = await rows.nth(1).getByRole('cell').allTextContents();
    expect(newest).toEqual([
      expect.any(String),
      'GET',
      '/live/v1/contacts',
      '400',
      expect.stringMatching(/^\d+ ms$/),
      expect.stringMatching(/\S/),
    ]);
    await expect(rows.nth(2).getByRole('cell').nth(3).textContent()).resolves.toBe('200');
    await expect(
      page.getByRole('status').filter({ hasText: 'That is every call of the last 7 days.' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);

    await screenshot(page, 'calls-360');
    await expectNoSeriousAxeViolations(page);
  });

  it('pages through a long call log with "Load more" until the log ends', async () => {
    const busy = await platform.createKey({ name: 'Busy key', permissions: ['read'] });
    const now = Date.now();
    const { organizationId } = platform.bootstrap;
    for (let index = 0; index < 55; index++)
      platform.usagePipeline.push(
        anAccessLogRecord({ keyId: busy.id, organizationId, requestTimeEpoch: String(now - index * 1000) }),
      );
    await platform.flushUsage();

    await openPage(page, `#/keys/${busy.id}/calls`, 'Calls of Busy key');
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    const rows = page.getByRole('region', { name: 'Calls, newest first' }).getByRole('row');
    await expect(rows.count()).resolves.toBe(51);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('That is every call of the last 7 days.').waitFor();

    await expect(rows.count()).resolves.toBe(56);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
  });

  it('names the owner by email for what they did in the console, when and from where', async () => {
    await openPage(page, '#/audit', 'Audit log');
    const entries = page.getByRole('region', { name: 'Audit entries, newest first' });
    // Opening the call log read the key (GET /v1/keys/{id}): audited as the signed-in owner.
    const viewed = entries
      .getByRole('row')
      .filter({ hasText: DEMO_OWNER_EMAIL })
      .filter({ hasText: 'Viewed a key' })
      .filter({ hasText: 'Observed key' });
    await viewed.first().waitFor();
    await expect(viewed.first().textContent()).resolves.toContain('Succeeded');
    // Creating it was the admin key's doing, named as a key.
    const created = entries.getByRole('row').filter({ hasText: 'Created a key' });
    await expect(created.first().textContent()).resolves.toMatch(/Key .*key_|Key .*…/);

    await screenshot(page, 'audit-360');
    await expectNoSeriousAxeViolations(page);
  });

  it('shows a read-only session the same pages with nothing that changes anything', async () => {
    const readOnly = await consoleBrowser.newPage(NARROW);
    readOnly.setDefaultTimeout(10_000);
    await signInByLink(readOnly, platform, { readOnly: true });
    for (const [hash, loaded] of [
      ['#/usage', readOnly.getByRole('figure', { name: 'Requests per day' })],
      [`#/keys/${key.id}/calls`, readOnly.getByText('That is every call of the last 7 days.')],
      ['#/audit', readOnly.getByRole('region', { name: 'Audit entries, newest first' })],
    ] as const) {
      await gotoHash(readOnly, hash);
      await loaded.waitFor();
      const buttons = await readOnly.getByRole('main').getByRole('button').allTextContents();
      expect(buttons.filter((name) => name !== 'Load more')).toEqual([]);
    }
    await readOnly.context().close();
  });

  it('speaks German: the audit log names the actions in German, the usage chart its periods', async () => {
    await page.getByLabel('Language').selectOption('de');
    await openPage(page, '#/audit', 'Audit-Protokoll');
    const entries = page.getByRole('region', { name: 'Audit-Einträge, die neuesten zuerst' });
    await entries
      .getByRole('row')
      .filter({ hasText: DEMO_OWNER_EMAIL })
      .filter({ hasText: 'Schlüssel angesehen' })
      .first()
      .waitFor();
    await expect(entries.getByRole('columnheader').allTextContents()).resolves.toEqual([
      'Wann',
      'Wer',
      'Was',
      'Ergebnis',
      'Von wo',
    ]);
    await screenshot(page, 'audit-de-360');
    await openPage(page, `#/usage?key=${key.id}`, 'Nutzung');
    await expect(
      chartValue(page.getByRole('figure', { name: 'Anfragen pro Tag' }), dayBarLabel(calledAt, 'de')),
    ).resolves.toBe('4');
    await screenshot(page, 'usage-de-360');
  });
});
