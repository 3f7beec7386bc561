/**
 * The console's Members page in Debian's chromium (console-browser.ts), signed in as the demo owner:
 * invite a member with one sub-account, change their role, create a console link and revoke its
 * session, remove them (confirmed); the last owner's refusal is shown; a read-only session sees no
 * control that changes anything. Screenshots at 1280 and 360 px; axe finds nothing serious.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  clipboardText,
  consoleBrowserMustRun,
  DEMO_OWNER_EMAIL,
  expectNoSeriousAxeViolations,
  gotoHash,
  screenshot,
  signInByLink,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const MUTATING = /^(Edit|Console link|Remove|Send invitation|Revoke|Save changes|Create link)\b/;
const INVITED = 'ines@demo.example';
const OWNER = DEMO_OWNER_EMAIL;

async function openMembers(page: Page) {
  await gotoHash(page, '#/members');
  await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  await page.getByRole('table', { name: 'Members of the organization' }).waitFor();
}

const rowOf = (page: Page, email: string) =>
  page.getByRole('table', { name: 'Members of the organization' }).getByRole('row').filter({ hasText: email });
const SESSIONS = 'Active console sessions, newest first';

(consoleBrowserMustRun() ? describe : describe.skip)('the console Members page', () => {
  let platform: TestPlatform;
  let browser: ConsoleBrowser;
  let page: Page;
  let accountId: string;

  const memberByEmail = async (email: string) =>
    ((await platform.admin.get('/v1/members')).body.items as { id: string; email: string }[]).find(
      (member) => member.email === email,
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    accountId = platform.bootstrap.accountIds[1] as string;
    browser = await startConsoleBrowser();
    page = await browser.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signInByLink(page, platform);
    await openMembers(page);
  }, 60_000);

  afterAll(async () => {
    expect(browser?.outsideRequests ?? []).toEqual([]);
    expect(browser?.pageErrors ?? []).toEqual([]);
    await browser?.close();
    await platform?.close();
  });

  it('invites a member with one sub-account', async () => {
    await expectNoSeriousAxeViolations(page);

    const form = page.getByRole('region', { name: 'Invite a member' });
    await form.getByLabel('Email address').fill(INVITED);
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('radio', { name: 'One sub-account' }).check();
    await form.getByLabel('Sub-account', { exact: true }).selectOption(accountId);
    await form.getByRole('button', { name: 'Send invitation' }).click();

    await rowOf(page, INVITED).filter({ hasText: 'Invited' }).waitFor();
    expect(await memberByEmail(INVITED)).toMatchObject({ role: 'member', accounts: [accountId], status: 'invited' });
    await screenshot(page, 'members');
  });

  it("changes the member's role", async () => {
    await page.getByRole('button', { name: `Edit ${INVITED}` }).click();
    const form = page.getByRole('region', { name: `Change ${INVITED}` });
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Save changes' }).click();

    await rowOf(page, INVITED).filter({ hasText: 'Viewer' }).waitFor();
    expect(await memberByEmail(INVITED)).toMatchObject({ role: 'viewer', accounts: [accountId] });
  });

  it('creates a console link for the member, shown once to copy, and revokes its session', async () => {
    await page.getByRole('button', { name: `Create a console link for ${INVITED}` }).click();
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await clipboardText(page)).toMatch(/\/console\/sign-in#csl_/);
    await page.getByRole('button', { name: 'Done', exact: true }).click();

    const sessions = page.getByRole('table', { name: SESSIONS });
    await sessions.getByRole('row').filter({ hasText: INVITED }).waitFor();
    await sessions.getByRole('button', { name: new RegExp(`^Revoke the session of ${INVITED}`) }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await sessions.getByRole('row').filter({ hasText: INVITED }).waitFor({ state: 'detached' });
  });

  it('removes the member after confirmation', async () => {
    await page.getByRole('button', { name: `Remove ${INVITED}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${INVITED}?` });
    await dialog.getByRole('button', { name: 'Remove' }).click();

    await rowOf(page, INVITED).waitFor({ state: 'detached' });
    expect(await memberByEmail(INVITED)).toBeUndefined();
    // The focused button went with the row: the keyboard resumes at the page's title.
    expect(await page.evaluate('document.activeElement?.id')).toBe('members-title');
  });

  it("shows the API's refusal to remove the last owner", async () => {
    await page.getByRole('button', { name: `Remove ${OWNER}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();

    await page.getByRole('alert').filter({ hasText: 'An organization keeps at least one owner' }).waitFor();
    expect(await memberByEmail(OWNER)).toBeDefined();
  });

  it('is usable 360 px wide', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await openMembers(page);

    await screenshot(page, 'members-360');
    await expectNoSeriousAxeViolations(page);
    // A string: the test is compiled without DOM types.
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('speaks German', async () => {
    await page.getByLabel('Language').selectOption('de');

    await page.getByRole('heading', { name: 'Mitglieder', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Mitglied einladen' }).waitFor();
    await screenshot(page, 'members-de');
  });

  it('shows a read-only session no control that changes anything', async () => {
    const readOnly = await browser.newPage();
    try {
      await signInByLink(readOnly, platform, { readOnly: true });
      await openMembers(readOnly);
      await rowOf(readOnly, OWNER).waitFor();
      await readOnly.getByRole('table', { name: SESSIONS }).waitFor();

      const buttons = await readOnly.getByRole('main').getByRole('button').allInnerTexts();
      expect(buttons.filter((text) => MUTATING.test(text.trim()))).toEqual([]);
      expect(await readOnly.getByLabel('Email address').count()).toBe(0);
    } finally {
      await readOnly.close();
    }
  });
});
