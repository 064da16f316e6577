import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { statusesWithReply } from './case.service.js';

// "Reply and set status" on the case page: the reply, the status it moves the case to, their
// audit entries and events are one transaction; a refused status, a stale version or a wrong
// role leaves nothing behind, and the same form sent twice replies once.

describe('statusesWithReply', () => {
  it('offers the moves from the status and from the one the reply leaves, never spam', () => {
    expect(statusesWithReply('new')).toEqual(['vetting', 'open', 'waiting', 'resolved']);
    expect(statusesWithReply('open')).toEqual(['waiting', 'resolved']);
    expect(statusesWithReply('waiting')).toEqual(['open', 'resolved']);
    expect(statusesWithReply('vetting')).toEqual(['open', 'out_of_mandate']);
    expect(statusesWithReply('spam')).toEqual([]);
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`reply and set status on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;
    let researcher: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      researcher = await staffMember(h.deps, 'researcher', 'Rae Researcher');
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      await h.deps.db.deleteFrom('outbox_events').execute();
    });

    const post = (who: StaffFixture, url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    /** The reply form as the case page shows it to `who`: its one-time token and version. */
    const replyForm = async (who: StaffFixture, id: number) => {
      const res = await h.app.inject({ method: 'GET', url: `/staff/cases/${id}`, headers: { cookie: who.cookie } });
      expect(res.statusCode).toBe(200);
      const form = /<form method="post" action="\/staff\/cases\/\d+\/replies"[\s\S]*?<\/form>/.exec(res.body)![0];
      return {
        html: form,
        once: /name="_once" value="([^"]+)"/.exec(form)![1]!,
        version: /name="version" value="(\d+)"/.exec(form)?.[1],
      };
    };
    const caseRow = (id: number) =>
      h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const replies = async (id: number) =>
      (
        await h.deps.db
          .selectFrom('messages')
          .select('id')
          .where('case_id', '=', id)
          .where('kind', '=', 'reply')
          .execute()
      ).length;
    const audit = async (id: number) =>
      (
        await h.deps.db
          .selectFrom('audit_log')
          .select(['action', 'detail'])
          .where('case_id', '=', id)
          .where('action', 'in', ['case.replied', 'case.status_changed'])
          .orderBy('id')
          .execute()
      ).map((a) => (a.action === 'case.replied' ? a.action : `${a.action} ${a.detail}`));
    const events = async (id: number) =>
      (await h.deps.db.selectFrom('outbox_events').select(['type', 'payload']).orderBy('occurred_at').execute())
        .map((e) => ({ type: e.type, payload: JSON.parse(e.payload) as Record<string, unknown> }))
        .filter((e) => e.payload.caseId === id && e.type !== 'case.created')
        .map((e) => (e.type === 'case.status_changed' ? `${e.type} ${String(e.payload.from)}→${String(e.payload.to)}` : e.type));

    it('shows the status choice in the reply form, with the version and a one-time token', async () => {
      const { caseId } = await newRequest(h.deps);
      const form = await replyForm(handler, caseId);
      expect(form.html).toContain('name="next_status"');
      expect(form.html).toContain('As the reply leaves it');
      expect(form.html).toContain('<option value="waiting">Waiting on requester</option>');
      expect(form.html).not.toContain('value="spam"');
      expect(form.version).toBe(String((await caseRow(caseId)).version));
      // In Spanish too.
      const es = await h.app.inject({ method: 'GET', url: `/staff/cases/${caseId}?lang=es`, headers: { cookie: handler.cookie } });
      expect(es.body).toContain('Como lo deje la respuesta');
      expect(es.body).toContain('Estado después de la respuesta (ahora «Nuevo»)');
    });

    it('replies and moves a new case on to waiting in one submit: new → open → waiting, audited and announced', async () => {
      const { caseId } = await newRequest(h.deps);
      const before = await caseRow(caseId);
      const form = await replyForm(handler, caseId);
      const res = await post(handler, `/staff/cases/${caseId}/replies`, {
        body: 'Please tell us which phone you use.',
        next_status: 'waiting',
        version: form.version!,
        _once: form.once,
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${caseId}?done=reply_sent`);
      const after = await caseRow(caseId);
      expect(after.status).toBe('waiting');
      expect(after.first_response_at).toBe(h.clock.now());
      expect(after.awaiting_reply).toBe(0);
      expect(after.version).toBe(before.version + 1);
      expect(await replies(caseId)).toBe(1);
      expect(await audit(caseId)).toEqual([
        'case.replied',
        'case.status_changed {"from":"new","to":"open"}',
        'case.status_changed {"from":"open","to":"waiting"}',
      ]);
      expect(await events(caseId)).toEqual(['case.replied', 'case.status_changed new→open', 'case.status_changed open→waiting']);

      // And a waiting case resolved with the last reply.
      const again = await replyForm(handler, caseId);
      expect(
        (await post(handler, `/staff/cases/${caseId}/replies`, { body: 'Glad it works now.', next_status: 'resolved', version: again.version!, _once: again.once })).statusCode,
      ).toBe(303);
      expect((await caseRow(caseId)).status).toBe('resolved');
      expect(await replies(caseId)).toBe(2);
    });

    it('leaves the status as the reply leaves it when none is chosen, and a reply alone never conflicts', async () => {
      const { caseId } = await newRequest(h.deps);
      const form = await replyForm(handler, caseId);
      // Someone triages the case meanwhile: a reply without a status still goes through.
      await h.deps.db.updateTable('cases').set({ version: (eb) => eb('version', '+', 1) }).where('id', '=', caseId).execute();
      const res = await post(handler, `/staff/cases/${caseId}/replies`, { body: 'We are looking at it.', next_status: '', version: form.version!, _once: form.once });
      expect(res.statusCode).toBe(303);
      expect((await caseRow(caseId)).status).toBe('open');
      expect(await replies(caseId)).toBe(1);
      expect(await audit(caseId)).toEqual(['case.replied', 'case.status_changed {"from":"new","to":"open"}']);

      // The separate reply form's fields alone (the body) still reply, and an open case stays open.
      expect((await post(handler, `/staff/cases/${caseId}/replies`, { body: 'One more thing.' })).statusCode).toBe(303);
      expect((await caseRow(caseId)).status).toBe('open');
      expect(await replies(caseId)).toBe(2);
    });

    it('refuses a status the lifecycle does not allow: 422, the form filled in, nothing saved, the form still usable', async () => {
      const { caseId } = await newRequest(h.deps);
      await post(handler, `/staff/cases/${caseId}/replies`, { body: 'First answer.' });
      const before = await caseRow(caseId);
      const auditBefore = await audit(caseId);
      await h.deps.db.deleteFrom('outbox_events').execute();
      const form = await replyForm(handler, caseId);
      // open → closed is not a move the lifecycle has (open → resolved → closed).
      const res = await post(handler, `/staff/cases/${caseId}/replies`, {
        body: 'Closing this now.',
        next_status: 'closed',
        version: form.version!,
        _once: form.once,
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('The case cannot move to that status from its current one.');
      expect(res.body).toContain('Closing this now.</textarea>');
      expect(res.body).toContain('href="#f-next_status"');
      expect(await caseRow(caseId)).toEqual(before);
      expect(await replies(caseId)).toBe(1);
      expect(await audit(caseId)).toEqual(auditBefore);
      expect(await events(caseId)).toEqual([]);
      // The token was not spent: the same form, corrected, is saved.
      const ok = await post(handler, `/staff/cases/${caseId}/replies`, { body: 'Closing this now.', next_status: 'resolved', version: form.version!, _once: form.once });
      expect(ok.statusCode).toBe(303);
      expect((await caseRow(caseId)).status).toBe('resolved');
      expect(await replies(caseId)).toBe(2);
    });

    it('refuses a stale version with 409, keeps the reply in the form, and saves nothing', async () => {
      const { caseId } = await newRequest(h.deps);
      await post(handler, `/staff/cases/${caseId}/replies`, { body: 'First answer.' });
      const form = await replyForm(handler, caseId);
      // A colleague moves the case to waiting meanwhile, through the status form.
      const other = await post(coordinator, `/staff/cases/${caseId}/status`, { status: 'waiting', version: form.version! });
      expect(other.statusCode).toBe(303);
      const before = await caseRow(caseId);
      await h.deps.db.deleteFrom('outbox_events').execute();
      const res = await post(handler, `/staff/cases/${caseId}/replies`, {
        body: 'All fixed, resolving.',
        next_status: 'resolved',
        version: form.version!,
        _once: form.once,
      });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Someone changed this case while you were writing');
      expect(res.body).toContain('All fixed, resolving.</textarea>');
      // The page shows the case as it now is, with the version to send next.
      expect(res.body).toContain(`name="version" value="${before.version}"`);
      expect(await caseRow(caseId)).toEqual(before);
      expect(await replies(caseId)).toBe(1);
      expect(await events(caseId)).toEqual([]);
    });

    it('replies once when the same form is sent twice, one after the other or at the same time', async () => {
      for (const together of [false, true]) {
        const { caseId } = await newRequest(h.deps);
        const form = await replyForm(handler, caseId);
        const fields = { body: 'Sent twice by a double click.', next_status: 'waiting', version: form.version!, _once: form.once };
        const answers = together
          ? await Promise.all([post(handler, `/staff/cases/${caseId}/replies`, fields), post(handler, `/staff/cases/${caseId}/replies`, fields)])
          : [await post(handler, `/staff/cases/${caseId}/replies`, fields), await post(handler, `/staff/cases/${caseId}/replies`, fields)];
        expect(answers.map((r) => r.statusCode), `together: ${together}`).toEqual([303, 303]);
        expect(await replies(caseId)).toBe(1);
        expect((await caseRow(caseId)).status).toBe('waiting');
        expect(await audit(caseId)).toEqual([
          'case.replied',
          'case.status_changed {"from":"new","to":"open"}',
          'case.status_changed {"from":"open","to":"waiting"}',
        ]);
        // Without a status, too.
        const plain = await replyForm(handler, caseId);
        const reply = { body: 'Plain reply, sent twice.', _once: plain.once };
        await post(handler, `/staff/cases/${caseId}/replies`, reply);
        await post(handler, `/staff/cases/${caseId}/replies`, reply);
        expect(await replies(caseId)).toBe(2);
      }
    });

    it('saves one of two replies that set the status from the same version at the same time, and nothing of the other', async () => {
      const { caseId } = await newRequest(h.deps);
      const mine = await replyForm(handler, caseId);
      const theirs = await replyForm(coordinator, caseId);
      const [a, b] = await Promise.all([
        post(handler, `/staff/cases/${caseId}/replies`, { body: 'Mine.', next_status: 'waiting', version: mine.version!, _once: mine.once }),
        post(coordinator, `/staff/cases/${caseId}/replies`, { body: 'Theirs.', next_status: 'resolved', version: theirs.version!, _once: theirs.once }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
      expect(await replies(caseId)).toBe(1);
      const won = a.statusCode === 303 ? 'waiting' : 'resolved';
      expect((await caseRow(caseId)).status).toBe(won);
      expect(await audit(caseId)).toEqual([
        'case.replied',
        'case.status_changed {"from":"new","to":"open"}',
        `case.status_changed {"from":"open","to":"${won}"}`,
      ]);
    });

    it('refuses a role that may not reply, and saves nothing', async () => {
      const { caseId } = await newRequest(h.deps);
      const form = await replyForm(handler, caseId);
      const before = await caseRow(caseId);
      const res = await post(researcher, `/staff/cases/${caseId}/replies`, { body: 'Not mine to send.', next_status: 'waiting', version: form.version!, _once: form.once });
      expect(res.statusCode).toBe(403);
      expect(await caseRow(caseId)).toEqual(before);
      expect(await replies(caseId)).toBe(0);
      expect(await events(caseId)).toEqual([]);
    });

    it('asks for the version when a status is chosen without one', async () => {
      const { caseId } = await newRequest(h.deps);
      const res = await post(handler, `/staff/cases/${caseId}/replies`, { body: 'No version sent.', next_status: 'waiting' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('This form is out of date.');
      expect(await replies(caseId)).toBe(0);
    });
  });
}
