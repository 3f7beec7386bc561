/**
 * The console sending the identity provider's ID token (identity.oidc.console.token 'id', as for
 * Cognito, whose access tokens name no audience and no email): the management API then takes
 * tokens whose audience is the console's client.
 */
import type { Page } from 'playwright-core';
import {
  type ConsoleBrowser,
  consoleBrowserMustRun,
  DEMO_OWNER_EMAIL,
  startConsoleBrowser,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

(consoleBrowserMustRun() ? describe : describe.skip)('the console signing in with ID tokens', () => {
  let platform: TestPlatform;
  let consoleBrowser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    platform = await startTestPlatform({ oidcProvider: true });
    // Read by the management authorizer and the console function when they first load, which is
    // at the first request below: tokens for the console's client, and the console sends ID tokens.
    Object.assign(process.env, { OIDC_AUDIENCE: 'console', OIDC_CONSOLE_TOKEN: 'id' });
    consoleBrowser = await startConsoleBrowser();
    page = await consoleBrowser.newPage();
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await consoleBrowser?.close();
    await platform?.close();
  });

  it('signs the owner in with the ID token, which carries a nonce of this sign-in', async () => {
    const authorizeUrls: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.searchParams.has('client_id')) authorizeUrls.push(url);
    });
    await page.goto(`${platform.bootstrap.liveUrl}/console`);

    await page.getByRole('button', { name: /^Sign in with / }).click();
    await page.getByRole('button', { name: DEMO_OWNER_EMAIL }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 20_000 });

    const token = (await page.evaluate(() => (globalThis as any).sessionStorage.getItem('console.session'))) as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const nonce = authorizeUrls[0]?.searchParams.get('nonce');
    expect(nonce).toEqual(expect.any(String));
    expect(claims).toMatchObject({ aud: 'console', nonce, email: DEMO_OWNER_EMAIL });
    await expect(page.getByText(DEMO_OWNER_EMAIL).first().isVisible()).resolves.toBe(true);
  });
});
