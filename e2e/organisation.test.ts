import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { PUBLIC_KEY } from '../src/modules/settings/settings.test-helpers.js';
import { sharedI18n } from '../src/runtime.js';
import { engines } from '../test/engines.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  openPage,
  signInStaff,
  startHaven,
  type RunningHaven,
} from './support.js';

/**
 * An administrator sets the organisation's identity in a real Chromium with JavaScript off: its
 * name, its start-page text and emergency advice in English and Arabic, its onion address and
 * Signal number, then its logo (an SVG carrying a script, which is cleaned away). The public
 * start page then shows them, in English and in Arabic (right to left), at 1280 and 390 px:
 * the name in the title and header, the logo, the advice for someone in danger first, the
 * texts in their own language and direction. Every page gets an axe-core pass, nothing
 * overflows sideways on a phone, and no page requests anything from another origin. With
 * HAVEN_SCREENSHOTS set to a folder, each state is saved there.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const i18n = sharedI18n();
const PASSWORD = 'a long and careful passphrase';
const NAME = 'Línea Segura';
const ONION = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx';
const LANDING_EN = 'We are a digital-security helpline for activists, journalists and human rights defenders.\n\nWe answer every request within two hours, day and night.';
const LANDING_AR = 'نحن خط مساعدة للأمن الرقمي للناشطين والصحفيين والمدافعين عن حقوق الإنسان.\n\nنرد على كل طلب خلال ساعتين، ليلًا ونهارًا.';
const EMERGENCY_EN = 'If you are in physical danger now, leave for a safe place first and call someone you trust.';
const EMERGENCY_AR = 'إذا كنت في خطر جسدي الآن، فاذهب أولًا إلى مكان آمن واتصل بشخص تثق به.';
const LOGO = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" onload="fetch(\'https://evil.example/\')">' +
    '<script>fetch("https://evil.example/")</script><circle cx="20" cy="20" r="18" fill="#0b5d4a"/>' +
    '<path d="M12 20h16M20 12v16" stroke="#fff" stroke-width="4"/><image href="https://evil.example/pixel.png"/></svg>',
);

describe.skipIf(!chromiumAvailable)('the organisation’s identity in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;
  const foreignRequests: string[] = [];
  const shots = process.env.HAVEN_SCREENSHOTS;

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
    if (shots) mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  const open = (locale: string, width = 1280): Promise<Page> =>
    openPage(browser, { locale, viewport: { width, height: 900 }, origin: () => haven.origin, foreign: foreignRequests });

  async function check(page: Page, label: string): Promise<void> {
    expect(await blockingViolations(browser, page, label)).toEqual([]);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${label} overflows`).toBe(true);
    if (shots) await page.screenshot({ path: join(shots, `${label.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  }

  /** Clicks a submit button and returns the response to the form's POST (before any redirect). */
  async function submit(page: Page, selector: string): Promise<Response> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().frame() === page.mainFrame()),
      page.click(selector),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return response;
  }

  it('an administrator sets the name, texts, other ways to reach it and the logo, with JavaScript off', async () => {
    const email = 'admin.identity@example.org';
    const { totpSecret } = await createActiveUser(haven.harness.deps, { email, role: 'admin', displayName: 'Amina', password: PASSWORD });
    const page = await open('en-GB');
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
    await page.goto(`${haven.origin}/staff/settings`);
    expect(await page.locator('h1').innerText()).toBe(i18n.format('en', 'settings.title'));
    await check(page, 'settings-empty-1280');

    // A mistake first: refused with a message next to the field, nothing saved.
    const form = 'form[action="/staff/settings"]';
    await page.fill(`${form} [name=onion_address]`, 'example.onion');
    expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(422);
    expect(await page.locator('#e-onion_address').innerText()).toBe(i18n.format('en', 'settings.error.onion_invalid'));
    await check(page, 'settings-refused-1280');

    await page.fill(`${form} [name=name]`, NAME);
    await page.fill(`${form} [name=onion_address]`, `${ONION}.onion`);
    await page.fill(`${form} [name=signal_number]`, '+44 7700 900123');
    await page.fill(`${form} [name=pgp_key]`, PUBLIC_KEY);
    await page.fill(`${form} [name=landing_en]`, LANDING_EN);
    await page.fill(`${form} [name=emergency_en]`, EMERGENCY_EN);
    await page.fill(`${form} [name=landing_ar]`, LANDING_AR);
    await page.fill(`${form} [name=emergency_ar]`, EMERGENCY_AR);
    await page.fill(`${form} [name=description_ar]`, 'خط مساعدة للأمن الرقمي');
    expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(303);
    expect(await page.locator('.flash, [role=status]').first().innerText()).toContain(i18n.format('en', 'settings.done.saved'));
    expect(await page.inputValue(`${form} [name=name]`)).toBe(NAME);

    await page.setInputFiles('[name=logo]', { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: LOGO });
    expect((await submit(page, 'form[action="/staff/settings/logo"] button[type=submit]')).status()).toBe(303);
    const preview = page.locator('img.logo-preview');
    expect(await preview.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    await check(page, 'settings-saved-1280');

    await page.context().close();
  }, 60_000);

  for (const width of [390, 1280]) {
    it(`the settings page shows what was saved at ${width} px, and in Arabic, right to left`, async () => {
      const email = `admin.identity.${width}@example.org`;
      const { totpSecret } = await createActiveUser(haven.harness.deps, { email, role: 'admin', displayName: 'Amina', password: PASSWORD });
      const page = await open('en-GB', width);
      await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
      await page.goto(`${haven.origin}/staff/settings`);
      expect(await page.inputValue('[name=name]')).toBe(NAME);
      if (width === 390) await check(page, 'settings-saved-390');
      await page.goto(`${haven.origin}/staff/settings?lang=ar`);
      expect(await page.getAttribute('html', 'dir')).toBe('rtl');
      expect(await page.locator('h1').innerText()).toBe(i18n.format('ar', 'settings.title'));
      // Each text in its own direction, whatever the page's.
      expect(await page.locator('[name=landing_en]').evaluate((t) => getComputedStyle(t).direction)).toBe('ltr');
      expect(await page.locator('[name=landing_ar]').evaluate((t) => getComputedStyle(t).direction)).toBe('rtl');
      await check(page, `settings-ar-${width}`);
      await page.context().close();
    }, 60_000);
  }

  for (const pass of [
    { lang: 'en', browserLocale: 'en-GB', dir: 'ltr', landing: LANDING_EN, emergency: EMERGENCY_EN },
    { lang: 'ar', browserLocale: 'ar', dir: 'rtl', landing: LANDING_AR, emergency: EMERGENCY_AR },
  ] as const) {
    for (const width of [1280, 390]) {
      it(`the public start page shows them in ${pass.lang} at ${width} px`, async () => {
        const page = await open(pass.browserLocale, width);
        await page.goto(`${haven.origin}/`);
        expect(await page.getAttribute('html', 'lang')).toBe(pass.lang);
        expect(await page.getAttribute('html', 'dir')).toBe(pass.dir);
        expect(await page.title()).toBe(`${i18n.format(pass.lang, 'intake.landing.title')} · \u2068${NAME}\u2069`);
        expect(await page.locator('header.site .brand').innerText()).toBe(NAME);
        const logo = page.locator('header.site .brand img');
        expect(await logo.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
        // The advice for someone in danger comes first, under the heading.
        const emergency = page.locator('section.emergency');
        expect(await emergency.locator('h2').innerText()).toBe(i18n.format(pass.lang, 'settings.public.emergency_title'));
        expect(await emergency.locator('p').innerText()).toBe(pass.emergency);
        const firstAfterHeading = await page.evaluate(() => document.querySelector('main h1')!.nextElementSibling!.className);
        expect(firstAfterHeading).toBe('emergency');
        // The landing text, paragraph by paragraph, in its language and direction.
        const paragraphs = page.locator(`main > p[lang="${pass.lang}"]:not(.lead)`);
        expect(await paragraphs.allInnerTexts()).toEqual(pass.landing.split('\n\n'));
        expect(await paragraphs.first().evaluate((p) => getComputedStyle(p).direction)).toBe(pass.dir);
        expect(await page.locator('.reach a.address').innerText()).toBe(`http://${ONION}.onion/`);
        expect(await page.locator('.reach bdi.address').allInnerTexts()).toEqual(['+44 7700 900123', 'CFA4 E784 3E2D D08C 3F09 DD7E 5FC9 32B5 97D3 09CA']);
        // The key opens as text to copy or save.
        const key = await page.request.get(`${haven.origin}${await page.locator('.reach a[href$=".asc"]').getAttribute('href')}`);
        expect(await key.text()).toBe(`${PUBLIC_KEY}\n`);
        await check(page, `landing-${pass.lang}-${width}`);
        await page.context().close();
      });
    }
  }

  it('the logo is served cleaned, with nothing in it that runs or loads', async () => {
    const page = await open('en-GB');
    await page.goto(`${haven.origin}/`);
    const src = await page.locator('header.site .brand img').getAttribute('src');
    const res = await page.request.get(`${haven.origin}${src}`);
    expect(res.headers()['content-security-policy']).toBe("default-src 'none'; sandbox");
    const body = await res.text();
    expect(body).not.toMatch(/script|onload|evil|image/);
    await page.context().close();
    expect(foreignRequests).toEqual([]);
  });
});
