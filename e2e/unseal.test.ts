import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { sealInit } from '../src/modules/vault/index.js';
import { totpNow } from '../src/platform/auth/totp.js';
import { TEST_PASSPHRASE_LIMITS } from '../src/platform/crypto/vault.js';
import { dirOf, STAFF_LOCALES } from '../src/platform/i18n/index.js';
import { sharedI18n } from '../src/runtime.js';
import { engines } from '../test/engines.js';
import { createHarness, restartHarness, type Harness } from '../test/harness.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  followRealTime,
  openPage,
  sendRequestForm,
  type RealTimeClock,
} from './support.js';
import { ANA } from '../src/modules/vault/vault.test-helpers.js';

/**
 * A sealed Haven in a real Chromium with JavaScript off: every staff URL shows only the unseal
 * form; a wrong passphrase brings the form back with a message in the page's language; the
 * right one leads to the staff sign-in, and a request sent through the public form while
 * sealed is then readable by a handler. Each unseal page gets an axe-core pass, and no page may
 * request anything from another origin.
 *
 * The second pass is in Spanish, chosen by the browser's language; the staff pages in Arabic,
 * right to left, are walked through in staff-languages.test.ts.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const i18n = sharedI18n();

describe.skipIf(!chromiumAvailable)('unsealing in Chromium', () => {
  let h: Harness;
  let origin: string;
  let browser: Browser;
  let clock: RealTimeClock;
  const foreignRequests: string[] = [];

  /** Restarts the instance (so it is sealed again) and listens on a free loopback port. */
  async function startSealed(): Promise<void> {
    h = await restartHarness(h, { HAVEN_SEALED: 'true' });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    expect(h.deps.vault.sealed).toBe(true);
  }

  beforeAll(async () => {
    h = await createHarness(sqlite);
    // The browser sees real time; the harness clock follows it (form tokens, TOTP codes).
    clock = followRealTime(h.clock);
    await sealInit(h.deps, [ANA], TEST_PASSPHRASE_LIMITS);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const open = (locale: string): Promise<Page> =>
    openPage(browser, { locale, origin: () => origin, foreign: foreignRequests });

  async function audit(page: Page, label: string): Promise<void> {
    expect(await blockingViolations(browser, page, label)).toEqual([]);
  }

  /** The unseal page as it must look in `lang`: only the form, in that language. */
  async function expectUnsealPage(page: Page, lang: string): Promise<void> {
    expect(new URL(page.url()).pathname).toBe('/staff/unseal');
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.getAttribute('html', 'dir')).toBe(dirOf(lang));
    expect(await page.locator('h1').innerText()).toBe(i18n.format(lang, 'vault.unseal.title'));
    expect(await page.locator('form').count()).toBe(1);
    expect(
      await page.locator('form[action="/staff/unseal"] [name=passphrase][type=password]').count(),
    ).toBe(1);
    // No way into the workspace from here: no navigation, no other form.
    expect(await page.locator('a[href^="/staff/"]').count()).toBe(0);
  }

  /** Sends a request through the public form, as a person would, and returns its receipt. */
  async function sendRequest(page: Page, text: string): Promise<string> {
    await page.goto(`${origin}/request?lang=en`);
    return sendRequestForm(page, { text, country: 'MX', shownAt: clock.now(), clock });
  }

  it('shows only the unseal form while sealed, keeps the public form open, and unseals (English)', async () => {
    await startSealed();
    const staff = await open('en-GB');
    for (const path of ['/staff', '/staff/cases/1', '/staff/sign-in', '/staff/vault']) {
      await staff.goto(`${origin}${path}`);
      await expectUnsealPage(staff, 'en');
    }
    await audit(staff, 'unseal (en)');

    // Meanwhile a person asks for help and gets a receipt.
    const text = 'My phone was taken at the border while Haven was sealed; what should I change?';
    const pub = await open('en-GB');
    await sendRequest(pub, text);
    expect(h.deps.vault.sealed).toBe(true);

    // A wrong passphrase: the form again, with the holder kept and the message in English.
    await staff.fill('[name=holder]', ANA.name);
    await staff.fill('[name=passphrase]', 'not the passphrase at all');
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await expect.poll(() => staff.locator('.error-summary').count()).toBe(1);
    await expectUnsealPage(staff, 'en');
    expect(await staff.locator('main').innerText()).toContain(
      i18n.format('en', 'vault.error.unseal_failed'),
    );
    expect(await staff.inputValue('[name=holder]')).toBe(ANA.name);
    expect(await staff.inputValue('[name=passphrase]')).toBe('');
    await audit(staff, 'unseal with error (en)');
    expect(h.deps.vault.sealed).toBe(true);

    // The right one, after the server's one-second wait (skipped on its clock), leads to the sign-in.
    clock.skip(1_000);
    await staff.fill('[name=passphrase]', ANA.passphrase);
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await staff.waitForURL(/\/staff\/sign-in$/);
    expect(h.deps.vault.sealed).toBe(false);

    // A handler signs in and reads the request that arrived while sealed.
    const { totpSecret } = await createActiveUser(h.deps, {
      email: 'lin.handler@example.org',
      role: 'handler',
      displayName: 'Lin',
      password: 'a long and careful passphrase',
    });
    await staff.fill('[name=email]', 'lin.handler@example.org');
    await staff.fill('[name=password]', 'a long and careful passphrase');
    await staff.click('form[action="/staff/sign-in"] button[type=submit]');
    await staff.waitForURL(/second-factor/);
    await staff.fill('[name=code]', totpNow(totpSecret, clock.now()));
    await staff.click('form[action="/staff/sign-in/second-factor"] button[type=submit]');
    await staff.waitForURL((u) => u.pathname === '/staff' || u.pathname === '/staff/');
    const caseId = (
      await h.deps.db
        .selectFrom('cases')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).id;
    await staff.goto(`${origin}/staff/cases/${caseId}`);
    expect(await staff.locator('main').innerText()).toContain(text);
    // Unsealed, the unseal page sends staff on to the workspace.
    await staff.goto(`${origin}/staff/unseal`);
    expect(new URL(staff.url()).pathname).toMatch(/^\/staff\/?$/);

    await staff.context().close();
    await pub.context().close();
    expect(foreignRequests).toEqual([]);
  }, 120_000);

  it("speaks the browser's language on the unseal page (Spanish)", async () => {
    expect(STAFF_LOCALES).toContain('es');
    await startSealed();
    const staff = await open('es-ES');
    await staff.goto(`${origin}/staff/cases/1`);
    await expectUnsealPage(staff, 'es');
    await audit(staff, 'unseal (es)');

    await staff.fill('[name=holder]', ANA.name);
    await staff.fill('[name=passphrase]', 'esta no es la frase');
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await expect.poll(() => staff.locator('.error-summary').count()).toBe(1);
    await expectUnsealPage(staff, 'es');
    expect(await staff.locator('main').innerText()).toContain(
      i18n.format('es', 'vault.error.unseal_failed'),
    );
    await audit(staff, 'unseal with error (es)');

    // An empty form: each missing field is named, in Spanish.
    await staff.fill('[name=holder]', '');
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await expect
      .poll(() => staff.locator('main').innerText())
      .toContain(i18n.format('es', 'vault.error.holder_required'));
    expect(await staff.locator('main').innerText()).toContain(
      i18n.format('es', 'vault.error.passphrase_required'),
    );
    expect(h.deps.vault.sealed).toBe(true);

    // The right one, after the server's one-second wait (skipped on its clock).
    clock.skip(1_000);
    await staff.fill('[name=holder]', ANA.name);
    await staff.fill('[name=passphrase]', ANA.passphrase);
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await staff.waitForURL(/\/staff\/sign-in$/);
    expect(await staff.getAttribute('html', 'lang')).toBe('es');
    expect(h.deps.vault.sealed).toBe(false);
    await staff.context().close();

    // Asking for Arabic gets the page in Arabic, right to left (ADR 28).
    const ar = await open('ar');
    await startSealed();
    await ar.goto(`${origin}/staff/unseal?lang=ar`);
    await expectUnsealPage(ar, 'ar');
    await audit(ar, 'unseal (ar)');
    await ar.context().close();
    expect(foreignRequests).toEqual([]);
  }, 120_000);

  it('a requester follows up while sealed, in Arabic, right to left: the page says why, the message is kept and read after the unseal', async () => {
    await startSealed();
    const pub = await open('ar');
    const receipt = await sendRequest(pub, 'صادروا هاتفي على الحدود');
    await pub.goto(`${origin}/followup?lang=ar`);
    await pub.fill('[name=receipt]', receipt);
    await pub.click('form[action^="/followup"] button[type=submit]');
    await pub.waitForURL(/\/followup\/conversation/);
    expect(await pub.getAttribute('html', 'dir')).toBe('rtl');
    expect(await pub.locator('#records-locked').innerText()).toBe(
      i18n.format('ar', 'intake.conversation.locked'),
    );
    await audit(pub, 'conversation while sealed (ar)');

    const text = 'رسالة ثانية أثناء القفل: حسابي مخترق الآن';
    await pub.fill('[name=body]', text);
    await pub.click('form[action^="/followup/conversation"] button[type=submit]');
    await pub.waitForURL(/sent=1/);
    expect(await pub.locator('main').innerText()).toContain(
      i18n.format('ar', 'intake.conversation.sent'),
    );
    const stored = await h.deps.db
      .selectFrom('messages')
      .select(['body_enc', 'sealed_to_key'])
      .where('sealed_to_key', 'is not', null)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body_enc.includes(Buffer.from(text))).toBe(false);

    // After the unseal the person reads their whole conversation again.
    const staff = await open('en-GB');
    await staff.goto(`${origin}/staff/unseal`);
    await staff.fill('[name=holder]', ANA.name);
    await staff.fill('[name=passphrase]', ANA.passphrase);
    await staff.click('form[action="/staff/unseal"] button[type=submit]');
    await staff.waitForURL(/\/staff\/sign-in$/);
    await pub.goto(`${origin}/followup/conversation?lang=ar`);
    expect(await pub.locator('#records-locked').count()).toBe(0);
    expect(await pub.locator('main').innerText()).toContain(text);
    expect(await pub.locator('main').innerText()).toContain('صادروا هاتفي على الحدود');
    await pub.context().close();
    await staff.context().close();
    expect(foreignRequests).toEqual([]);
  }, 120_000);
});
