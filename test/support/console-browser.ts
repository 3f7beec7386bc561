/**
 * The console in a real browser for tests: Debian's chromium driven by playwright-core (no browser
 * downloads), every request off loopback refused and recorded, sign-in by a freshly minted one-time
 * link, screenshots under test-output/console/ and axe-core's check of the page.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { TestPlatform } from './platform';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'console');
const AXE_SCRIPT = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
/** The demo organization's owner (local/bootstrap.ts). */
export const DEMO_OWNER_EMAIL = 'owner@demo.example';

/** Whether a console browser test must run: chromium is there, or this is CI (where its absence fails). */
export function consoleBrowserMustRun(): boolean {
  const mustRun = existsSync(CHROMIUM) || Boolean(process.env.CI);
  if (!mustRun) console.warn(`console browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium).`);
  return mustRun;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function leavesLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return false;
  return !LOOPBACK_HOSTS.has(hostname);
}

export interface ConsoleBrowser {
  browser: Browser;
  /** A page in a new context (its own sessionStorage), 1280×900 unless told. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Requests that tried to leave loopback (refused), and errors thrown in pages: both should stay empty. */
  outsideRequests: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export async function startConsoleBrowser(): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium.`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const outsideRequests: string[] = [];
  const pageErrors: string[] = [];
  return {
    browser,
    outsideRequests,
    pageErrors,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport });
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (!leavesLoopback(url)) return route.continue();
        outsideRequests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    close: () => browser.close(),
  };
}

export interface SignInOptions {
  /** Whom to sign in: the demo owner unless told. */
  email?: string;
  readOnly?: boolean;
}

/** A one-time sign-in link minted with the demo's live admin key (POST /v1/console-sessions). */
export async function mintSignInLink(platform: TestPlatform, options: SignInOptions = {}): Promise<string> {
  const response = await platform.admin.post('/v1/console-sessions', {
    email: options.email ?? DEMO_OWNER_EMAIL,
    readOnly: options.readOnly ?? false,
  });
  if (response.status !== 201) throw new Error(`minting a console link failed: ${response.status} ${response.text}`);
  return (response.body as { url: string }).url;
}

/** Opens a fresh sign-in link and waits for the signed-in console (its nav). */
export async function signInByLink(page: Page, platform: TestPlatform, options: SignInOptions = {}): Promise<void> {
  await page.goto(await mintSignInLink(platform, options));
  await page.locator('nav.shell-nav').waitFor({ state: 'attached', timeout: 20_000 });
}

/** Moves the console to a hash route ('#/keys/new') as a click on a link would. */
export async function gotoHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((target) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = target;
  }, hash);
}

/** What the page last copied (needs the context's clipboard-read permission). */
export async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
}

/** A full-page screenshot at test-output/console/<name>.png (not committed; for review). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the page as it is; fails on any serious or critical violation, naming each. */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const hasAxe = await page.evaluate(() => 'axe' in globalThis);
  // Evaluated through the DevTools protocol: a <script> tag would be refused by the console's CSP.
  if (!hasAxe) await page.evaluate(readFileSync(AXE_SCRIPT, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context?: unknown) => Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run();
    return result.violations as AxeViolation[];
  });
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    );
  expect(serious).toEqual([]);
}

/** Moves to a hash route and waits for the page's own heading (each page renders one h1). */
export async function openPage(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await gotoHash(page, hash);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/**
 * The bar label of the UTC day holding `at` on the usage page's day charts: "01/12" in English,
 * "01.12." in German. Tests pass the time of their calls, not of their assertion, so a run that
 * crosses midnight still finds its bar.
 */
export function dayBarLabel(at: Date, locale: 'en' | 'de' = 'en'): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: 'UTC',
    day: '2-digit',
    month: '2-digit',
  }).format(at);
}

/**
 * The value of one bar of a BarChart (a figure named by its title), read from the chart's table of
 * values, which is opened first if closed (clicking it twice would close it again).
 */
export async function chartValue(chart: Locator, label: string): Promise<string> {
  const values = chart.locator('details');
  if ((await values.getAttribute('open')) === null) await values.locator('summary').click();
  const row = chart.getByRole('row').filter({ has: chart.page().getByRole('rowheader', { name: label, exact: true }) });
  return (await row.getByRole('cell').textContent())?.trim() ?? '';
}
