import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { BULK_MAX } from './bulk.service.js';
import { SAVED_VIEWS_MAX } from './saved-view.js';

// The queue page (orders, received-date filter, total, first lines), the change to selected
// rows, and saved views, through the app on both engines.

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the queue, its bulk change and saved views on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let other: StaffFixture;
    let coordinator: StaffFixture;
    let researcher: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      other = await staffMember(h.deps, 'handler', 'Bo Handler');
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      researcher = await staffMember(h.deps, 'researcher', 'Rae Researcher');
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      // Each test starts with no case of its own; the earlier ones are closed out of the way.
      await h.deps.db.updateTable('cases').set({ status: 'closed' }).execute();
    });

    const get = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: [string, string][]) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString(),
      });
    const ids = (body: string) => [...body.matchAll(/<td class="case"><a href="\/staff\/cases\/(\d+)"/g)].map((m) => Number(m[1]));
    const row = (id: number) => h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const audits = (action: string) =>
      h.deps.db.selectFrom('audit_log').select(['case_id', 'actor_id', 'detail']).where('action', '=', action).orderBy('id').execute();
    /** The one-time token of the bulk form on the queue page. */
    const bulkToken = async (who: StaffFixture) => /name="_once" value="([^"]+)"/.exec((await get(who, '/staff')).body)![1]!;

    it('orders by deadline, latest activity or newest received, filters by received day, and counts', async () => {
      // Received on three days (written as received then: the sessions would expire if the clock moved days).
      const start = h.clock.now() - 3 * DAY;
      const a = await newRequest(h.deps, { description: 'First request\nsecond line stays hidden' });
      const b = await newRequest(h.deps, { description: 'تم اختراق حسابي' });
      const c = await newRequest(h.deps);
      for (const [i, id] of [a.caseId, b.caseId, c.caseId].entries())
        await h.deps.db
          .updateTable('cases')
          .set({ created_at: start + i * DAY, first_response_due_at: start + i * DAY + 120 * MIN, last_activity_at: start + i * DAY })
          .where('id', '=', id)
          .execute();
      // a has the latest activity.
      await h.deps.db.updateTable('cases').set({ last_activity_at: h.clock.now() }).where('id', '=', a.caseId).execute();
      const mine = [a.caseId, b.caseId, c.caseId];
      const listed = async (q: string) => ids((await get(handler, `/staff${q}`)).body).filter((id) => mine.includes(id));
      expect(await listed('')).toEqual([a.caseId, b.caseId, c.caseId]);
      expect(await listed('?sort=activity')).toEqual([a.caseId, c.caseId, b.caseId]);
      expect(await listed('?sort=received')).toEqual([c.caseId, b.caseId, a.caseId]);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      expect(await listed(`?received_from=${day(start + DAY)}&received_to=${day(start + DAY)}`)).toEqual([b.caseId]);
      expect(await listed(`?received_from=${day(start + DAY)}&sort=received`)).toEqual([c.caseId, b.caseId]);
      // The folded filters say how many are set (the default order is not one).
      expect((await get(handler, `/staff?received_from=${day(start)}&sort=received`)).body).toContain('<span class="set"> · 2 set</span>');
      expect((await get(handler, '/staff?sort=deadline')).body).not.toContain('class="set"');

      const page = await get(handler, '/staff');
      expect(page.body).toContain('<span class="total">3 cases</span>');
      // The first line only, isolated; the second line never.
      expect(page.body).toContain('<bdi dir="auto">First request</bdi>');
      expect(page.body).toContain('<bdi dir="auto">تم اختراق حسابي</bdi>');
      expect(page.body).not.toContain('second line stays hidden');
      // Each first line read is audited, per case, for the person who read it.
      const listedNow = (await audits('case.listed')).filter((x) => x.actor_id === handler.id);
      expect(listedNow.map((x) => x.case_id)).toEqual(expect.arrayContaining(mine));

      // Pages in the activity order follow on by cursor; a cursor of another order is refused.
      const first = await get(handler, '/staff?sort=activity&limit=1');
      const next = /href="\/staff\?sort=activity&amp;cursor=([^"]+)"/.exec(first.body)![1]!;
      expect(ids((await get(handler, `/staff?sort=activity&cursor=${next}`)).body)[0]).toBe(c.caseId);
      expect((await get(handler, `/staff?sort=deadline&cursor=${next}`)).statusCode).toBe(422);
    });

    it('says what is wrong with a refused filter, in the page, and lists nothing', async () => {
      const res = await get(handler, '/staff?received_from=2026-02-30');
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Enter a real date, such as 2026-12-07.');
      expect(res.body).toContain('href="#f-received_from"');
      expect(res.body).toContain('value="2026-02-30"');
      const reversed = await get(handler, '/staff?received_from=2026-12-07&received_to=2026-12-01');
      expect(reversed.statusCode).toBe(422);
      expect(reversed.body).toContain('The end date is before the start date.');
      const es = await h.deps.db.updateTable('users').set({ locale: 'es' }).where('id', '=', handler.id).execute();
      expect(es).toBeDefined();
      try {
        expect((await get(handler, '/staff?sort=sideways')).body).toContain('Elija un valor de la lista.');
      } finally {
        await h.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', handler.id).execute();
      }
      expect((await get(handler, `/staff?received_to=${'9'.repeat(300)}`)).statusCode).toBe(422);
    });

    it('shows a purged case without its first line, and reads no first line for it', async () => {
      const { caseId } = await newRequest(h.deps, { description: 'Gone after retention' });
      await h.deps.db.updateTable('cases').set({ purged_at: h.clock.now(), purge_rule: 'test' }).where('id', '=', caseId).execute();
      const body = (await get(handler, '/staff')).body;
      expect(ids(body)).toContain(caseId);
      expect(body).not.toContain('Gone after retention');
      expect((await audits('case.listed')).filter((x) => x.case_id === caseId)).toEqual([]);
    });

    it('assigns the selected cases in one change, skipping those the person may not take, audited and announced per case', async () => {
      const free = await newRequest(h.deps);
      const held = await newRequest(h.deps);
      await h.deps.db.updateTable('cases').set({ assignee_id: other.id }).where('id', '=', held.caseId).execute();
      await h.deps.db.deleteFrom('outbox_events').execute();
      // A handler may claim the unassigned one, not take the one another holds.
      const res = await post(handler, '/staff/cases/bulk', [
        ['_once', await bulkToken(handler)],
        ['case', String(free.caseId)],
        ['case', String(held.caseId)],
        ['case', '999999'],
        ['op', 'assign'],
        ['bulk_assignee', handler.id],
        ['back', 'sort=activity&cursor=1.1.1'],
      ]);
      expect(res.statusCode).toBe(303);
      // Back to the queue as it was (its query checked, its page dropped), with the counts.
      expect(res.headers.location).toBe('/staff?sort=activity&done=bulk_done&count=1&skipped=2');
      const flash = await get(handler, String(res.headers.location));
      expect(flash.body).toContain('1 case changed. 2 cases were left as they were');
      expect((await row(free.caseId)).assignee_id).toBe(handler.id);
      expect((await row(held.caseId)).assignee_id).toBe(other.id);
      const claimed = (await audits('case.claimed')).filter((x) => x.case_id === free.caseId);
      expect(claimed).toHaveLength(1);
      const events = await h.deps.db.selectFrom('outbox_events').select(['type', 'payload']).execute();
      expect(events.map((e) => e.type)).toEqual(['case.assigned']);
      expect(JSON.parse(events[0]!.payload)).toMatchObject({ caseId: free.caseId, to: handler.id });

      // A coordinator may give both to anyone.
      const lead = await post(coordinator, '/staff/cases/bulk', [
        ['_once', await bulkToken(coordinator)],
        ['case', String(free.caseId)],
        ['case', String(held.caseId)],
        ['op', 'assign'],
        ['bulk_assignee', 'none'],
      ]);
      expect(lead.headers.location).toBe('/staff?done=bulk_done&count=2&skipped=0');
      expect((await row(held.caseId)).assignee_id).toBeNull();
    });

    it('moves the selected cases to a status where the lifecycle allows it, and says how many it could not', async () => {
      const n1 = await newRequest(h.deps);
      const n2 = await newRequest(h.deps);
      const closed = await newRequest(h.deps);
      await h.deps.db.updateTable('cases').set({ status: 'closed' }).where('id', '=', closed.caseId).execute();
      const res = await post(handler, '/staff/cases/bulk', [
        ['_once', await bulkToken(handler)],
        ['case', String(n1.caseId)],
        ['case', String(n2.caseId)],
        ['case', String(closed.caseId)],
        ['op', 'status'],
        ['bulk_status', 'vetting'],
      ]);
      expect(res.headers.location).toBe('/staff?done=bulk_done&count=2&skipped=1');
      expect((await row(n1.caseId)).status).toBe('vetting');
      expect((await row(closed.caseId)).status).toBe('closed');
      const changes = (await audits('case.status_changed')).filter((x) => [n1.caseId, n2.caseId].includes(x.case_id!));
      expect(changes.map((x) => JSON.parse(x.detail!))).toEqual([
        { from: 'new', to: 'vetting' },
        { from: 'new', to: 'vetting' },
      ]);
      // Spam is not offered here (the suspected-spam queue decides it).
      const spam = await post(handler, '/staff/cases/bulk', [['case', String(n1.caseId)], ['op', 'status'], ['bulk_status', 'spam']]);
      expect(spam.headers.location).toBe('/staff?done=bulk_no_choice');
      expect((await row(n1.caseId)).status).toBe('vetting');
    });

    it('changes once when the same form is sent twice, even at the same time', async () => {
      const { caseId } = await newRequest(h.deps);
      const token = await bulkToken(coordinator);
      const send = () =>
        post(coordinator, '/staff/cases/bulk', [
          ['_once', token],
          ['case', String(caseId)],
          ['op', 'assign'],
          ['bulk_assignee', other.id],
        ]);
      const answers = await Promise.all([send(), send()]);
      expect(answers.map((r) => r.headers.location).sort()).toEqual([
        '/staff?done=bulk_done&count=1&skipped=0',
        '/staff?done=bulk_repeated',
      ]);
      expect((await audits('case.assigned')).filter((x) => x.case_id === caseId)).toHaveLength(1);
    });

    it('lets two different changes over the same cases run at once: each case ends as one of them left it, audited once per change made', async () => {
      const a = await newRequest(h.deps);
      const b = await newRequest(h.deps);
      const [t1, t2] = [await bulkToken(coordinator), await bulkToken(coordinator)];
      const answers = await Promise.all([
        post(coordinator, '/staff/cases/bulk', [['_once', t1], ['case', String(a.caseId)], ['case', String(b.caseId)], ['op', 'assign'], ['bulk_assignee', handler.id]]),
        post(coordinator, '/staff/cases/bulk', [['_once', t2], ['case', String(b.caseId)], ['case', String(a.caseId)], ['op', 'assign'], ['bulk_assignee', other.id]]),
      ]);
      expect(answers.map((r) => r.statusCode)).toEqual([303, 303]);
      for (const id of [a.caseId, b.caseId]) {
        const changes = (await audits('case.assigned')).filter((x) => x.case_id === id);
        expect(changes.length).toBeGreaterThanOrEqual(1);
        expect(JSON.parse(changes[changes.length - 1]!.detail!).to).toBe((await row(id)).assignee_id);
      }
    });

    it('refuses a bulk change from a role without cases, an empty, oversized or forged selection, and an unknown assignee', async () => {
      const { caseId } = await newRequest(h.deps);
      const before = await row(caseId);
      expect((await post(researcher, '/staff/cases/bulk', [['case', String(caseId)], ['op', 'status'], ['bulk_status', 'open']])).statusCode).toBe(403);
      const none = await post(handler, '/staff/cases/bulk', [['op', 'status'], ['bulk_status', 'open']]);
      expect(none.headers.location).toBe('/staff?done=bulk_none');
      const many = Array.from({ length: BULK_MAX + 1 }, (_, i): [string, string] => ['case', String(i + 1)]);
      expect((await post(handler, '/staff/cases/bulk', [...many, ['op', 'status'], ['bulk_status', 'open']])).statusCode).toBe(422);
      expect((await post(handler, '/staff/cases/bulk', [['case', '1 or 1=1'], ['op', 'status'], ['bulk_status', 'open']])).statusCode).toBe(422);
      expect((await post(handler, '/staff/cases/bulk', [['case', String(caseId)], ['op', 'delete']])).statusCode).toBe(422);
      const nobody = await post(coordinator, '/staff/cases/bulk', [['case', String(caseId)], ['op', 'assign'], ['bulk_assignee', researcher.id]]);
      expect(nobody.statusCode).toBe(422);
      expect(await row(caseId)).toEqual(before);
    });

    it('saves a view per person, lists and applies it, and deletes it; audited', async () => {
      const res = await post(handler, '/staff/views', [['view_name', 'Africa, latest'], ['query', 'sort=activity&region=africa&cursor=1.1.1']]);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff?region=africa&sort=activity&done=view_saved');
      const page = await get(handler, '/staff');
      expect(page.body).toContain('<a href="/staff?region=africa&amp;sort=activity"><bdi>Africa, latest</bdi></a>');
      // Another person does not see it, and cannot delete it.
      expect((await get(other, '/staff')).body).not.toContain('Africa, latest');
      const id = /action="\/staff\/views\/([0-9a-f-]{36})\/delete"/.exec(page.body)![1]!;
      expect((await post(other, `/staff/views/${id}/delete`, [])).statusCode).toBe(404);
      expect((await post(handler, '/staff/views/not-an-id/delete', [])).statusCode).toBe(404);
      expect((await audits('saved_view.created')).filter((x) => x.actor_id === handler.id)).toHaveLength(1);

      const dup = await post(handler, '/staff/views', [['view_name', 'Africa, latest'], ['query', '']]);
      expect(dup.statusCode).toBe(422);
      expect(dup.body).toContain('You already have a view with this name.');
      const blank = await post(handler, '/staff/views', [['view_name', '  '], ['query', '']]);
      expect(blank.statusCode).toBe(422);
      expect(blank.body).toContain('Give the view a name.');
      const long = await post(handler, '/staff/views', [['view_name', 'x'.repeat(61)], ['query', '']]);
      expect(long.statusCode).toBe(422);
      expect(long.body).toContain('Use at most 60 characters.');
      expect((await post(handler, '/staff/views', [['view_name', 'Bad'], ['query', 'status=bogus']])).statusCode).toBe(422);

      const gone = await post(handler, `/staff/views/${id}/delete`, []);
      expect(gone.headers.location).toBe('/staff?done=view_deleted');
      expect((await get(handler, '/staff')).body).not.toContain('Africa, latest');
      expect((await audits('saved_view.deleted')).filter((x) => x.actor_id === handler.id)).toHaveLength(1);
      expect((await post(researcher, '/staff/views', [['view_name', 'Mine'], ['query', '']])).statusCode).toBe(403);
    });

    it('keeps at most SAVED_VIEWS_MAX views per person', async () => {
      for (let i = 0; i < SAVED_VIEWS_MAX; i++)
        expect((await post(coordinator, '/staff/views', [['view_name', `View ${i}`], ['query', '']])).statusCode).toBe(303);
      const full = await post(coordinator, '/staff/views', [['view_name', 'One more'], ['query', '']]);
      expect(full.statusCode).toBe(422);
      expect(full.body).toContain('You keep 20 views already: delete one first.');
    });
  });
}
