import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { formatTime } from '../../platform/views/time.js';
import { addRequesterMessage, requesterView } from './requester.service.js';

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`handler workspace (HTML) on ${engine.name}`, () => {
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

    const get = (who: StaffFixture | null, url: string) =>
      h.app.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });
    const post = (who: StaffFixture, url: string, fields: Record<string, string>, csrf = true) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          ...(csrf ? { _csrf: who.csrf } : {}),
          ...fields,
        }).toString(),
      });
    const caseRow = (id: number) =>
      h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const auditActions = async (id: number) =>
      await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'detail'])
        .where('case_id', '=', id)
        .orderBy('id')
        .execute();

    it('sends a signed-out person to sign in, and refuses roles without cases', async () => {
      const res = await get(null, '/staff');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/sign-in');
      expect((await get(researcher, '/staff')).statusCode).toBe(403);
      const { caseId } = await newRequest(h.deps);
      expect((await get(researcher, `/staff/cases/${caseId}`)).statusCode).toBe(403);
      expect(
        (await post(researcher, `/staff/cases/${caseId}/notes`, { note: 'x' })).statusCode,
      ).toBe(403);
    });

    it('shows the queue: unanswered first by deadline, with the clock in plain words and escalation', async () => {
      const q = await createHarness(engine, { FIRST_RESPONSE_MINUTES: '120' });
      try {
        const me = await staffMember(q.deps, 'handler', 'Queue Handler');
        const a = await newRequest(q.deps, { language: 'en', country: 'KE' });
        q.clock.advance(30 * MIN);
        const b = await newRequest(q.deps, { language: 'es', country: 'MX' });
        q.clock.advance(40 * MIN);
        const c = await newRequest(q.deps, { language: 'en', country: 'FR' });
        // The oldest has been answered: it drops below the unanswered ones.
        await q.deps.db
          .updateTable('cases')
          .set({ awaiting_reply: 0, first_response_at: q.clock.now(), status: 'open' })
          .where('id', '=', a.caseId)
          .execute();
        q.clock.advance(30 * MIN); // b has waited 70 min, c 30 min
        const res = await q.app.inject({
          method: 'GET',
          url: '/staff',
          headers: { cookie: me.cookie },
        });
        expect(res.statusCode).toBe(200);
        const order = [...res.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) =>
          Number(m[1]),
        );
        expect(order).toEqual([b.caseId, c.caseId, a.caseId]);
        expect(res.body).toContain('Due in 50 min');
        expect(res.body).toContain('Due in 1 h 30 min');
        // Past ESCALATE_LEAD_MINUTES, yet no marker: the queue's is the ladder's record (escalation.queue.test.ts).
        expect(res.body).not.toContain('Escalate to shift lead');
        expect(res.body).toContain('Answered');
        q.clock.advance(100 * MIN);
        const later = await q.app.inject({
          method: 'GET',
          url: '/staff',
          headers: { cookie: me.cookie },
        });
        expect(later.body).toContain('Overdue by 50 min');
        expect(later.body).not.toContain('Escalate to director');

        // Filters: language, region, status, assignee (mine / unassigned), and paging.
        const ids = async (qs: string) => {
          const r = await q.app.inject({
            method: 'GET',
            url: `/staff?${qs}`,
            headers: { cookie: me.cookie },
          });
          expect(r.statusCode, qs).toBe(200);
          return [...r.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) => Number(m[1]));
        };
        expect(await ids('language=es')).toEqual([b.caseId]);
        expect(await ids('region=europe_central_asia')).toEqual([c.caseId]);
        expect(await ids('status=open')).toEqual([a.caseId]);
        expect(await ids('status=closed&language=')).toEqual([]);
        await q.deps.db
          .updateTable('cases')
          .set({ assignee_id: me.id, incident_type: 'harassment' })
          .where('id', '=', c.caseId)
          .execute();
        expect(await ids('assignee=mine')).toEqual([c.caseId]);
        expect(await ids(`assignee=${me.id}`)).toEqual([c.caseId]);
        expect(await ids('assignee=unassigned')).toEqual([b.caseId, a.caseId]);
        expect(await ids('incident_type=harassment')).toEqual([c.caseId]);
        const page1 = await q.app.inject({
          method: 'GET',
          url: '/staff?limit=2',
          headers: { cookie: me.cookie },
        });
        const next = /href="(\/staff\?[^"]*cursor=[^"]+)"/
          .exec(page1.body)?.[1]
          ?.replace(/&amp;/g, '&');
        expect(next).toBeDefined();
        const page2 = await q.app.inject({
          method: 'GET',
          url: next!,
          headers: { cookie: me.cookie },
        });
        expect(
          [...page2.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) => Number(m[1])),
        ).toEqual([a.caseId]);
        expect(
          (
            await q.app.inject({
              method: 'GET',
              url: '/staff?status=bogus',
              headers: { cookie: me.cookie },
            })
          ).statusCode,
        ).toBe(422);
        // The queue never shows contact details; of the request, only its first line, isolated.
        expect(later.body).not.toContain('+52 55');
        expect(later.body).toContain('<bdi dir="auto">Someone is logging into my email from abroad.</bdi>');
      } finally {
        await q.close();
      }
    });

    it('lists every status with status=all, closed ones too, and leaves suspected spam to its own queue', async () => {
      const q = await createHarness(engine);
      try {
        const me = await staffMember(q.deps, 'handler', 'All Statuses');
        const ids: Record<string, number> = {};
        for (const status of ['new', 'open', 'closed', 'resolved', 'referred', 'out_of_mandate']) {
          ids[status] = (await newRequest(q.deps)).caseId;
          await q.deps.db
            .updateTable('cases')
            .set({ status })
            .where('id', '=', ids[status]!)
            .execute();
          q.clock.advance(MIN);
        }
        const suspected = (await newRequest(q.deps)).caseId;
        const marked = (await newRequest(q.deps)).caseId;
        await q.deps.db
          .updateTable('cases')
          .set({ suspected_spam: 1 })
          .where('id', 'in', [suspected, marked])
          .execute();
        await q.deps.db
          .updateTable('cases')
          .set({ status: 'spam' })
          .where('id', '=', marked)
          .execute();
        const listed = async (qs: string) => {
          const r = await q.app.inject({
            method: 'GET',
            url: `/staff?${qs}`,
            headers: { cookie: me.cookie },
          });
          expect(r.statusCode, qs).toBe(200);
          return {
            body: r.body,
            ids: [...r.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)]
              .map((m) => Number(m[1]))
              .sort((x, y) => x - y),
          };
        };
        const all = await listed('status=all');
        expect(all.ids).toEqual(Object.values(ids).sort((x, y) => x - y));
        // The select offers it, and keeps it chosen.
        expect(all.body).toMatch(/<option value="all" selected(="")?>All statuses<\/option>/);
        expect((await listed('')).body).toMatch(/<option value="all">All statuses<\/option>/);
        // The default is still the active statuses only.
        expect((await listed('')).ids).toEqual([ids.new!, ids.open!]);
        // The filter pages like any other, and combines with the others.
        const first = await listed('status=all&limit=4');
        expect(first.ids).toHaveLength(4);
        const next = /href="(\/staff\?[^"]*cursor=[^"]+)"/
          .exec(first.body)?.[1]
          ?.replace(/&amp;/g, '&');
        expect(next).toContain('status=all');
        const rest = await q.app.inject({
          method: 'GET',
          url: next!,
          headers: { cookie: me.cookie },
        });
        const restIds = [...rest.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) =>
          Number(m[1]),
        );
        expect([...first.ids, ...restIds].sort((x, y) => x - y)).toEqual(all.ids);
        expect((await listed('status=all&assignee=unassigned')).ids).toEqual(all.ids);
        expect((await listed('status=all&assignee=mine')).ids).toEqual([]);
        // In the suspected-spam queue, every status of it.
        expect((await listed('view=spam&status=all')).ids).toEqual([suspected, marked]);
      } finally {
        await q.close();
      }
    });

    it('shows the first response and, apart from it, how long the requester has awaited our reply since', async () => {
      const q = await createHarness(engine, { FIRST_RESPONSE_MINUTES: '120' });
      try {
        const me = await staffMember(q.deps, 'handler', 'Clock Handler');
        const iso = (ms: number) => new Date(ms).toISOString();
        const at = (locale: string, ms: number) => formatTime({ locale, timeZone: 'UTC' }, ms);
        const page = async (url: string) => {
          const r = await q.app.inject({ method: 'GET', url, headers: { cookie: me.cookie } });
          expect(r.statusCode, url).toBe(200);
          return r.body;
        };
        /** The queue's row of a case, as text with each <time>'s datetime kept in brackets. */
        const row = async (caseId: number, qs = '') => {
          const html = await page(`/staff${qs}`);
          const tr = new RegExp(
            `<tr[^>]*>(?:(?!</tr>)[\\s\\S])*href="/staff/cases/${caseId}"[\\s\\S]*?</tr>`,
          ).exec(html)?.[0];
          expect(tr, `case ${caseId}`).toBeDefined();
          return tr!
            .replace(/<time datetime="([^"]+)">/g, '[$1] ')
            .replace(/<[^>]+>/g, ' ')
            .replace(/[ \n\t]+/g, ' ');
        };
        const asked = q.clock.now();
        const { caseId } = await newRequest(q.deps, { language: 'en' });
        q.clock.advance(30 * MIN);
        // Not answered yet: the deadline, in words and as a moment.
        expect(await row(caseId)).toContain(`[${iso(asked + 120 * MIN)}] Due in 1 h 30 min`);
        q.clock.advance(5 * MIN);
        const answered = q.clock.now();
        const reply = await q.app.inject({
          method: 'POST',
          url: `/staff/cases/${caseId}/replies`,
          headers: { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: me.csrf, body: 'We are here.' }).toString(),
        });
        expect(reply.statusCode).toBe(303);
        q.clock.advance(60 * MIN);
        expect(await row(caseId)).toContain(`[${iso(answered)}] Answered ${at('en', answered)}`);
        expect(await row(caseId)).not.toContain('Awaiting our reply');
        // The requester writes again: the first response stays as it was, and the new wait shows apart.
        await addRequesterMessage(q.deps, caseId, 'One more thing.');
        const wrote = q.clock.now();
        q.clock.advance(70 * MIN);
        const text = await row(caseId);
        expect(text).toContain(`[${iso(answered)}] Answered ${at('en', answered)}`);
        expect(text).toContain(`[${iso(wrote)}] Awaiting our reply since ${at('en', wrote)}`);
        expect(text).not.toContain('Escalate to');
        expect(text).not.toContain('Waiting');
        // The case page says the same two facts, in Spanish too.
        const casePage = (await page(`/staff/cases/${caseId}`)).replace(
          /<time datetime="([^"]+)">/g,
          '[$1]',
        );
        expect(casePage).toContain(`[${iso(answered)}]Answered ${at('en', answered)}`);
        expect(casePage).toContain(`[${iso(wrote)}]Awaiting our reply since ${at('en', wrote)}`);
        const es = await row(caseId, '?lang=es');
        expect(es).toContain(`[${iso(answered)}] Respondido el ${at('es', answered)}`);
        expect(es).toContain(
          `[${iso(wrote)}] Espera nuestra respuesta desde el ${at('es', wrote)}`,
        );
      } finally {
        await q.close();
      }
    });

    it('shows the case page with conversation, contact, forms, and audits the view', async () => {
      const { caseId } = await newRequest(h.deps);
      const res = await get(handler, `/staff/cases/${caseId}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Someone is logging into my email from abroad.');
      expect(res.body).toContain('+52 55 0000 0000');
      expect(res.body).toContain(`action="/staff/cases/${caseId}/replies"`);
      expect(res.body).toContain(`action="/staff/cases/${caseId}/claim"`);
      expect(res.body).toContain('fraud/phishing'); // RSIT labels in the incident type options
      // Handlers do not see the audit trail; coordinators do.
      expect(res.body).not.toContain('Recent activity');
      const asLead = await get(coordinator, `/staff/cases/${caseId}`);
      expect(asLead.body).toContain('Recent activity');
      expect(asLead.body).toContain('Viewed the case');
      const audit = await auditActions(caseId);
      expect(audit.filter((a) => a.action === 'case.viewed').map((a) => a.actor_id)).toEqual([
        handler.id,
        coordinator.id,
      ]);
      // The page's stylesheet is served where the page says it is.
      const css = /<link rel="stylesheet" href="([^"]+)"/.exec(res.body)?.[1];
      const sheet = await get(handler, css!);
      expect(sheet.statusCode).toBe(200);
      expect(sheet.headers['content-type']).toMatch(/text\/css/);
      // Spanish staff page.
      const es = await h.app.inject({
        method: 'GET',
        url: `/staff/cases/${caseId}?lang=es`,
        headers: { cookie: handler.cookie },
      });
      expect(es.body).toContain('Responder a la persona solicitante');
    });

    it('gives every <time> on the staff pages a machine-readable moment, in UTC', async () => {
      const { caseId } = await newRequest(h.deps);
      const asked = h.clock.now();
      h.clock.advance(7 * MIN);
      expect(
        (await post(handler, `/staff/cases/${caseId}/replies`, { body: 'We are here.' }))
          .statusCode,
      ).toBe(303);
      h.clock.advance(MIN);
      const pages = [
        `/staff/cases/${caseId}`,
        `/staff/cases/${caseId}?lang=es`,
        '/staff',
        '/staff?status=all',
      ];
      const datetimes: string[] = [];
      for (const url of [
        ...pages.map((u) => [handler, u] as const),
        [coordinator, `/staff/cases/${caseId}`] as const,
      ]) {
        const res = await get(url[0], url[1]);
        expect(res.statusCode, url[1]).toBe(200);
        for (const [tag] of res.body.matchAll(/<time\b[^>]*>/g)) {
          const m = /\sdatetime="([^"]*)"/.exec(tag);
          expect(m, `${url[1]}: ${tag}`).not.toBeNull();
          expect(m![1], `${url[1]}: ${tag}`).toMatch(
            /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/,
          );
          expect(Number.isNaN(Date.parse(m![1]!)), tag).toBe(false);
          datetimes.push(m![1]!);
        }
      }
      // The conversation's two messages, each at its own moment.
      expect(datetimes).toEqual(
        expect.arrayContaining([
          new Date(asked).toISOString(),
          new Date(asked + 7 * MIN).toISOString(),
        ]),
      );
    });

    it('answers 404 for unknown or malformed case ids', async () => {
      expect((await get(handler, '/staff/cases/999999')).statusCode).toBe(404);
      expect((await get(handler, '/staff/cases/abc')).statusCode).toBe(404);
      expect((await post(handler, '/staff/cases/999999/replies', { body: 'hi' })).statusCode).toBe(
        404,
      );
      expect(
        (await post(handler, '/staff/cases/999999/triage', { version: '1', language: 'en' }))
          .statusCode,
      ).toBe(404);
    });

    it('refuses every POST without the CSRF token', async () => {
      const { caseId } = await newRequest(h.deps);
      for (const [path, fields] of [
        ['replies', { body: 'hi' }],
        ['notes', { note: 'hi' }],
        ['triage', { version: '1', language: 'en' }],
        ['assignment', { version: '1', assignee_id: handler.id }],
        ['claim', { version: '1' }],
        ['status', { version: '1', status: 'vetting' }],
      ] as const) {
        const res = await post(handler, `/staff/cases/${caseId}/${path}`, fields, false);
        expect(res.statusCode, path).toBe(403);
      }
      expect((await caseRow(caseId)).version).toBe(1);
    });

    it('sends a reply to the requester and keeps a note from them', async () => {
      const { caseId } = await newRequest(h.deps);
      h.clock.advance(5 * MIN);
      const reply = await post(handler, `/staff/cases/${caseId}/replies`, {
        body: 'We are here. Please change your password first.',
      });
      expect(reply.statusCode).toBe(303);
      expect(reply.headers.location).toBe(`/staff/cases/${caseId}?done=reply_sent`);
      const note = await post(handler, `/staff/cases/${caseId}/notes`, {
        note: 'Possible state actor; check MVT.',
      });
      expect(note.statusCode).toBe(303);

      const row = await caseRow(caseId);
      expect(row).toMatchObject({
        status: 'open',
        awaiting_reply: 0,
        first_response_at: h.clock.now(),
      });
      const seen = await requesterView(h.deps, caseId);
      expect(seen.messages.map((m) => m.kind)).toEqual(['requester', 'reply']);
      expect(seen.messages[1]!.body).toBe('We are here. Please change your password first.');
      expect(JSON.stringify(seen)).not.toContain('state actor');

      const page = await get(handler, `/staff/cases/${caseId}?done=reply_sent`);
      expect(page.body).toContain('Reply sent.');
      expect(page.body).toContain('Internal note — never shown to the requester');
      expect(page.body).toMatch(/class="message note"[\s\S]*Possible state actor/);
      const actions = (await auditActions(caseId)).map((a) => a.action);
      expect(actions).toEqual(
        expect.arrayContaining(['case.replied', 'case.status_changed', 'case.note_added']),
      );
      // The audit says which message, never what it says.
      expect(JSON.stringify(await auditActions(caseId))).not.toContain('password');
    });

    it('answers a body it cannot read with a 400 or 415 page, not JSON, and changes nothing', async () => {
      const { caseId } = await newRequest(h.deps);
      for (const [payload, type, status, words] of [
        ['{"body":', 'application/json', 400, 'could not be read'],
        ['<body>x</body>', 'application/xml', 415, 'not accepted here'],
      ] as const) {
        const res = await h.app.inject({
          method: 'POST',
          url: `/staff/cases/${caseId}/notes`,
          headers: { cookie: handler.cookie, 'content-type': type },
          payload,
        });
        expect(res.statusCode, type).toBe(status);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.body).toContain(words);
      }
      expect((await caseRow(caseId)).version).toBe(1);
    });

    it('re-renders an empty reply or note with 422 and the message next to the field', async () => {
      const { caseId } = await newRequest(h.deps);
      const res = await post(handler, `/staff/cases/${caseId}/replies`, { body: '   ' });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Write a message first.');
      expect(res.body).toContain('href="#f-body"');
      const note = await post(handler, `/staff/cases/${caseId}/notes`, { note: '' });
      expect(note.statusCode).toBe(422);
      expect(note.body).toContain('href="#f-note"');
      const long = await post(handler, `/staff/cases/${caseId}/notes`, {
        note: 'x'.repeat(20_001),
      });
      expect(long.statusCode).toBe(422);
    });

    it('saves triage, derives the region from the country, and rejects unknown codes with 422', async () => {
      const { caseId } = await newRequest(h.deps);
      const triage = {
        version: '1',
        incident_type: 'account_access',
        urgency: 'reactive',
        severity: 'high',
        country: 'UA',
        beneficiary: 'journalist',
        language: 'uk',
        mandate: 'in_mandate',
      };
      const res = await post(handler, `/staff/cases/${caseId}/triage`, triage);
      expect(res.statusCode).toBe(303);
      expect(await caseRow(caseId)).toMatchObject({
        incident_type: 'account_access',
        severity: 'high',
        country: 'UA',
        region: 'europe_central_asia',
        language: 'uk',
        mandate: 'in_mandate',
        version: 2,
      });
      const audit = (await auditActions(caseId)).find((a) => a.action === 'case.triaged');
      expect(JSON.parse(audit!.detail!)).toEqual({
        fields: 'incident_type,severity,country,language,mandate',
      });

      const bad = await post(handler, `/staff/cases/${caseId}/triage`, {
        ...triage,
        version: '2',
        incident_type: 'alien_abduction',
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('href="#f-incident_type"');
      const badUrgency = await post(handler, `/staff/cases/${caseId}/triage`, {
        ...triage,
        version: '2',
        urgency: 'whenever',
      });
      expect(badUrgency.statusCode).toBe(422);
      expect(badUrgency.body).toContain('Choose reactive, preventive or not known.');
    });

    it('refuses a stale version with a 409 page and changes nothing', async () => {
      const { caseId } = await newRequest(h.deps);
      // Two handlers open the case at version 1; the first saves, the second is told.
      expect(
        (await post(handler, `/staff/cases/${caseId}/status`, { version: '1', status: 'vetting' }))
          .statusCode,
      ).toBe(303);
      for (const [path, fields] of [
        ['status', { version: '1', status: 'open' }],
        ['triage', { version: '1', language: 'en', severity: 'low' }],
        ['assignment', { version: '1', assignee_id: other.id }],
        ['claim', { version: '1' }],
      ] as const) {
        const stale = await post(other, `/staff/cases/${caseId}/${path}`, fields);
        expect(stale.statusCode, path).toBe(409);
        expect(stale.body).toContain('Someone else changed this case');
      }
      expect(await caseRow(caseId)).toMatchObject({
        status: 'vetting',
        severity: null,
        assignee_id: null,
        version: 2,
      });
    });

    it('follows the lifecycle and refuses a transition it does not allow', async () => {
      const { caseId } = await newRequest(h.deps);
      const bad = await post(handler, `/staff/cases/${caseId}/status`, {
        version: '1',
        status: 'closed',
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('The case cannot move to that status from its current one.');
      const steps = ['vetting', 'out_of_mandate', 'referred', 'closed'];
      for (const [i, status] of steps.entries()) {
        const res = await post(handler, `/staff/cases/${caseId}/status`, {
          version: String(i + 1),
          status,
        });
        expect(res.statusCode, status).toBe(303);
      }
      const row = await caseRow(caseId);
      expect(row.status).toBe('closed');
      expect(row.closed_at).toBe(h.clock.now());
      const changes = (await auditActions(caseId))
        .filter((a) => a.action === 'case.status_changed')
        .map((a) => JSON.parse(a.detail!).to);
      expect(changes).toEqual(steps);
    });

    it('lets a handler claim an unassigned case, hand it over, but not take someone else’s', async () => {
      const { caseId } = await newRequest(h.deps);
      expect(
        (await post(handler, `/staff/cases/${caseId}/claim`, { version: '1' })).headers.location,
      ).toBe(`/staff/cases/${caseId}?done=claimed`);
      expect((await caseRow(caseId)).assignee_id).toBe(handler.id);
      // Someone else cannot claim it or reassign it.
      expect((await post(other, `/staff/cases/${caseId}/claim`, { version: '2' })).statusCode).toBe(
        403,
      );
      expect(
        (
          await post(other, `/staff/cases/${caseId}/assignment`, {
            version: '2',
            assignee_id: other.id,
          })
        ).statusCode,
      ).toBe(403);
      // The holder hands it over at the end of the shift.
      expect(
        (
          await post(handler, `/staff/cases/${caseId}/assignment`, {
            version: '2',
            assignee_id: other.id,
          })
        ).statusCode,
      ).toBe(303);
      expect((await caseRow(caseId)).assignee_id).toBe(other.id);
      // A coordinator moves it anywhere, but not to a person who cannot hold cases.
      const toResearcher = await post(coordinator, `/staff/cases/${caseId}/assignment`, {
        version: '3',
        assignee_id: researcher.id,
      });
      expect(toResearcher.statusCode).toBe(422);
      expect(toResearcher.body).toContain('This person cannot be assigned to the case.');
      expect(
        (
          await post(coordinator, `/staff/cases/${caseId}/assignment`, {
            version: '3',
            assignee_id: '',
          })
        ).statusCode,
      ).toBe(303);
      expect((await caseRow(caseId)).assignee_id).toBeNull();
      const actions = (await auditActions(caseId)).map((a) => a.action);
      expect(actions.filter((a) => a === 'case.claimed' || a === 'case.assigned')).toEqual([
        'case.claimed',
        'case.assigned',
        'case.assigned',
      ]);
      // The page lists active staff to assign to.
      const page = await get(coordinator, `/staff/cases/${caseId}`);
      expect(page.body).toContain('Bo Handler');
      expect(page.body).not.toContain(`value="${researcher.id}"`);
    });
  });
}
