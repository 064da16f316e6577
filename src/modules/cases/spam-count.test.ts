import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';

// The number in the staff bar's suspected-spam link: how many cases wait for a decision there.
// It follows a case flagged by intake, cleared ("not spam") and marked as spam, on every staff
// page, in the person's language; people who may not open the queue see neither link nor number.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the suspected-spam count in the staff bar on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
      auditor = await staffMember(h.deps, 'auditor');
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: [string, string][]) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString(),
      });
    /**
     * The text of the bar's link to the suspected-spam view on `url`, or null when the bar has
     * none (`?lang=es` for Spanish: the fixtures' own language is English).
     */
    const spamLink = async (who: StaffFixture, url = '/staff') => {
      const res = await get(who, url);
      expect(res.statusCode, url).toBe(200);
      const header = /<header class="bar">([\s\S]*?)<\/header>/.exec(res.body)?.[1] ?? '';
      return /<a href="\/staff\?view=spam"[^>]*>([^<]*)<\/a>/.exec(header)?.[1] ?? null;
    };
    /** A request as intake saves one it suspects (sent too fast). */
    const flagged = async () => {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db
        .updateTable('cases')
        .set({ suspected_spam: 1, spam_reason: 'too_fast' })
        .where('id', '=', caseId)
        .execute();
      return caseId;
    };

    it('counts the cases waiting in the suspected-spam queue, and follows them as they are flagged and decided', async () => {
      await newRequest(h.deps);
      expect(await spamLink(handler)).toBe('Suspected spam (0)');
      const first = await flagged();
      const second = await flagged();
      expect(await spamLink(handler)).toBe('Suspected spam (2)');
      // On every staff page, not the queue alone.
      expect(await spamLink(handler, '/staff/account')).toBe('Suspected spam (2)');
      expect(await spamLink(coordinator, '/staff?view=spam')).toBe('Suspected spam (2)');

      // Cleared: back to the main queue.
      expect((await post(handler, `/staff/cases/${first}/not-spam`, [])).statusCode).toBe(303);
      expect(await spamLink(handler)).toBe('Suspected spam (1)');
      // Marked as spam: decided, so no longer waiting, though the view still lists it.
      expect((await post(coordinator, '/staff/cases/mark-spam', [['case', String(second)]])).statusCode).toBe(303);
      expect(await spamLink(handler)).toBe('Suspected spam (0)');
      await flagged();
      expect(await spamLink(handler)).toBe('Suspected spam (1)');
    });

    it('shows the number in the person’s language', async () => {
      const n = await h.deps.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('suspected_spam', '=', 1)
        .where('status', 'in', ['new', 'vetting', 'open', 'waiting'])
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBeGreaterThan(0);
      expect(await spamLink(handler, '/staff?lang=es')).toBe(`Posible spam (${Number(n.n)})`);
    });

    it('shows "999+" above 999 cases', async () => {
      const ids = await Promise.all(Array.from({ length: 10 }, () => newRequest(h.deps)));
      // Many more suspected cases, cheaply: copies of one flagged case's row.
      const row = await h.deps.db.selectFrom('cases').selectAll().where('id', '=', ids[0]!.caseId).executeTakeFirstOrThrow();
      const { id: _id, ...rest } = row;
      const copies = Array.from({ length: 1000 }, (_, i) => ({ ...rest, receipt_hash: `copy-${i}`, suspected_spam: 1, spam_reason: 'too_fast' }));
      for (let i = 0; i < copies.length; i += 200) await h.deps.db.insertInto('cases').values(copies.slice(i, i + 200)).execute();
      expect(await spamLink(handler)).toBe('Suspected spam (999+)');
      expect(await spamLink(handler, '/staff?lang=es')).toBe('Posible spam (999+)');
    });

    it('shows no count, nor the link, to those who may not open the suspected-spam view', async () => {
      const page = await get(auditor, '/staff/audit');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('view=spam');
      expect(page.body).not.toContain('Suspected spam');
      expect(page.body).not.toMatch(/\(\d+\+?\)<\/a>/);
    });
  });
}
