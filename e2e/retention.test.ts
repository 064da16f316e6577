import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { listTerms, termLabel } from '../src/modules/taxonomies/index.js';
import { listRules } from '../src/modules/retention/index.js';
import { STAFF_LOCALES, type MessageValues } from '../src/platform/i18n/index.js';
import { sharedI18n } from '../src/runtime.js';
import { engines } from '../test/engines.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  openPage,
  startHaven,
  type RunningHaven,
  signInStaff,
} from './support.js';

/**
 * An administrator manages the retention rules in a real Chromium with JavaScript off, in
 * English and then in Spanish: the general rules per status; a rule for one incident type
 * added, refused when its days are out of range (nothing saved), changed, switched off (its
 * cases kept, even by "Run now"), deleted through the confirmation page that names the rule
 * that governs afterwards; then "Run now" purges the case the general rule makes due. A
 * handler gets the forbidden page. One more pass at 390 px wide checks that nothing overflows
 * sideways on a phone. Every state gets an axe-core pass, and no page may request anything
 * from another origin.
 *
 * The staff surface speaks every language of STAFF_LOCALES; this walk is in two. The browser's language
 * chooses the sign-in pages'; after sign-in the account's language applies (English for a new
 * account), so the Spanish administrator picks Español on their account page, as a person would.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const i18n = sharedI18n();
const DAY = 24 * 60 * 60 * 1000;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('retention rules in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  const open = (locale: string, viewport?: { width: number; height: number }): Promise<Page> =>
    openPage(browser, { locale, viewport, origin: () => haven.origin, foreign: foreignRequests });

  async function audit(page: Page, label: string): Promise<void> {
    expect(await blockingViolations(browser, page, label)).toEqual([]);
  }

  /** A new staff member signed in through the real pages (password, then a TOTP code). */
  async function signIn(page: Page, role: 'admin' | 'handler', email: string): Promise<void> {
    const { totpSecret } = await createActiveUser(haven.harness.deps, {
      email,
      role,
      displayName: email.split('@')[0]!,
      password: PASSWORD,
    });
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
  }

  /** Clicks a submit button and returns the response to the form's POST (before any redirect). */
  async function submit(page: Page, selector: string): Promise<Response> {
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.request().frame() === page.mainFrame(),
      ),
      page.click(selector),
    ]);
    await page.waitForLoadState('domcontentloaded');
    return response;
  }

  /** A case in `status` of `incidentType`, closed `daysAgo` days ago (as if it had aged). */
  async function agedCase(status: string, incidentType: string, daysAgo: number): Promise<number> {
    const { caseId } = await submitRequest(haven.harness.deps, {
      description: 'Publicaron mi dirección y la escuela de mis hijos.',
      urgency: 'reactive',
      country: 'MX',
      language: 'es',
      contactMethod: 'none',
      contact: null,
      beneficiary: null,
    });
    await haven.harness.deps.db
      .updateTable('cases')
      .set({ status, incident_type: incidentType, closed_at: Date.now() - daysAgo * DAY })
      .where('id', '=', caseId)
      .execute();
    return caseId;
  }
  const caseRow = (id: number) =>
    haven.harness.deps.db
      .selectFrom('cases')
      .select(['purged_at', 'purge_rule'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const auditCount = async () =>
    (
      await haven.harness.deps.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', 'like', 'retention.%')
        .execute()
    ).length;

  /** The cells of each row of a status's group in the rules table, as the reader sees them. */
  async function groupRows(page: Page, statusLabel: string): Promise<string[][]> {
    const exactly = new RegExp(`^${statusLabel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const group = page
      .locator('tbody')
      .filter({ has: page.locator('th[scope=rowgroup]', { hasText: exactly }) });
    expect(await group.count()).toBe(1);
    return group
      .locator('tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim()),
        ),
      );
  }

  for (const pass of [
    {
      lang: 'en',
      browserLocale: 'en-GB',
      status: 'closed',
      type: 'harassment',
      typeName: 'Online harassment',
    },
    {
      lang: 'es',
      browserLocale: 'es-ES',
      status: 'referred',
      type: 'surveillance',
      typeName: 'Vigilancia',
    },
  ] as const) {
    it(`adds, refuses, changes, switches off and deletes a rule for one incident type, and runs retention (${pass.lang})`, async () => {
      expect(STAFF_LOCALES).toContain(pass.lang);
      const { lang, status, type } = pass;
      const t = (key: string, values?: MessageValues) => i18n.format(lang, key, values);
      const statusLabel = t(`cases.status.${status}`);
      const typeName = pass.typeName;
      // The type's label as the taxonomy gives it in this language.
      const term = (await listTerms(haven.harness.deps, 'incident_type')).find(
        (x) => x.code === type,
      )!;
      expect(termLabel(term, lang)).toBe(typeName);
      const named = t('retention.rule_named', { status: statusLabel, type: typeName });
      const general = (await listRules(haven.harness.deps)).find(
        (r) => r.status === status && r.incidentType === null,
      )!;
      expect(general.enabled).toBe(true);
      // Kept while its type rule is off; purged by the general rule once that rule is deleted.
      const due = await agedCase(status, type, general.days + 10);

      const page = await open(pass.browserLocale);
      await signIn(page, 'admin', `admin.${lang}@example.org`);
      if (lang !== 'en') {
        await page.goto(`${haven.origin}/staff/account`);
        await page.selectOption('form[action="/staff/account/language"] [name=locale]', lang);
        await submit(page, 'form[action="/staff/account/language"] button[type=submit]');
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
      }

      // The general rules, one per status, in the page's language.
      await page.goto(`${haven.origin}/staff/retention`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.locator('h1').innerText()).toBe(t('retention.title'));
      for (const rule of (await listRules(haven.harness.deps)).filter(
        (r) => r.incidentType === null,
      )) {
        const [first] = await groupRows(page, t(`cases.status.${rule.status}`));
        expect(first!.slice(0, 3)).toEqual([
          t('retention.type_any'),
          t(`retention.basis_days.${rule.basis}`, { days: rule.days }),
          rule.enabled ? t('retention.on') : t('retention.off'),
        ]);
      }
      await audit(page, `retention (${lang})`);

      // A rule for one incident type, 30 days after closure.
      const form = 'form[action="/staff/retention"]';
      await page.selectOption(`${form} [name=status]`, status);
      await page.selectOption(`${form} [name=incident_type]`, type);
      expect(await page.locator(`${form} [name=incident_type] option:checked`).innerText()).toBe(
        typeName,
      );
      await page.selectOption(`${form} [name=basis]`, 'closed_at');
      await page.fill(`${form} [name=days]`, '30');
      expect(await page.isChecked(`${form} [name=enabled]`)).toBe(true);
      expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(303);
      expect(new URL(page.url()).search).toBe('?done=saved');
      expect(await page.locator('.flash').innerText()).toBe(t('retention.done.saved'));
      let rows = await groupRows(page, statusLabel);
      expect(rows.map((r) => r.slice(0, 3))).toEqual([
        [
          t('retention.type_any'),
          t('retention.basis_days.closed_at', { days: general.days }),
          t('retention.on'),
        ],
        [typeName, t('retention.basis_days.closed_at', { days: 30 }), t('retention.on')],
      ]);
      await audit(page, `rule saved (${lang})`);

      // Days out of range: the form again (422) with the summary and the field's message; nothing saved.
      const rulesBefore = await listRules(haven.harness.deps);
      const auditsBefore = await auditCount();
      await page.selectOption(`${form} [name=status]`, status);
      await page.selectOption(`${form} [name=incident_type]`, type);
      await page.fill(`${form} [name=days]`, '3651');
      expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(422);
      expect(await page.locator('.error-summary').count()).toBe(1);
      expect(await page.locator('.error-summary h2').innerText()).toBe(
        t('common.form.error_summary'),
      );
      const summaryLink = page.locator('.error-summary a[href="#f-days"]');
      expect(await summaryLink.innerText()).toBe(
        `${t('retention.field.days')}: ${t('retention.error.days_invalid')}`,
      );
      expect(await page.locator('#e-days').innerText()).toBe(t('retention.error.days_invalid'));
      expect(await page.getAttribute('#f-days', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#f-days', 'aria-describedby')).toContain('e-days');
      // What was typed is kept, so it can be corrected.
      expect(await page.inputValue('#f-days')).toBe('3651');
      expect(await page.inputValue('#f-incident_type')).toBe(type);
      expect(await page.inputValue('#f-status')).toBe(status);
      await audit(page, `rule form with errors (${lang})`);
      // The summary's link leads to the field, without script.
      await summaryLink.click();
      expect(new URL(page.url()).hash).toBe('#f-days');
      expect(await listRules(haven.harness.deps)).toEqual(rulesBefore);
      expect(await auditCount()).toBe(auditsBefore);

      // "Change" fills the form with the rule; 45 days is saved.
      await page.goto(`${haven.origin}/staff/retention`);
      await page
        .getByRole('link', { name: t('retention.edit_named', { rule: named }), exact: true })
        .click();
      await page.waitForURL(/edit=/);
      expect(await page.inputValue('#f-days')).toBe('30');
      expect(await page.inputValue('#f-incident_type')).toBe(type);
      expect(await page.inputValue('#f-status')).toBe(status);
      await page.fill('#f-days', '45');
      expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(303);
      expect(await page.locator('.flash').innerText()).toBe(t('retention.done.saved'));
      rows = await groupRows(page, statusLabel);
      expect(rows[1]!.slice(0, 3)).toEqual([
        typeName,
        t('retention.basis_days.closed_at', { days: 45 }),
        t('retention.on'),
      ]);

      // Switched off: the rule stays, and its cases are kept.
      await page
        .getByRole('link', { name: t('retention.edit_named', { rule: named }), exact: true })
        .click();
      await page.waitForURL(/edit=/);
      await page.uncheck('#f-enabled');
      expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(303);
      rows = await groupRows(page, statusLabel);
      expect(rows[1]!.slice(0, 3)).toEqual([
        typeName,
        t('retention.basis_days.closed_at', { days: 45 }),
        t('retention.off_keeps'),
      ]);
      const off = (await listRules(haven.harness.deps)).find(
        (r) => r.status === status && r.incidentType === type,
      )!;
      expect([off.days, off.enabled]).toEqual([45, false]);
      await audit(page, `rule switched off (${lang})`);

      // "Run now" while the type rule is off: the old case of that type is kept.
      const run = 'form[action="/staff/retention/run"] button[type=submit]';
      expect(await page.locator(run).innerText()).toBe(t('retention.run'));
      expect((await submit(page, run)).status()).toBe(303);
      expect(new URL(page.url()).search).toBe('?done=ran');
      expect(await page.locator('.flash').innerText()).toBe(t('retention.done.ran'));
      expect((await caseRow(due)).purged_at).toBeNull();

      // Delete: a page says which rule then governs, and only its button deletes.
      await page
        .getByRole('link', { name: t('retention.delete_named', { rule: named }), exact: true })
        .click();
      await page.waitForURL(/\/staff\/retention\/delete\?/);
      expect(await page.locator('h1').innerText()).toBe(t('retention.delete_title'));
      const names = { status: statusLabel, type: typeName };
      const confirm = await page.locator('main').innerText();
      expect(confirm).toContain(
        t('retention.delete_which', {
          ...names,
          rule: t('retention.basis_days.closed_at', { days: 45 }),
        }),
      );
      expect(confirm).toContain(
        t('retention.delete_then_general', {
          ...names,
          rule: t('retention.basis_days.closed_at', { days: general.days }),
        }),
      );
      expect(await page.locator('main a[href="/staff/retention"]').innerText()).toBe(
        t('retention.cancel'),
      );
      await audit(page, `delete confirmation (${lang})`);
      expect((await listRules(haven.harness.deps)).some((r) => r.incidentType === type)).toBe(true);
      expect(
        (await submit(page, 'form[action="/staff/retention/delete"] button[type=submit]')).status(),
      ).toBe(303);
      expect(new URL(page.url()).search).toBe('?done=deleted');
      expect(await page.locator('.flash').innerText()).toBe(t('retention.done.deleted'));
      rows = await groupRows(page, statusLabel);
      expect(rows).toHaveLength(1);
      expect(await page.locator('table').innerText()).not.toContain(typeName);
      expect((await listRules(haven.harness.deps)).some((r) => r.incidentType === type)).toBe(
        false,
      );
      await audit(page, `rule deleted (${lang})`);

      // "Run now" again: the general rule governs the case now, and it is due.
      expect((await submit(page, run)).status()).toBe(303);
      expect(await page.locator('.flash').innerText()).toBe(t('retention.done.ran'));
      // The schedule's line names the time zone once (the formatted time carries it).
      const jobLine = await page
        .locator('main p', { hasText: t('retention.job_last_run', { when: '' }).split(':')[0]! })
        .innerText();
      expect(jobLine).toContain(t('retention.job_next_run', { when: '' }).split(':')[0]!);
      expect(jobLine.match(/UTC/g)).toHaveLength(2);
      const purged = await caseRow(due);
      expect(purged.purged_at).not.toBeNull();
      expect(purged.purge_rule).toBe(`retention:${status}:${general.days}d`);
      await audit(page, `retention ran (${lang})`);
      await page.context().close();

      // A handler is refused, in the page's language, and has no way there.
      const handler = await open(pass.browserLocale);
      await signIn(handler, 'handler', `handler.${lang}@example.org`);
      const forbidden = await handler.goto(`${haven.origin}/staff/retention?lang=${lang}`);
      expect(forbidden?.status()).toBe(403);
      expect(await handler.getAttribute('html', 'lang')).toBe(lang);
      expect(await handler.locator('h1').innerText()).toBe(t('common.error.title'));
      expect(await handler.locator('main').innerText()).toContain(t('common.error.forbidden'));
      expect(await handler.locator('main').innerText()).not.toContain(t('retention.intro'));
      await audit(handler, `retention forbidden (${lang})`);
      await handler.goto(`${haven.origin}/staff/account`);
      expect(await handler.locator('a[href="/staff/retention"]').count()).toBe(0);
      await handler.context().close();

      expect(foreignRequests).toEqual([]);
    }, 120_000);
  }

  const PHONE = { width: 390, height: 844 };

  /** The page's width against the viewport's, measured by the test (the page itself runs no script). */
  const pageWidth = (page: Page) =>
    page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));

  /** Elements outside the rules table whose right edge passes the viewport's. */
  const overflowingOutsideTable = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.body.querySelectorAll('*')]
        .filter((el) => !el.closest('table') && el.getBoundingClientRect().right > width + 0.5)
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`,
        );
    });

  it('fits a phone at 390 px: everything but the rules table, the form with errors and the delete confirmation', async () => {
    const page = await open('en-GB', PHONE);
    await signIn(page, 'admin', 'admin.phone@example.org');
    await page.goto(`${haven.origin}/staff/retention`);
    const form = 'form[action="/staff/retention"]';
    await page.selectOption(`${form} [name=status]`, 'closed');
    await page.selectOption(`${form} [name=incident_type]`, 'device_suspicious');
    await page.fill(`${form} [name=days]`, '30');
    await submit(page, `${form} button[type=submit]`);
    expect(await page.locator('.flash').count()).toBe(1);
    await page.screenshot({ path: '/tmp/haven-retention-390.png', fullPage: true });
    expect((await pageWidth(page)).client).toBe(PHONE.width);
    expect(await overflowingOutsideTable(page)).toEqual([]);
    await audit(page, 'retention at 390 px');

    await page.fill(`${form} [name=days]`, '0');
    expect((await submit(page, `${form} button[type=submit]`)).status()).toBe(422);
    await page.screenshot({ path: '/tmp/haven-retention-errors-390.png', fullPage: true });
    expect(await overflowingOutsideTable(page)).toEqual([]);
    await audit(page, 'retention with errors at 390 px');

    await page.goto(`${haven.origin}/staff/retention/delete?status=closed&type=device_suspicious`);
    const { scroll, client } = await pageWidth(page);
    expect(scroll, 'the delete confirmation is wider than a 390 px screen').toBeLessThanOrEqual(
      client,
    );
    await audit(page, 'delete confirmation at 390 px');
    await page.context().close();
    expect(foreignRequests).toEqual([]);
  }, 60_000);

  // The rules table's six columns need 440-480 px: it scrolls inside its own focusable box
  // (TableScroll), so the page itself never scrolls sideways on a phone.
  it('does not make the page scroll sideways at 390 px because of the rules table', async () => {
    const page = await open('en-GB', PHONE);
    try {
      await signIn(page, 'admin', 'admin.phone.table@example.org');
      await page.goto(`${haven.origin}/staff/retention`);
      const { scroll, client } = await pageWidth(page);
      expect(scroll, 'the retention page is wider than a 390 px screen').toBeLessThanOrEqual(
        client,
      );
      // The table scrolls in a named region a keyboard can reach.
      expect(await page.locator('.table-scroll[role=region][tabindex="0"] table').count()).toBe(1);
      await audit(page, 'retention with its table box at 390 px');
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
