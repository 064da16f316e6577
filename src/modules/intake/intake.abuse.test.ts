import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { caseIdForReceipt } from '../cases/index.js';
import { budgetWindowStart, HONEYPOT_FIELD, reissueTime, suspicion } from './intake.abuse.js';
import {
  postForm,
  receiptIn,
  signInWithReceipt,
  tokenIn,
  validRequest,
} from './intake.test-helpers.js';

describe('suspicion (pure)', () => {
  const base = { honeypot: '', issuedAt: 1_000_000, now: 1_000_000 + 10_000, minFillMs: 3_000 };
  it('lets a form filled at a person’s pace through', () => {
    expect(suspicion(base)).toBeNull();
  });
  it('flags a filled honeypot, even with whitespace around it, before the fill time', () => {
    expect(suspicion({ ...base, honeypot: ' http://x ' })).toBe('honeypot');
    expect(suspicion({ ...base, honeypot: 'x', now: base.issuedAt })).toBe('honeypot');
  });
  it('flags a form sent sooner than the minimum fill time; 0 turns the check off', () => {
    expect(suspicion({ ...base, now: base.issuedAt + 2_999 })).toBe('too_fast');
    expect(suspicion({ ...base, now: base.issuedAt + 3_000 })).toBeNull();
    expect(suspicion({ ...base, now: base.issuedAt, minFillMs: 0 })).toBeNull();
  });
  it('dates a re-issued form at most the fill time ago, and never later than now', () => {
    expect(reissueTime(0, 100_000, 3_000)).toBe(97_000);
    expect(reissueTime(99_000, 100_000, 3_000)).toBe(99_000);
    expect(reissueTime(200_000, 100_000, 3_000)).toBe(100_000);
  });
  it('keeps a sliding hour of whole minutes', () => {
    const now = Date.UTC(2026, 10, 22, 9, 30, 15);
    expect(budgetWindowStart(now)).toBe(Date.UTC(2026, 10, 22, 8, 31, 0));
  });
});

