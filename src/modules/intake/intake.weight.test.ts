import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { PUBLIC_LOCALES } from '../../platform/i18n/index.js';
import { caseIdForReceipt } from '../cases/index.js';
import { LOGO_MAX_BYTES } from '../settings/logo.js';
import { setLargestIdentity } from '../settings/settings.test-helpers.js';
import {
  addStaffMessage,
  postForm,
  signInWithReceipt,
  submit,
  tokenIn,
  validRequest,
} from './intake.test-helpers.js';

// The page-weight budget: each public page, HTML plus its one stylesheet, at most 30 KB, for a
// person on a slow, expensive or censored link. Page sizes do not depend on the database
// engine, so this runs on SQLite only.

const BUDGET = 30 * 1024;

describe('public page weight', () => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await createHarness(engines[0]!);
    // A realistic conversation: a request of a few paragraphs, a reply, a follow-up message.
    const receipt = await submit(h, {
      description:
        'Since Monday our Signal group has been receiving messages from an account that pretends to be our coordinator. '.repeat(
          6,
        ),
    });
    await addStaffMessage(
      h,
      (await caseIdForReceipt(h.deps, receipt))!,
      'reply',
      'Thank you for writing. Please do not click any link in those messages. '.repeat(5),
    );
    ({ cookie } = await signInWithReceipt(h, receipt));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps every page, in every language, within 30 KB with its stylesheet, script-free and with lang and dir', async () => {
    const pages: Record<string, (lang: string) => Promise<string>> = {
      landing: async (l) => (await h.app.inject({ url: `/?lang=${l}` })).body,
      form: async (l) => (await h.app.inject({ url: `/request?lang=${l}` })).body,
      'form with errors': async (l) =>
        (
          await postForm(h, `/request?lang=${l}`, {
            ...(await validRequest(h)),
            description: '',
            urgency: '',
            contact: 'x',
            consent: '',
          })
        ).body,
      receipt: async (l) => (await postForm(h, `/request?lang=${l}`, await validRequest(h))).body,
      'follow-up': async (l) => (await h.app.inject({ url: `/followup?lang=${l}` })).body,
      'follow-up, wrong code': async (l) => {
        const page = await h.app.inject({ url: `/followup?lang=${l}` });
        const res = await postForm(h, `/followup?lang=${l}`, {
          _csrf: tokenIn(page.body),
          receipt: 'nope',
        });
        expect(res.statusCode).toBe(422);
        return res.body;
      },
      conversation: async (l) =>
        (await h.app.inject({ url: `/followup/conversation?lang=${l}`, headers: { cookie } })).body,
    };
    const landing = await h.app.inject({ url: '/' });
    const cssUrl = /<link rel="stylesheet" href="([^"]+)"/.exec(landing.body)![1]!;
    const css = await h.app.inject({ url: cssUrl });
    expect(css.statusCode).toBe(200);
    const cssBytes = css.rawPayload.length;

    const rows: string[] = [`stylesheet: ${cssBytes} bytes`];
    let heaviest = 0;
    for (const [name, get] of Object.entries(pages)) {
      const sizes: string[] = [];
      for (const lang of PUBLIC_LOCALES) {
        const html = await get(lang);
        expect(html, `${name} ${lang}`).toContain(
          `<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`,
        );
        expect(html, `${name} ${lang}`).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
        const total = Buffer.byteLength(html) + cssBytes;
        heaviest = Math.max(heaviest, total);
        sizes.push(`${lang} ${total}`);
        expect(total, `${name} in ${lang}: ${total} bytes`).toBeLessThanOrEqual(BUDGET);
      }
      rows.push(`${name}: ${sizes.join(', ')}`);
    }
    // eslint-disable-next-line no-console -- the weights are worth seeing in the test output
    console.log(
      `public page weights, HTML + CSS, bytes (budget ${BUDGET}, heaviest ${heaviest}):\n  ${rows.join('\n  ')}`,
    );
  });
});

// The same budget with the organisation's identity at its largest (settings module, ADR 27):
// the longest name, description, landing text and emergency advice in every language, the
// other ways to reach it, and a logo of the largest size allowed, counted on every page that
// shows it (HTML + stylesheet + logo). The request form, the heaviest page, shows the name only.
describe('public page weight with the organisation’s identity set', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engines[0]!);
    await setLargestIdentity(h.deps);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps every page, in every language, within 30 KB with its stylesheet and logo', async () => {
    const landing = await h.app.inject({ url: '/' });
    const cssUrl = /<link rel="stylesheet" href="([^"]+)"/.exec(landing.body)![1]!;
    const logoUrl = /<img class="logo" src="([^"]+)"/.exec(landing.body)![1]!;
    const cssBytes = (await h.app.inject({ url: cssUrl })).rawPayload.length;
    const logoBytes = (await h.app.inject({ url: logoUrl })).rawPayload.length;
    expect(logoBytes).toBeGreaterThan(LOGO_MAX_BYTES - 100);
    const pages: Record<string, (lang: string) => Promise<string>> = {
      landing: async (l) => (await h.app.inject({ url: `/?lang=${l}` })).body,
      form: async (l) => (await h.app.inject({ url: `/request?lang=${l}` })).body,
      'form with errors': async (l) =>
        (await postForm(h, `/request?lang=${l}`, { ...(await validRequest(h)), description: '', urgency: '', contact: 'x', consent: '' })).body,
      receipt: async (l) => (await postForm(h, `/request?lang=${l}`, await validRequest(h))).body,
      'follow-up': async (l) => (await h.app.inject({ url: `/followup?lang=${l}` })).body,
    };
    const rows: string[] = [`stylesheet: ${cssBytes} bytes, logo: ${logoBytes} bytes`];
    for (const [name, get] of Object.entries(pages)) {
      const sizes: string[] = [];
      for (const lang of PUBLIC_LOCALES) {
        const html = await get(lang);
        const form = name.startsWith('form');
        expect(html, `${name} ${lang}`).toContain('<bdi>');
        expect(html.includes(`src="${logoUrl}"`), `${name} ${lang}`).toBe(!form);
        expect(html, `${name} ${lang}`).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
        if (name === 'landing') expect(html).toContain('class="emergency"');
        const total = Buffer.byteLength(html) + cssBytes + (form ? 0 : logoBytes);
        sizes.push(`${lang} ${total}`);
        expect(total, `${name} in ${lang} with the identity set: ${total} bytes`).toBeLessThanOrEqual(BUDGET);
      }
      rows.push(`${name}: ${sizes.join(', ')}`);
    }
    // eslint-disable-next-line no-console -- the weights are worth seeing in the test output
    console.log(`public page weights with the organisation's identity, HTML + CSS + logo, bytes:\n  ${rows.join('\n  ')}`);
  });
});
