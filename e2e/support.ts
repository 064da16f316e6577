import { existsSync } from 'node:fs';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { totpNow } from '../src/platform/auth/totp.js';
import type { Engine } from '../test/engines.js';
import { createHarness, type Harness, type TestClock } from '../test/harness.js';

/**
 * Browser tests run in Debian's Chromium (never a downloaded build). Without it they skip
 * with a printed reason, except when HAVEN_REQUIRE_CHROMIUM=1 (CI), where that fails the run.
 */
export const CHROMIUM = process.env.HAVEN_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  if (process.env.HAVEN_REQUIRE_CHROMIUM === '1') {
    throw new Error(
      `Chromium is required (HAVEN_REQUIRE_CHROMIUM=1) but ${CHROMIUM} does not exist`,
    );
  }
  console.warn(
    `[haven tests] skipping browser tests: ${CHROMIUM} not found (apt-get install chromium)`,
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Headless in a container as root, and no background calls to outside services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Haven's clock in a browser test: real time, plus the time the test has skipped. */
export interface RealTimeClock {
  now(): number;
  /** Moves Haven's clock `ms` ahead at once: a wait for time that the test need not sleep through. */
  skip(ms: number): void;
}

/**
 * Makes a harness clock follow real time, as the browser sees it (form tokens, TOTP codes), and
 * lets a test skip ahead instead of waiting: the minimum fill time of the request form, the wait
 * after a wrong unseal passphrase. Codes for a second factor are computed from `now()`.
 */
export function followRealTime(clock: TestClock): RealTimeClock {
  let skipped = 0;
  const sync = () => (clock.ms = Date.now() + skipped);
  sync();
  setInterval(sync, 200).unref();
  return {
    now: () => Date.now() + skipped,
    skip(ms) {
      skipped += ms;
      sync();
    },
  };
}

export interface RunningHaven {
  origin: string;
  harness: Harness;
  clock: RealTimeClock;
  close(): Promise<void>;
}

/** A Haven listening on a free loopback port, on one engine. */
export async function startHaven(engine: Engine): Promise<RunningHaven> {
  const harness = await createHarness(engine);
  const clock = followRealTime(harness.clock);
  await harness.app.listen({ host: '127.0.0.1', port: 0 });
  const address = harness.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, harness, clock, close: () => harness.close() };
}

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on what `page` shows. The public pages run with JavaScript off and a CSP that
 * forbids scripts, so the page's HTML is copied into a separate, script-enabled page of the
 * same origin (CSP bypassed there only) and checked with its stylesheet loaded.
 */
export async function axeCheck(browser: Browser, page: Page): Promise<AxeViolation[]> {
  return axeCheckSnapshot(browser, await axeSnapshot(page));
}

/** What axe-core checks of a page: its HTML, origin and viewport, taken at once. */
export interface AxeSnapshot {
  html: string;
  origin: string;
  viewport: { width: number; height: number } | null;
}

/** Takes what `axeCheckSnapshot` needs, so that the page may move on while the check runs. */
export async function axeSnapshot(page: Page): Promise<AxeSnapshot> {
  return { html: await page.content(), origin: new URL(page.url()).origin, viewport: page.viewportSize() };
}

/** axeCheck on a snapshot taken earlier (see axeCheck), in a context of its own. */
export async function axeCheckSnapshot(browser: Browser, snap: AxeSnapshot): Promise<AxeViolation[]> {
  const { html, origin } = snap;
  // At the page's own viewport, so a check of a narrow (phone) layout sees that layout.
  const ctx = await browser.newContext({ bypassCSP: true, viewport: snap.viewport });
  try {
    const checker = await ctx.newPage();
    await checker.goto(`${origin}/assets/none`, { waitUntil: 'domcontentloaded' });
    await checker.setContent(html, { waitUntil: 'load' });
    await checker.addScriptTag({ content: axe.source });
    return await checker.evaluate(async () => {
      const w = window as unknown as { axe: typeof axe };
      const result = await w.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      }));
    });
  } finally {
    await ctx.close();
  }
}

/** Only the violations that block people: serious and critical. */
export function blocking(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Fills the public request form on `page` as a person would (reactive, a country, no contact,
 * consent), lets the minimum fill time pass on Haven's clock since `shownAt` (read from
 * `clock`; a robot's pace would be saved as suspected spam) without sleeping, sends it and
 * returns the receipt shown.
 */
export async function sendRequestForm(
  page: Page,
  o: { text: string; country: string; shownAt: number; clock: RealTimeClock },
): Promise<string> {
  await page.fill('[name=description]', o.text);
  await page.check('[name=urgency][value=reactive]');
  await page.selectOption('[name=country]', o.country);
  await page.check('[name=contact_method][value=none]');
  await page.check('[name=consent]');
  // INTAKE_MIN_FILL_SECONDS is 3 by default; half a second more for the clock's 200 ms steps.
  const left = o.shownAt + 3_500 - o.clock.now();
  if (left > 0) o.clock.skip(left);
  await page.click('form[action^="/request"] button[type=submit]');
  const receipt = (await page.locator('#receipt').innerText()).trim();
  if (!/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/.test(receipt))
    throw new Error(`no receipt on the page: ${receipt}`);
  return receipt;
}

/** Each blocking axe violation on `page` as one readable line, prefixed with `label`; empty when none. */
export async function blockingViolations(
  browser: Browser,
  page: Page,
  label: string,
): Promise<string[]> {
  return blocking(await axeCheck(browser, page)).map(
    (x) => `${label}: ${x.id} (${x.impact}) ${x.help} at ${x.nodes.join(', ')}`,
  );
}

/**
 * Watches a page as every browser test does: a 10 s default timeout, and every request to
 * anywhere but `origin()` (read at request time: a test may restart Haven on a new port)
 * noted in `foreign`, which the test expects to stay empty.
 */
export function watchRequests(page: Page, origin: () => string, foreign: string[]): void {
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => {
    if (!r.url().startsWith(origin()) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
}

/** A new page in its own context with JavaScript off, watched as above. */
export async function openPage(
  browser: Browser,
  o: {
    locale?: string;
    viewport?: { width: number; height: number };
    origin: () => string;
    foreign: string[];
  },
): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    ...(o.locale ? { locale: o.locale } : {}),
    ...(o.viewport ? { viewport: o.viewport } : {}),
  });
  const page = await context.newPage();
  watchRequests(page, o.origin, o.foreign);
  return page;
}

/**
 * Signs a staff member in through the real pages, with JavaScript off: email and password,
 * then the TOTP code; resolves once the browser has left the sign-in steps for a staff page.
 */
export async function signInStaff(
  page: Page,
  origin: string,
  account: { email: string; password: string; totpSecret: string },
): Promise<void> {
  await page.goto(`${origin}/staff/sign-in`);
  await page.fill('[name=email]', account.email);
  await page.fill('[name=password]', account.password);
  await page.click('form[action="/staff/sign-in"] button[type=submit]');
  await page.waitForURL(/second-factor/);
  await page.fill('[name=code]', totpNow(account.totpSecret, Date.now()));
  await page.click('form[action="/staff/sign-in/second-factor"] button[type=submit]');
  await page.waitForURL((u) => u.pathname.startsWith('/staff') && !u.pathname.startsWith('/staff/sign-in'));
}
