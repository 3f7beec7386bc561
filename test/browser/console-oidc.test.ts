/**
 * Signing in to the console with the team's identity provider (here the local OIDC provider): the
 * authorization code flow with PKCE from the signed-out page and back, the provider's refusal, and
 * an answer this tab never asked for.
 */
import type { Page, Request } from 'playwright-core';
import {
  type ConsoleBrowser,
  consoleBrowserMustRun,
  DEMO_OWNER_EMAIL,
  expectNoSeriousAxeViolations,
  screenshot,
  signInByLink,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

(consoleBrowserMustRun() ? describe : describe.skip)('the console signing in with the identity provider', () => {
  let platform: TestPlatform;
  let consoleBrowser: ConsoleBrowser;
  let consoleUrl: string;
  let issuer: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ oidcProvider: true });
    consoleBrowser = await startConsoleBrowser();
    consoleUrl = `${platform.bootstrap.liveUrl}/console`;
    issuer = platform.bootstrap.oidcIssuer as string;
  }, 60_000);

  afterAll(async () => {
    await consoleBrowser?.close();
    await platform?.close();
  });

  /** A fresh tab whose requests are recorded, so a test can say what was never sent. */
  async function aRecordedPage(): Promise<{ page: Page; requests: Request[] }> {
    const page = await consoleBrowser.newPage();
    page.setDefaultTimeout(15_000);
    const requests: Request[] = [];
    page.on('request', (request) => requests.push(request));
    return { page, requests };
  }

  /** From the console's signed-out page through the provider's development login and consent. */
  async function signInAtProvider(page: Page, email: string): Promise<void> {
    await providerButton(page).click();
    await page.getByRole('button', { name: email }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  const providerButton = (page: Page) => page.getByRole('button', { name: `Sign in with ${new URL(issuer).host}` });

  it('offers the provider on the signed-out page, with no serious axe violation', async () => {
    const { page } = await aRecordedPage();

    await page.goto(consoleUrl);

    await expect(providerButton(page).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Or use a sign-in link').isVisible()).resolves.toBe(true);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'oidc-signed-out');
  });

  it('signs the owner in at the provider and back, leaving no code in the address', async () => {
    const { page, requests } = await aRecordedPage();
    await page.goto(consoleUrl);

    await providerButton(page).click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    await page.getByRole('button', { name: DEMO_OWNER_EMAIL }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    expect(requests.some((request) => new URL(request.url()).pathname.endsWith('/sign-in'))).toBe(true);
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/keys');
    await expect(page.getByText(DEMO_OWNER_EMAIL).first().isVisible()).resolves.toBe(true);
    const stored = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.session'));
    expect(stored).toMatch(/^eyJ/); // the provider's JWT access token, not a console session's cs_
    const authorize = requests
      .map((request) => new URL(request.url()))
      .find((url) => url.href.startsWith(issuer) && url.searchParams.has('client_id'));
    expect(Object.fromEntries(authorize?.searchParams ?? [])).toMatchObject({
      client_id: 'console',
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${consoleUrl}/sign-in`,
    });
    await screenshot(page, 'oidc-signed-in');
  });

  it('signs out by forgetting the token: a provider token has no console session to end', async () => {
    const { page, requests } = await aRecordedPage();
    await page.goto(consoleUrl);
    await signInAtProvider(page, DEMO_OWNER_EMAIL);
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();

    expect(requests.map((request) => request.url()).filter((url) => url.includes('/console-sessions'))).toEqual([]);
    await expect(page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.session'))).resolves.toBe(
      null,
    );
  });

  it('lets a person of two organizations choose one, joining only that one, and then acts in it alone', async () => {
    const email = 'both@demo.example';
    expect((await platform.admin.post('/v1/members', { email, role: 'admin' })).status).toBe(201);
    const other = await platform.createOrganization({ name: 'Other Corp', ownerEmail: email });
    await platform.createKey({ name: 'Demo-only key' });
    await platform.createKey({ name: 'Other Corp reporting' }, other.admin);
    const { page } = await aRecordedPage();
    await page.goto(consoleUrl);

    await signInAtProvider(page, email);
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor();
    const offered = await page.locator('.organization-choices button').allTextContents();
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, 'oidc-choose-organization');
    await page.getByRole('button', { name: other.organization.id }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    expect(offered.sort()).toEqual([platform.bootstrap.organizationId, other.organization.id].sort());
    await page.getByText('Other Corp reporting').waitFor();
    await expect(page.getByText('Demo-only key').count()).resolves.toBe(0);
    const chosen = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.organizationId'));
    expect(chosen).toBe(other.organization.id);
    // Offering a choice signed the person in to no organization: the one not chosen still waits.
    const demoMembers = (await platform.admin.get('/v1/members')).body.items as { email: string; status: string }[];
    expect(demoMembers.find((member) => member.email === email)?.status).toBe('invited');
  });

  it("says so when the provider refuses this tab's sign-in, naming the provider's error", async () => {
    const { page, requests } = await aRecordedPage();
    await page.goto(consoleUrl);
    await providerButton(page).click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    const state = requests
      .map((request) => new URL(request.url()))
      .find((url) => url.href.startsWith(issuer) && url.searchParams.has('state'))
      ?.searchParams.get('state');

    await page.goto(`${consoleUrl}/sign-in?error=access_denied&state=${state}`);

    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      `Signing in at ${new URL(issuer).host} was cancelled or refused (access_denied).`,
    );
    expect(new URL(page.url()).search).toBe('');
  });

  it('leaves a signed-in tab signed in when an answer it never asked for arrives', async () => {
    const { page } = await aRecordedPage();
    await signInByLink(page, platform);

    await page.goto(`${consoleUrl}/sign-in?error=access_denied&state=forged-state`);
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    const stored = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.session'));
    expect(stored).toMatch(/^cs_/);
    expect(new URL(page.url()).search).toBe('');
  });

  it('signs in from the sandbox console too, back to the sandbox console', async () => {
    const { page } = await aRecordedPage();
    const sandboxConsole = `${platform.bootstrap.sandboxUrl}/console`;
    await page.goto(sandboxConsole);

    await signInAtProvider(page, DEMO_OWNER_EMAIL);
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    expect(page.url().startsWith(`${sandboxConsole}#/keys`)).toBe(true);
  });

  it('refuses a code this tab never asked for, without trading it at the provider', async () => {
    const { page, requests } = await aRecordedPage();

    await page.goto(`${consoleUrl}/sign-in?code=stolen-code&state=forged-state`);

    await expect(page.getByRole('alert').textContent()).resolves.toContain('did not complete');
    expect(requests.filter((request) => request.url().startsWith(issuer))).toEqual([]);
  });
});
