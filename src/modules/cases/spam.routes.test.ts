import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { requesterView } from './requester.service.js';

// The suspected-spam queue on the staff side: hidden from the main queue, shown in its own
// view, marked as spam in bulk by leads, moved back by anyone who works the queue. Audited.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`suspected spam (staff) on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) =>
      h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: [string, string][], csrf = true) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([
          ...(csrf ? [['_csrf', who.csrf]] : []),
          ...fields,
        ]).toString(),
      });
    const row = (id: number) =>
      h.deps.db
        .selectFrom('cases')
        .select(['status', 'suspected_spam', 'spam_reason', 'closed_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const link = (id: number) => `href="/staff/cases/${id}"`;
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

    it('keeps suspected spam out of the main queue and lists it in its own view with its reason', async () => {
      const real = (await newRequest(h.deps)).caseId;
      const bot = await flagged();
      const main = await get(handler, '/staff');
      expect(main.statusCode).toBe(200);
      expect(main.body).toContain(link(real));
      expect(main.body).not.toContain(link(bot));
      expect(main.body).toContain('href="/staff?view=spam"');
      const spam = await get(handler, '/staff?view=spam');
      expect(spam.statusCode).toBe(200);
      expect(spam.body).toContain(link(bot));
      expect(spam.body).not.toContain(link(real));
      expect(spam.body).toContain('Sent too fast');
      // A handler may move a case back but not mark spam: no checkboxes, no bulk button.
      expect(spam.body).not.toContain('name="case"');
      expect(spam.body).toContain(`formaction="/staff/cases/${bot}/not-spam"`);
      const lead = await get(coordinator, '/staff?view=spam');
      expect(lead.body).toContain(`name="case" value="${bot}"`);
      expect(lead.body).toContain('action="/staff/cases/mark-spam"');
      // The API's queue follows the same rule.
      const api = await h.app.inject({
        url: '/api/v1/cases',
        headers: { authorization: handler.bearer },
      });
      const ids = (api.json() as { data: { id: number }[] }).data.map((c) => c.id);
      expect(ids).toContain(real);
      expect(ids).not.toContain(bot);
    });

    it('marks several cases as spam in one POST for a coordinator, skipping unknown and moved-on ones', async () => {
      const a = await flagged();
      const b = await flagged();
      const working = (await newRequest(h.deps)).caseId;
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'open' })
        .where('id', '=', working)
        .execute();
      const res = await post(coordinator, '/staff/cases/mark-spam', [
        ['case', String(a)],
        ['case', String(b)],
        ['case', String(working)],
        ['case', '999999'],
      ]);
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff?view=spam&done=marked_spam&count=2');
      for (const id of [a, b]) {
        expect(await row(id)).toEqual({
          status: 'spam',
          suspected_spam: 1,
          spam_reason: 'too_fast',
          closed_at: h.clock.now(),
        });
      }
      expect((await row(working)).status).toBe('open');
      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'detail'])
        .where('case_id', '=', a)
        .where('action', '=', 'case.status_changed')
        .execute();
      expect(audit).toEqual([
        {
          action: 'case.status_changed',
          actor_id: coordinator.id,
          detail: JSON.stringify({ from: 'new', to: 'spam' }),
        },
      ]);
      const page = await get(coordinator, res.headers.location as string);
      expect(page.body).toContain('2 requests marked as spam.');
      // Marked spam stays in the spam view (until retention deletes it), never in the main queue.
      expect(page.body).toContain(link(a));
      expect((await get(coordinator, '/staff?status=spam')).body).not.toContain(link(a));
    });

    it('refuses a handler (403), a missing CSRF token (403) and a malformed id (422), changing nothing', async () => {
      const id = await flagged();
      expect(
        (await post(handler, '/staff/cases/mark-spam', [['case', String(id)]])).statusCode,
      ).toBe(403);
      expect(
        (await post(coordinator, '/staff/cases/mark-spam', [['case', String(id)]], false))
          .statusCode,
      ).toBe(403);
      expect(
        (
          await post(coordinator, '/staff/cases/mark-spam', [
            ['case', String(id)],
            ['case', '1; drop'],
          ])
        ).statusCode,
      ).toBe(422);
      expect((await row(id)).status).toBe('new');
      const none = await post(coordinator, '/staff/cases/mark-spam', []);
      expect(none.statusCode).toBe(303);
      expect(none.headers.location).toContain('count=0');
    });

    it('moves a suspected case, or one marked as spam, back to the main queue on "not spam"', async () => {
      const suspected = await flagged();
      const res = await post(handler, `/staff/cases/${suspected}/not-spam`, []);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff?view=spam&done=not_spam');
      expect(await row(suspected)).toEqual({
        status: 'new',
        suspected_spam: 0,
        spam_reason: null,
        closed_at: null,
      });
      expect((await get(handler, '/staff')).body).toContain(link(suspected));

      const marked = await flagged();
      await post(coordinator, '/staff/cases/mark-spam', [['case', String(marked)]]);
      expect((await post(handler, `/staff/cases/${marked}/not-spam`, [], false)).statusCode).toBe(
        403,
      );
      expect((await post(handler, `/staff/cases/${marked}/not-spam`, [])).statusCode).toBe(303);
      expect(await row(marked)).toEqual({
        status: 'new',
        suspected_spam: 0,
        spam_reason: null,
        closed_at: null,
      });
      const actions = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('case_id', '=', marked)
        .where('actor_id', '=', handler.id)
        .orderBy('id')
        .execute();
      expect(actions).toEqual([
        { action: 'case.not_spam', detail: JSON.stringify({ reason: 'too_fast' }) },
        { action: 'case.status_changed', detail: JSON.stringify({ from: 'spam', to: 'new' }) },
      ]);
      expect((await post(handler, '/staff/cases/999999/not-spam', [])).statusCode).toBe(404);
    });

    it('says on the case page why a case is suspected, and moves it back from there', async () => {
      const id = await flagged();
      const page = await get(handler, `/staff/cases/${id}`);
      expect(page.body).toContain('Saved as suspected spam (Sent too fast)');
      expect(page.body).toContain(`action="/staff/cases/${id}/not-spam"`);
      const res = await post(handler, `/staff/cases/${id}/not-spam`, [['from', 'case']]);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${id}?done=not_spam`);
      const after = await get(handler, res.headers.location as string);
      expect(after.body).toContain('Moved to the main queue.');
      expect(after.body).not.toContain('Saved as suspected spam');
    });

    it('lets only leads set the spam status on the case page, and flags the case when they do', async () => {
      const id = (await newRequest(h.deps)).caseId;
      expect((await get(handler, `/staff/cases/${id}`)).body).not.toContain('value="spam"');
      expect((await get(coordinator, `/staff/cases/${id}`)).body).toContain('value="spam"');
      const byHandler = await post(handler, `/staff/cases/${id}/status`, [
        ['status', 'spam'],
        ['version', '1'],
      ]);
      expect(byHandler.statusCode).toBe(403);
      const byLead = await post(coordinator, `/staff/cases/${id}/status`, [
        ['status', 'spam'],
        ['version', '1'],
      ]);
      expect(byLead.statusCode).toBe(303);
      expect(await row(id)).toMatchObject({
        status: 'spam',
        suspected_spam: 1,
        spam_reason: 'staff',
      });
    });

    it('never tells the requester: a case marked as spam reads as received', async () => {
      const id = await flagged();
      await post(coordinator, '/staff/cases/mark-spam', [['case', String(id)]]);
      expect((await requesterView(h.deps, id)).status).toBe('new');
    });
  });
}