/** The receipt page with the code taken out: what stays the same for every request. */
function receiptShape(html: string): string {
  receiptIn(html); // there is one
  // Each of the code's letters and digits, wherever its groups are.
  return html.replace(/(<p id="receipt"[^>]*>)([\s\S]*?)(<\/p>)/, (_m, open: string, code: string, close: string) =>
    open + code.replace(/(^|>)[0-9A-Z]+/g, '$1X') + close,
  );
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`intake under attack on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine, {
        INTAKE_BUDGET_PER_HOUR: '3',
        INTAKE_MIN_FILL_SECONDS: '3',
      });
    });
    afterAll(async () => {
      await h?.close();
    });

    async function flagOf(receipt: string) {
      const id = (await caseIdForReceipt(h.deps, receipt))!;
      return h.deps.db
        .selectFrom('cases')
        .select(['suspected_spam', 'spam_reason', 'status'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }
    async function send(fields: Record<string, string>) {
      const res = await postForm(h, '/request', fields);
      expect(res.statusCode, res.body).toBe(201);
      return res;
    }
    async function clearBudget() {
      await h.deps.db.deleteFrom('rate_counts').where('name', '=', 'intake.accepted').execute();
    }

    it('shows a honeypot that is off-screen, out of the tab order, unfilled and labelled', async () => {
      const page = await h.app.inject({ url: '/request?lang=es' });
      const m = new RegExp(
        `<div class="hp"><label for="${HONEYPOT_FIELD}">([^<]+)</label><input ([^>]+)>`,
      ).exec(page.body);
      expect(m, page.body).not.toBeNull();
      expect(m![1]).toBe('Deja este campo vacío');
      expect(m![2]).toContain('tabindex="-1"');
      expect(m![2]).toContain('autocomplete="off"');
      expect(m![2]).not.toMatch(/value="[^"]/);
      expect(m![2]).not.toMatch(/aria-hidden|required/);
    });

    it('saves a form sent at a person’s pace in the main queue', async () => {
      await clearBudget();
      const res = await send(await validRequest(h));
      expect(await flagOf(receiptIn(res.body))).toEqual({
        suspected_spam: 0,
        spam_reason: null,
        status: 'new',
      });
    });

    it('saves a form sent too fast, flagged, with the same receipt page', async () => {
      await clearBudget();
      const normal = await send(await validRequest(h));
      const fields = await validRequest(h);
      const page = await h.app.inject({ url: '/request' });
      h.clock.advance(2_000);
      const fast = await send({ ...fields, _csrf: tokenIn(page.body) });
      expect(await flagOf(receiptIn(fast.body))).toEqual({
        suspected_spam: 1,
        spam_reason: 'too_fast',
        status: 'new',
      });
      expect(receiptShape(fast.body)).toBe(receiptShape(normal.body));
      expect(fast.headers['cache-control']).toBe(normal.headers['cache-control']);
    });

    it('saves a form with the honeypot filled, flagged, with the same receipt page', async () => {
      await clearBudget();
      const normal = await send(await validRequest(h));
      const bot = await send(await validRequest(h, { [HONEYPOT_FIELD]: 'https://spam.example' }));
      expect(await flagOf(receiptIn(bot.body))).toMatchObject({
        suspected_spam: 1,
        spam_reason: 'honeypot',
      });
      expect(receiptShape(bot.body)).toBe(receiptShape(normal.body));
    });

    it('flags requests beyond the hourly budget, and accepts again once the hour has slid on', async () => {
      await clearBudget();
      const receipts: string[] = [];
      for (let i = 0; i < 5; i++)
        receipts.push(receiptIn((await send(await validRequest(h))).body));
      const flags = await Promise.all(receipts.map(flagOf));
      expect(flags.map((f) => f.spam_reason)).toEqual([
        null,
        null,
        null,
        'over_budget',
        'over_budget',
      ]);
      // Flagged requests took no place in the budget; an hour later it has room again.
      h.clock.advance(60 * 60_000);
      const later = await send(await validRequest(h));
      expect((await flagOf(receiptIn(later.body))).suspected_spam).toBe(0);
    });

    it('does not let honeypot robots use up the budget', async () => {
      await clearBudget();
      for (let i = 0; i < 5; i++) await send(await validRequest(h, { [HONEYPOT_FIELD]: 'x' }));
      const person = await send(await validRequest(h));
      expect((await flagOf(receiptIn(person.body))).suspected_spam).toBe(0);
    });

    it('counts the time spent before a correction, so fixing one answer quickly is not too fast', async () => {
      await clearBudget();
      const fields = await validRequest(h, { consent: '' });
      const wrong = await postForm(h, '/request', fields);
      expect(wrong.statusCode).toBe(422);
      h.clock.advance(1_000);
      const fixed = await send({ ...fields, _csrf: tokenIn(wrong.body), consent: 'yes' });
      expect((await flagOf(receiptIn(fixed.body))).suspected_spam).toBe(0);
      // A robot that sent the first copy at once still waits out the rest of the fill time.
      const page = await h.app.inject({ url: '/request' });
      const first = await postForm(h, '/request', { ...fields, _csrf: tokenIn(page.body) });
      expect(first.statusCode).toBe(422);
      const again = await send({ ...fields, _csrf: tokenIn(first.body), consent: 'yes' });
      expect((await flagOf(receiptIn(again.body))).spam_reason).toBe('too_fast');
    });

    it('still refuses a second copy of the same form, flagged or not', async () => {
      await clearBudget();
      const fields = await validRequest(h, { [HONEYPOT_FIELD]: 'x' });
      await send(fields);
      expect((await postForm(h, '/request', fields)).statusCode).toBe(409);
    });

    it('brings a case marked as spam back to the suspected queue when its requester writes again', async () => {
      await clearBudget();
      const bot = await send(await validRequest(h, { [HONEYPOT_FIELD]: 'x' }));
      const receipt = receiptIn(bot.body);
      const id = (await caseIdForReceipt(h.deps, receipt))!;
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'spam', closed_at: h.clock.now() })
        .where('id', '=', id)
        .execute();
      const { cookie, csrf, html } = await signInWithReceipt(h, receipt);
      // The requester is never told: a case marked as spam reads as received.
      expect(html).toContain('Received, waiting for a first answer');
      const res = await postForm(
        h,
        '/followup/conversation',
        { _csrf: csrf, body: 'Please, this is real.' },
        { cookie },
      );
      expect(res.statusCode).toBe(303);
      expect(await flagOf(receipt)).toEqual({
        suspected_spam: 1,
        spam_reason: 'honeypot',
        status: 'new',
      });
    });

    it('audits the flag with its reason and nothing of the request', async () => {
      await clearBudget();
      const bot = await send(await validRequest(h, { [HONEYPOT_FIELD]: 'x' }));
      const id = (await caseIdForReceipt(h.deps, receiptIn(bot.body)))!;
      const rows = await h.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('case_id', '=', id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.action)).toEqual(['case.created', 'case.flagged_spam']);
      expect(JSON.parse(rows[1]!.detail!)).toEqual({ reason: 'honeypot' });
    });
  });
}
