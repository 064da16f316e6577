import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesOf, type Role } from '../src/platform/auth/roles.js';
import { newRequest, staffMember, type StaffFixture } from '../src/modules/cases/case.fixtures.js';
import { addRequesterMessage, submitRequest } from '../src/modules/cases/requester.service.js';
import { listQueue, updateCase } from '../src/modules/cases/case.service.js';
import { countWaitingSpam } from '../src/modules/cases/spam-count.service.js';
import { caseAccess, changeAccess, putAccess } from '../src/modules/cases/access.service.js';
import { linkCases } from '../src/modules/cases/link.service.js';
import { hiddenCaseIds, visibleCaseIds, whoMayKnow } from '../src/modules/cases/access.js';
import { countUnreadFor, noticeClockPoints, notify, savePreferences } from '../src/modules/notifications/notification.service.js';
import { deliverEmail } from '../src/modules/notifications/email.js';
import { applyPlaybook } from '../src/modules/playbooks/task.service.js';
import { NOTIFICATION_KINDS, CHANNELS } from '../src/modules/notifications/notification.js';
import { deliverEvents, smtpEnv, team } from '../src/modules/notifications/notification.test-helpers.js';
import { attachmentLinks, fieldParts, multipart, pdfOf } from '../src/modules/cases/attachment.test-helpers.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';

// Need-to-know (ADR 32), as a table generated from every path a case can surface on. A
// restricted case is walked by people who may not know it (a handler on no list, a coordinator
// leading another team, a member of its own team who is not listed) and by people who may (a
// listed handler, who holds it, and a coordinator leading its team). On a case's own paths,
// those who may not know it get exactly what an unknown case number gets (404, the same body
// with the number taken out); on lists, counts, the audit log, notifications and emails it is
// simply not there (no number, no request text). Those who may know it see it on every path.
// A new path is one line in ITEM_PATHS or LIST_PATHS. Both engines.

/** The restricted case's number, made distinctive so that no other text holds it. */
const R = 424_242;
/** A number naming no case, the comparison for every item path. */
const UNKNOWN = 737_373;
/** A file sent with a reply on the restricted case (set before the walk, per engine). */
let fileId = '0'.repeat(32);
/** A reply template (one of those seeded), to insert on the case page. */
let templateId = '';
/** A task of the restricted case (its lead applied a playbook), for the playbook paths. */
let taskId = '';
/** The case everyone may know, linked to the restricted one and from the same contact (set per engine). */
let openId = 0;
/** What the requester of the restricted case wrote: no outsider may read it anywhere. */
const SECRET = 'Our newsroom source Zyxwvut is being followed';

interface Walker {
  label: string;
  f: StaffFixture;
  mayKnow: boolean;
}

interface Answer {
  status: number;
  body: string;
  location?: string | undefined;
}

/**
 * One path about one case (`id`), asked by `w`, sent as a real client would send it; and, when
 * it is not "anything but 404", what those who may know the case get.
 */
type ItemPath = [name: string, ask: (h: Harness, w: Walker, id: number) => Promise<Answer>, knowers?: number];
/**
 * One path that lists or counts cases, asked by `w`: its answer must not name a case they may
 * not know; `shows` is which of the restricted cases those who may know them find there.
 */
type ListPath = [
  name: string,
  ask: (h: Harness, w: Walker, id: number) => Promise<Answer>,
  shows: 'case' | 'spam' | 'both',
  /** The path names the case itself (a filter typed by the reader): compared with the same path for no such case. */
  typed?: true,
];

const answer = (res: { statusCode: number; body: string; headers: Record<string, unknown> }): Answer => ({
  status: res.statusCode,
  body: res.body,
  location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
});

const get = async (h: Harness, w: Walker, url: string) => answer(await h.app.inject({ method: 'GET', url, headers: { cookie: w.f.cookie } }));
const post = async (h: Harness, w: Walker, url: string, fields: Record<string, string> = {}) =>
  answer(
    await h.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams({ _csrf: w.f.csrf, ...fields }).toString(),
      headers: { cookie: w.f.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    }),
  );
const api = async (h: Harness, w: Walker, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  answer(
    await h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: w.f.bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    }),
  );

// Each sends what would change the case if it were let through, at a stale version (1) or
// with an empty field, so those who may know the case are answered (409, 422, 303) without
// the walk changing it.
const ITEM_PATHS: ItemPath[] = [
  ['case page', (h, w, id) => get(h, w, `/staff/cases/${id}`)],
  ['case page with a template inserted', (h, w, id) => get(h, w, `/staff/cases/${id}?template=${templateId}`)],
  ['reply', (h, w, id) => post(h, w, `/staff/cases/${id}/replies`, { body: '' })],
  ['note', (h, w, id) => post(h, w, `/staff/cases/${id}/notes`, { note: '' })],
  ['triage', (h, w, id) => post(h, w, `/staff/cases/${id}/triage`, { urgency: 'reactive', language: 'es', mandate: 'pending', version: '1' })],
  ['assignment', (h, w, id) => post(h, w, `/staff/cases/${id}/assignment`, { assignee_id: '', version: '1' })],
  ['claim', (h, w, id) => post(h, w, `/staff/cases/${id}/claim`, { version: '1' })],
  ['status', (h, w, id) => post(h, w, `/staff/cases/${id}/status`, { status: 'closed', version: '1' })],
  ['not spam', (h, w, id) => post(h, w, `/staff/cases/${id}/not-spam`, { from: 'case' })],
  ['restriction', (h, w, id) => post(h, w, `/staff/cases/${id}/restriction`, { restricted: 'no', version: '1' })],
  ['list a person', (h, w, id) => post(h, w, `/staff/cases/${id}/access`, { person: '' })],
  ['take a person off', (h, w, id) => post(h, w, `/staff/cases/${id}/access/remove`, { person: '' })],
  ['apply a playbook', (h, w, id) => post(h, w, `/staff/cases/${id}/playbook`, { playbook: '' })],
  ['reopen a task', (h, w, id) => post(h, w, `/staff/cases/${id}/tasks/${taskId}/undo`)],
  ['hand a task on', (h, w, id) => post(h, w, `/staff/cases/${id}/tasks/${taskId}/assignee`, { assignee: 'nobody at all' })],
  ['attachment download', (h, w, id) => get(h, w, `/staff/cases/${id}/attachments/${fileId}`)],
  ['go to case', (h, w, id) => get(h, w, `/staff/cases/go?number=${id}`)],
  ['API case', (h, w, id) => api(h, w, 'GET', `/cases/${id}`)],
  ['API change', (h, w, id) => api(h, w, 'PATCH', `/cases/${id}`, { status: 'closed', version: 1 })],
  ['API reply', (h, w, id) => api(h, w, 'POST', `/cases/${id}/replies`, { body: 'Hello', status: 'closed', version: 1 })],
  ['API note', (h, w, id) => api(h, w, 'POST', `/cases/${id}/notes`, { body: 'Seen.' })],
  ['API access', (h, w, id) => api(h, w, 'GET', `/cases/${id}/access`)],
  ['API set access', (h, w, id) => api(h, w, 'PUT', `/cases/${id}/access`, { restricted: false, people: [], version: 1 })],
  ['link', (h, w, id) => post(h, w, `/staff/cases/${id}/links`, { other: '' })],
  ['remove a link', (h, w, id) => post(h, w, `/staff/cases/${id}/links/remove`, { other: '' })],
  ['merge', (h, w, id) => post(h, w, `/staff/cases/${id}/merge`, { into: '' })],
  ['API link', (h, w, id) => api(h, w, 'POST', `/cases/${id}/links`, { case: UNKNOWN + 2 })],
  ['API remove a link', (h, w, id) => api(h, w, 'DELETE', `/cases/${id}/links/${UNKNOWN + 1}`)],
  ['API merge', (h, w, id) => api(h, w, 'POST', `/cases/${id}/merge`, { into: UNKNOWN + 2 })],
];

const LIST_PATHS: ListPath[] = [
  ['queue', (h, w) => get(h, w, '/staff'), 'case'],
  ['queue, every status', (h, w) => get(h, w, '/staff?status=all'), 'case'],
  ['queue, suspected spam', (h, w) => get(h, w, '/staff?view=spam'), 'spam'],
  ['saved view: its region, newest first', (h, w) => get(h, w, '/staff?region=americas&sort=received'), 'case'],
  ['API list', (h, w) => api(h, w, 'GET', '/cases?status=all'), 'case'],
  ['API list, suspected spam', (h, w) => api(h, w, 'GET', '/cases?view=spam&status=all'), 'spam'],
  ['audit page', (h, w) => get(h, w, '/staff/audit'), 'case'],
  ['audit page, the case asked for', (h, w, id) => get(h, w, `/staff/audit?case=${id}`), 'case', true],
  ['audit export, the case asked for', (h, w, id) => get(h, w, `/staff/audit.csv?case=${id}`), 'case', true],
  ['audit export', (h, w) => get(h, w, '/staff/audit.csv'), 'both'],
  ['notifications', (h, w) => get(h, w, '/staff/notifications'), 'case'],
  // Linked to it and from the same contact: its link and its suggestion as a possible duplicate.
  ['case page of a case linked to it', (h, w) => get(h, w, `/staff/cases/${openId}`), 'case'],
  ['API case linked to it', (h, w) => api(h, w, 'GET', `/cases/${openId}`), 'case'],
];

/**
 * A page only administrators open that counts cases rather than listing them: walked by an
 * administrator who may know the restricted case (a member of its team) and one who may not (in
 * no team). `count` reads the number shown; it must be the cases the reader may know (`knows`
 * for the first, none for the second), and the second's page must be the page of a person who
 * holds nothing at all (names and ids taken out): no hint that anything was left out.
 */
type AdminCountPath = [
  name: string,
  ask: (h: Harness, w: Walker, holder: StaffFixture) => Promise<Answer>,
  count: (body: string) => number,
  knows: number,
];

const ADMIN_COUNT_PATHS: AdminCountPath[] = [
  [
    'open cases of a person being disabled',
    (h, w, holder) => get(h, w, `/staff/users/${holder.id}/disable`),
    (body) => {
      const m = /holds (no|\d+) open cases? you can see/.exec(body);
      if (!m) throw new Error(`no count in ${body.slice(0, 300)}`);
      return m[1] === 'no' ? 0 : Number(m[1]);
    },
    1,
  ],
];

/** A body with a case's number taken out, and what differs between any two renders (nonces). */
const normal = (body: string, id: number) =>
  body.replaceAll(String(id), '#').replace(/nonce="[^"]*"/g, 'nonce=""');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`need-to-know, every path, on ${engine.name}`, () => {
    let h: Harness;
    let walkers: Walker[];
    let lead: StaffFixture;
    let listed: StaffFixture;
    let member: StaffFixture;
    let outsider: StaffFixture;
    let otherLead: StaffFixture;
    let open: number;
    let spam: number;
    /** Administrators, for the pages only they open: one in the case's team, one in none. */
    let admins: Walker[];
    /** A handler who holds no case, the comparison for the administrators' count paths. */
    let holdsNothing: StaffFixture;

    /** A person with `role` and the roles in `more`, as a session and a token see them. */
    const person = async (role: Role, more: Role[], name?: string) => {
      const f = await staffMember(h.deps, role, name);
      for (const r of more) await h.deps.db.insertInto('user_roles').values({ user_id: f.id, role: r }).execute();
      f.principal = { ...f.principal, roles: rolesOf(role, more) };
      return f;
    };

    /** The next case made gets number `id`. */
    const nextCaseIs = async (id: number) => {
      if (h.deps.dialect === 'postgres')
        await sql`alter table cases alter column id restart with ${sql.lit(id)}`.execute(h.deps.db);
      else {
        await sql`delete from sqlite_sequence where name = 'cases'`.execute(h.deps.db);
        await sql`insert into sqlite_sequence (name, seq) values ('cases', ${id - 1})`.execute(h.deps.db);
      }
    };

    const versionOf = async (id: number) =>
      (await h.deps.db.selectFrom('cases').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

    beforeAll(async () => {
      // A mail server is configured (none listens: no task runs here), so emails are queued.
      h = await createHarness(engine, smtpEnv(2525));
      // Each may also read the audit log (as an auditor), so every path is theirs to ask.
      lead = await person('coordinator', ['auditor'], 'Lead of the Americas');
      member = await person('handler', ['auditor'], 'Member of the Americas');
      outsider = await person('handler', ['auditor'], 'Handler on no list');
      otherLead = await person('coordinator', ['auditor'], 'Lead of another team');
      listed = await person('handler', ['auditor'], 'Quillon Vasquez-Hart');
      await team(h.deps, { regions: ['americas'], members: [lead.id, member.id] });
      await team(h.deps, { regions: ['mena'], languages: ['ar'], members: [otherLead.id] });
      const everything = new Set(NOTIFICATION_KINDS.flatMap((k) => CHANNELS.map((c) => `${k}:${c}`)));
      for (const f of [lead, member, outsider, otherLead, listed]) await savePreferences(h.deps, f.principal, everything);
      walkers = [
        { label: 'a handler on no list', f: outsider, mayKnow: false },
        { label: 'a coordinator leading another team', f: otherLead, mayKnow: false },
        { label: 'a member of its team, not listed', f: member, mayKnow: false },
        { label: 'a listed handler who holds it', f: listed, mayKnow: true },
        { label: 'a coordinator leading its team', f: lead, mayKnow: true },
      ];

      // A case everyone may know, then the restricted one and a restricted suspected spam.
      open = (await newRequest(h.deps, { country: 'MX', language: 'es', description: 'An open case' })).caseId;
      openId = open;
      await nextCaseIs(R);
      expect((await newRequest(h.deps, { country: 'MX', language: 'es', description: SECRET })).caseId).toBe(R);
      // Linked to the open case before anyone restricts it (ADR 38).
      expect((await linkCases(h.deps, lead.principal, open, { other: R, reason: 'related' })).ok).toBe(true);
      spam = (
        await submitRequest(
          h.deps,
          { description: `${SECRET} (again)`, urgency: 'unknown', country: 'MX', language: 'es', contactMethod: 'none', contact: null, beneficiary: null },
          { suspectedSpam: 'honeypot' },
        )
      ).caseId;
      // Its team is told of the new request before anyone restricts it.
      await deliverEvents(h.deps);

      for (const id of [R, spam]) {
        const r = await changeAccess(h.deps, lead.principal, id, { restricted: true, add: [listed.id], version: await versionOf(id) });
        expect(r.ok).toBe(true);
      }
      // The requester writes while nobody holds it (its team would be told), then it is given to the listed handler.
      await addRequesterMessage(h.deps, R, 'One more thing.');
      await deliverEvents(h.deps);
      expect((await updateCase(h.deps, lead.principal, R, { assignee_id: listed.id })).ok).toBe(true);
      await deliverEvents(h.deps);
      // Its first-response clock runs (deadline notices to those who look after it); within the sessions' idle time.
      h.clock.advance(100 * 60_000);
      await noticeClockPoints(h.deps);
      // An escalation naming everyone (as a ladder's step may): only those who may know it are told.
      await notify(h.deps, {
        mark: `escalation:${R}:test`,
        caseId: R,
        kind: 'escalation',
        recipients: async () => [lead.id, member.id, outsider.id, otherLead.id, listed.id],
      });
      await deliverEvents(h.deps);
      templateId = (await h.deps.db.selectFrom('reply_templates').select('id').where('active', '=', 1).orderBy('id').executeTakeFirstOrThrow()).id;
      // Its lead applies a playbook: its tasks are on the case.
      expect((await applyPlaybook(h.deps, lead.principal, R, 'doxing')).ok).toBe(true);
      taskId = (await h.deps.db.selectFrom('case_tasks').select('id').where('case_id', '=', R).orderBy('position').executeTakeFirstOrThrow()).id;
      // Its lead answers with a file.
      const { payload, headers } = multipart([
        ...fieldParts({ _csrf: lead.csrf, body: 'Here is a guide.' }),
        { name: 'files', filename: 'guide.pdf', type: 'application/pdf', data: pdfOf(2000) },
      ]);
      const sent = await h.app.inject({ method: 'POST', url: `/staff/cases/${R}/replies`, payload, headers: { ...headers, cookie: lead.cookie } });
      expect(sent.statusCode, sent.body).toBe(303);
      const page = await h.app.inject({ url: `/staff/cases/${R}`, headers: { cookie: lead.cookie } });
      fileId = attachmentLinks(page.body)[0]!;
      expect(fileId).toMatch(/^[0-9a-f]{32}$/);
      // Administrators, made last so that nothing above told them of it.
      const adminLead = await person('admin', ['auditor'], 'Administrator of the Americas');
      const adminOutside = await person('admin', ['auditor'], 'Administrator in no team');
      await team(h.deps, { regions: ['americas'], members: [adminLead.id] });
      admins = [
        { label: 'an administrator in no team', f: adminOutside, mayKnow: false },
        { label: 'an administrator in its team', f: adminLead, mayKnow: true },
      ];
      holdsNothing = await person('handler', [], 'Holder of nothing');
    }, 60_000);
    afterAll(async () => h?.close());

    for (const [name, ask, knowers] of ITEM_PATHS) {
      it(`${name}: 404 as for no such case to those who may not know it, answered to those who may`, async () => {
        for (const w of walkers) {
          const known = await ask(h, w, R);
          const unknown = await ask(h, w, UNKNOWN);
          if (w.mayKnow) {
            if (knowers === undefined) expect(known.status, `${w.label}: ${known.body.slice(0, 300)}`).not.toBe(404);
            else expect(known.status, w.label).toBe(knowers);
          } else {
            expect(unknown.status, `${w.label}, no such case`).toBe(404);
            expect(known.status, `${w.label}: ${known.body.slice(0, 300)}`).toBe(404);
            expect(normal(known.body, R), w.label).toBe(normal(unknown.body, UNKNOWN));
            expect(known.location, w.label).toBe(unknown.location);
            expect(known.body, w.label).not.toContain(SECRET);
            expect(known.body, w.label).not.toContain('Quillon');
          }
        }
      });
    }

    for (const [name, ask, shows, typed] of LIST_PATHS) {
      it(`${name}: never names it to those who may not know it, and does to those who may`, async () => {
        for (const w of walkers) {
          const res = await ask(h, w, R);
          expect(res.status, `${w.label}: ${res.body.slice(0, 300)}`).toBe(200);
          if (!w.mayKnow) expect(res.body, w.label).not.toContain(SECRET.slice(0, 30));
          if (typed) {
            // The reader's own filter is shown back to them; beyond it, the page is the one for no such case.
            const none = await ask(h, w, UNKNOWN);
            const echoes = none.body.split(String(UNKNOWN)).length - 1;
            if (w.mayKnow) expect(res.body.split(String(R)).length - 1, w.label).toBeGreaterThan(echoes);
            else expect(normal(res.body, R), w.label).toBe(normal(none.body, UNKNOWN));
            continue;
          }
          const ids = shows === 'both' ? [R, spam] : shows === 'spam' ? [spam] : [R];
          for (const id of [R, spam]) {
            if (w.mayKnow && ids.includes(id)) expect(res.body, `${w.label}, case ${id}`).toContain(String(id));
            if (!w.mayKnow) expect(res.body, `${w.label}, case ${id}`).not.toContain(String(id));
          }
        }
      });
    }

    for (const [name, ask, count, knows] of ADMIN_COUNT_PATHS) {
      it(`${name}: counts it only for an administrator who may know it, with no hint for one who may not`, async () => {
        for (const w of admins) {
          const res = await ask(h, w, listed);
          expect(res.status, `${w.label}: ${res.body.slice(0, 300)}`).toBe(200);
          expect(count(res.body), w.label).toBe(w.mayKnow ? knows : 0);
          expect(res.body, w.label).not.toContain(SECRET.slice(0, 30));
          for (const id of [R, spam]) expect(res.body, `${w.label}, case ${id}`).not.toContain(String(id));
          if (w.mayKnow) continue;
          const none = await ask(h, w, holdsNothing);
          const strip = (body: string, f: StaffFixture) =>
            body.replace(/nonce="[^"]*"/g, 'nonce=""').replaceAll(f.id, 'ID').replaceAll(f.principal.displayName, 'NAME');
          expect(strip(res.body, listed), w.label).toBe(strip(none.body, holdsNothing));
        }
      });
    }

    it('queue total and the spam count leave it out for those who may not know it', async () => {
      const totals = new Map<string, number>();
      for (const w of walkers) {
        const page = await listQueue(h.deps, w.f.principal, { status: 'all' });
        if (!page.ok) throw new Error(page.code);
        totals.set(w.label, page.value.total.count);
        const ids = page.value.rows.map((r) => r.id);
        expect(ids.includes(R), w.label).toBe(w.mayKnow);
        expect(ids, w.label).toContain(open);
        expect(await countWaitingSpam(h.deps, w.f.principal), w.label).toBe(w.mayKnow ? 1 : 0);
      }
      for (const w of walkers) expect(totals.get(w.label), w.label).toBe(w.mayKnow ? 2 : 1);
    });

    it('a bulk change over it is answered as one over no such case, and changes nothing', async () => {
      const bulk = (w: Walker, id: number) =>
        post(h, w, '/staff/cases/bulk', { case: String(id), op: 'status', bulk_status: 'closed', back: '' });
      for (const w of walkers.filter((x) => !x.mayKnow)) {
        const known = await bulk(w, R);
        const unknown = await bulk(w, UNKNOWN);
        expect(known.status, w.label).toBe(303);
        expect(known.location, w.label).toBe(unknown.location);
      }
      // "Mark as spam" (leads): the spam case they may not know is skipped as a number naming nothing.
      const lead2 = walkers.find((w) => w.f === otherLead)!;
      const marked = await post(h, lead2, '/staff/cases/mark-spam', { case: String(spam) });
      const markedNone = await post(h, lead2, '/staff/cases/mark-spam', { case: String(UNKNOWN) });
      expect(marked.status).toBe(303);
      expect(marked.location).toBe(markedNone.location);
      const row = await h.deps.db.selectFrom('cases').select(['status', 'version']).where('id', '=', R).executeTakeFirstOrThrow();
      expect(row.status).not.toBe('closed');
      expect((await h.deps.db.selectFrom('cases').select('status').where('id', '=', spam).executeTakeFirstOrThrow()).status).toBe('new');
      // The one who holds it: the same form names it as changed.
      const mine = await post(h, walkers.find((w) => w.f === listed)!, '/staff/cases/bulk', {
        case: String(R),
        op: 'assign',
        bulk_assignee: listed.id,
        back: '',
      });
      expect(mine.location).toContain('count=1');
    });

    it('notifies and emails only those who may know it, and an email queued before it was restricted is not sent', async () => {
      const told = await h.deps.db
        .selectFrom('notifications')
        .select(['user_id', 'kind', 'email_state', 'id'])
        .where('case_id', '=', R)
        .execute();
      const byKind = (kind: string) => told.filter((n) => n.kind === kind).map((n) => n.user_id).sort();
      // Told before it was restricted: its team.
      expect(byKind('new_request')).toEqual([lead.id, member.id].sort());
      // Told after: only those who may know it.
      expect(byKind('requester_wrote')).toEqual([lead.id]);
      expect(byKind('case_assigned')).toEqual([listed.id]);
      expect(byKind('escalation')).toEqual([lead.id, listed.id].sort());
      for (const n of told.filter((x) => x.kind !== 'new_request'))
        expect([lead.id, listed.id], `${n.kind} to ${n.user_id}`).toContain(n.user_id);
      // The bar's count leaves out, as the list does, what the member was told before it was restricted.
      const unread = await h.deps.db
        .selectFrom('notifications')
        .select('case_id')
        .where('user_id', '=', member.id)
        .where('in_app', '=', 1)
        .where('read_at', 'is', null)
        .execute();
      expect(unread.map((n) => n.case_id)).toContain(R);
      expect(await countUnreadFor(h.deps, member.principal)).toBe(unread.filter((n) => n.case_id !== R && n.case_id !== spam).length);
      expect(await countUnreadFor(h.deps, lead.principal)).toBeGreaterThan(0);
      // The member's email of the new request waits: it is not sent now that they may not know the case.
      const queued = told.find((n) => n.user_id === member.id && n.email_state === 'pending');
      expect(queued).toBeDefined();
      expect(await deliverEmail(h.deps, queued!.id)).toBe('cancelled');
    });

    it('linking to it or merging into it from a case one may know answers as for no such case', async () => {
      for (const w of walkers) {
        const ask = (id: number) =>
          Promise.all([
            post(h, w, `/staff/cases/${open}/links`, { other: String(id) }),
            api(h, w, 'POST', `/cases/${open}/links`, { case: id }),
            // At a stale version: those who may know it are answered CONFLICT, and nothing is merged.
            api(h, w, 'POST', `/cases/${open}/merge`, { into: id, version: 999 }),
          ]);
        const known = await ask(R);
        const unknown = await ask(UNKNOWN);
        for (const [i, k] of known.entries()) {
          if (w.mayKnow) {
            expect(k.status, `${w.label} ${i}`).not.toBe(404);
            continue;
          }
          expect(k.status, `${w.label} ${i}`).toBe(unknown[i]!.status);
          // A page: its error summary and the links section (its audit trail has one more view by then).
          const said = (body: string, id: number) =>
            body.startsWith('{')
              ? body
              : `${/<div class="error-summary"[\s\S]*?<\/div>/.exec(body)?.[0] ?? ''}${body.split('id="links"')[1]?.split('</section>')[0] ?? ''}`
                  .replaceAll(`value="${id}"`, '')
                  .replace(/name="_once" value="[^"]*"/g, '');
          expect(said(k.body, R), `${w.label} ${i}`).toBe(said(unknown[i]!.body, UNKNOWN));
          expect(said(k.body, R).length, `${w.label} ${i}`).toBeGreaterThan(0);
          expect(k.body).not.toContain(SECRET);
        }
      }
      // The walk merged nothing: the open case is not restricted, so no one could merge the restricted case into it.
      expect((await h.deps.db.selectFrom('cases').select('merged_into').where('id', '=', open).executeTakeFirstOrThrow()).merged_into).toBeNull();
    });

    it('answers who may know it, with the lead rule read from the database', async () => {
      const all = [lead, member, outsider, otherLead, listed].map((f) => f.id);
      expect([...(await whoMayKnow(h.deps.db, R, all))].sort()).toEqual([lead.id, listed.id].sort());
      expect([...(await whoMayKnow(h.deps.db, open, all))].sort()).toEqual([...all].sort());
      expect(await whoMayKnow(h.deps.db, UNKNOWN, all)).toEqual(new Set());
      for (const w of walkers) {
        expect(await visibleCaseIds(h.deps.db, w.f.principal, [open, R, UNKNOWN]), w.label).toEqual(
          new Set(w.mayKnow ? [open, R] : [open]),
        );
        expect(await hiddenCaseIds(h.deps.db, w.f.principal, [open, R, UNKNOWN]), w.label).toEqual(
          new Set(w.mayKnow ? [] : [R]),
        );
      }
    });
  });
}

// The restriction itself: who may restrict, the list's rules, one transaction per change, and the
// API's whole-state PUT.
for (const engine of engines) {
  describe.skipIf(!engine.available)(`restricting a case on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let holder: StaffFixture;
    let other: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator');
      holder = await staffMember(h.deps, 'handler');
      other = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
    });
    afterAll(async () => h?.close());

    const fresh = async () => {
      const { caseId } = await newRequest(h.deps);
      expect((await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: holder.id })).ok).toBe(true);
      const v = (await h.deps.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
      return { caseId, version: v };
    };
    const auditOf = async (caseId: number) =>
      (await h.deps.db.selectFrom('audit_log').select(['action', 'detail']).where('case_id', '=', caseId).orderBy('id').execute())
        .filter((a) => a.action.startsWith('case.restricted') || a.action.startsWith('case.unrestricted') || a.action.startsWith('case.access'))
        .map((a) => a.action);

    it('lists the one who restricts and the holder, audits each part, and lifts it keeping the list', async () => {
      const { caseId, version } = await fresh();
      const r = await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, version });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.access.restricted).toBe(true);
      expect(r.value.access.people.map((p) => p.userId).sort()).toEqual([coordinator.id, holder.id].sort());
      expect(await auditOf(caseId)).toEqual(['case.restricted', 'case.access_added', 'case.access_added']);
      // Another handler now gets no such case; the holder still works it.
      expect((await caseAccess(h.deps, other.principal, caseId)).ok).toBe(false);
      expect((await caseAccess(h.deps, holder.principal, caseId)).ok).toBe(true);
      const lifted = await changeAccess(h.deps, holder.principal, caseId, { restricted: false, version: r.value.access.version });
      expect(lifted.ok && lifted.value.access.restricted).toBe(false);
      expect(lifted.ok && lifted.value.access.people.length).toBe(2);
      expect((await caseAccess(h.deps, other.principal, caseId)).ok).toBe(true);
    });

    it('refuses a stale version, a person who cannot work cases, taking oneself or the holder off, and an outsider as assignee', async () => {
      const { caseId, version } = await fresh();
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, version: version - 1 })).toMatchObject({ ok: false, code: 'CONFLICT' });
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'version' });
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { add: [auditor.id] })).toMatchObject({ ok: false, code: 'CASE_ACCESS_PERSON', field: 'person' });
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { add: ['no-such-person'] })).toMatchObject({ ok: false, code: 'CASE_ACCESS_PERSON' });
      const r = await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, version });
      expect(r.ok).toBe(true);
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { remove: [coordinator.id] })).toMatchObject({ ok: false, code: 'CASE_ACCESS_SELF' });
      expect(await changeAccess(h.deps, coordinator.principal, caseId, { remove: [holder.id] })).toMatchObject({ ok: false, code: 'CASE_ACCESS_HOLDER' });
      // Giving it to someone who may not know it is refused, with why; listing them first works.
      expect(await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: other.id })).toMatchObject({
        ok: false,
        code: 'CASE_ASSIGNEE_NOT_LISTED',
        field: 'assignee_id',
      });
      expect((await changeAccess(h.deps, coordinator.principal, caseId, { add: [other.id] })).ok).toBe(true);
      expect((await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: other.id })).ok).toBe(true);
      // A handler who does not hold it may not change who may know it.
      expect(await changeAccess(h.deps, holder.principal, caseId, { remove: [other.id] })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    });

    it('changes nothing when a part is refused: the flag, the list and the audit go together', async () => {
      const { caseId, version } = await fresh();
      const before = await auditOf(caseId);
      const r = await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, add: [other.id, auditor.id], version });
      expect(r).toMatchObject({ ok: false, code: 'CASE_ACCESS_PERSON' });
      const row = await h.deps.db.selectFrom('cases').select(['restricted', 'version']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(row).toEqual({ restricted: 0, version });
      expect(await h.deps.db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).execute()).toEqual([]);
      expect(await auditOf(caseId)).toEqual(before);
    });

    it('the case page offers the section, and its forms restrict, list and take off through plain posts', async () => {
      const { caseId } = await fresh();
      const page = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: coordinator.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Who may know this case');
      const once = /name="_once" value="([^"]+)"/g;
      const tokens = [...page.body.matchAll(once)].map((m) => m[1]!);
      const access = tokens[tokens.length - 1]!;
      const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
      const send = (path: string, fields: Record<string, string>) =>
        h.app.inject({
          method: 'POST',
          url: `/staff/cases/${caseId}${path}`,
          payload: new URLSearchParams({ _csrf: coordinator.csrf, ...fields }).toString(),
          headers: { cookie: coordinator.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        });
      const restricted = await send('/restriction', { restricted: 'yes', version, _once: access });
      expect(restricted.statusCode, restricted.body).toBe(303);
      // The same form again: its token is spent, nothing changes twice.
      const again = await send('/restriction', { restricted: 'yes', version, _once: access });
      expect(again.statusCode).toBe(303);
      expect(await auditOf(caseId)).toEqual(['case.restricted', 'case.access_added', 'case.access_added']);
      expect((await send('/access', { person: other.id })).statusCode).toBe(303);
      expect((await send('/access/remove', { person: other.id })).statusCode).toBe(303);
      // Invalid: the page again with the error, in the person's language; a control character too.
      const bad = await send('/access', { person: auditor.id });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('This person cannot work on cases.');
      expect((await send('/access', { person: 'a\u0000b' })).statusCode).toBe(422);
      expect((await send('/access', { person: 'x'.repeat(65) })).statusCode).toBe(422);
      expect((await send('/restriction', { restricted: 'maybe', version })).statusCode).toBe(422);
      const shown = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: coordinator.cookie } });
      expect(shown.body).toContain('Lift the restriction');
      // An auditor works no case: the route is refused for the role.
      const refused = await h.app.inject({
        method: 'POST',
        url: `/staff/cases/${caseId}/restriction`,
        payload: new URLSearchParams({ _csrf: auditor.csrf, restricted: 'no', version }).toString(),
        headers: { cookie: auditor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(refused.statusCode).toBe(403);
    });

    it('the API reads and sets the whole state, validates it, and answers 409 on a stale version', async () => {
      const { caseId, version } = await fresh();
      const put = (who: StaffFixture, body: unknown) =>
        h.app.inject({
          method: 'PUT',
          url: `/api/v1/cases/${caseId}/access`,
          headers: { authorization: who.bearer, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
      const ok = await put(coordinator, { restricted: true, people: [other.id], version });
      expect(ok.statusCode, ok.body).toBe(200);
      const state = ok.json() as { restricted: boolean; people: { id: string }[]; version: number };
      expect(state.restricted).toBe(true);
      expect(state.people.map((p) => p.id).sort()).toEqual([coordinator.id, holder.id, other.id].sort());
      expect((await put(coordinator, { restricted: true, people: [other.id], version })).statusCode).toBe(409);
      expect((await put(coordinator, { restricted: true, people: [other.id, other.id], version: state.version })).statusCode).toBe(422);
      expect((await put(coordinator, { restricted: 'yes', people: [], version: state.version })).statusCode).toBe(422);
      expect((await put(coordinator, { restricted: true, people: [], version: state.version, extra: 1 })).statusCode).toBe(422);
      expect((await put(coordinator, { restricted: true, people: Array.from({ length: 201 }, (_, i) => `p${i}`), version: state.version })).statusCode).toBe(422);
      // Taking the holder off a restricted case is refused with why, and nothing changes.
      const holderOff = await put(coordinator, { restricted: true, people: [other.id], version: state.version });
      expect(holderOff.statusCode).toBe(422);
      expect(holderOff.json()).toMatchObject({ error: { code: 'CASE_ACCESS_HOLDER', field: 'person' } });
      expect(await putAccess(h.deps, coordinator.principal, caseId, { restricted: true, people: [], version: state.version })).toMatchObject({
        ok: false,
        code: 'CASE_ACCESS_HOLDER',
      });
      // Lifting it while keeping the list.
      const lifted = await put(coordinator, { restricted: false, people: [holder.id, other.id], version: state.version });
      expect(lifted.statusCode, lifted.body).toBe(200);
      expect(lifted.json()).toMatchObject({ restricted: false });
      const read = await h.app.inject({ url: `/api/v1/cases/${caseId}/access`, headers: { authorization: other.bearer } });
      expect(read.statusCode).toBe(200);
    });

    it('two changes at once: one wins, the other is refused as stale, and the list holds one of each', async () => {
      const { caseId, version } = await fresh();
      const [a, b] = await Promise.all([
        changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, version }),
        changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, version }),
      ]);
      expect([a.ok, b.ok].sort()).toEqual([false, true]);
      expect(await auditOf(caseId)).toEqual(['case.restricted', 'case.access_added', 'case.access_added']);
    });
  });
}

// Disabling a person who holds restricted cases (ADR 32's addendum): the administrator is shown,
// and moves, only the cases they may know; the others are never counted to them, yet none is
// left with an account nobody can sign in to: reassigning gives each to the new holder if they
// may know it, else releases it, and disabling releases those the administrator could not see.
for (const engine of engines) {
  describe.skipIf(!engine.available)(`disabling a holder of restricted cases on ${engine.name}`, () => {
    let h: Harness;
    let adminOutside: StaffFixture;
    let adminLead: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      adminOutside = await staffMember(h.deps, 'admin', 'Administrator in no team');
      adminLead = await staffMember(h.deps, 'admin', 'Administrator of the Americas');
      await team(h.deps, { regions: ['americas'], members: [adminLead.id] });
    });
    afterAll(async () => h?.close());

    const form = (f: StaffFixture, url: string, fields: Record<string, string> = {}) =>
      h.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams({ _csrf: f.csrf, ...fields }).toString(),
        headers: { cookie: f.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    const assigneeOf = async (id: number) =>
      (await h.deps.db.selectFrom('cases').select('assignee_id').where('id', '=', id).executeTakeFirstOrThrow()).assignee_id;
    const versionOf = async (id: number) =>
      (await h.deps.db.selectFrom('cases').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
    /** Two open cases held by `holder`, one everyone may know and one restricted to the holder (and its team's leads). */
    async function holding(holder: StaffFixture) {
      const plain = (await newRequest(h.deps)).caseId;
      const hidden = (await newRequest(h.deps)).caseId;
      for (const id of [plain, hidden]) expect((await updateCase(h.deps, adminLead.principal, id, { assignee_id: holder.id })).ok).toBe(true);
      expect((await changeAccess(h.deps, adminLead.principal, hidden, { restricted: true, version: await versionOf(hidden) })).ok).toBe(true);
      return { plain, hidden };
    }

    it('reassigning counts only what the administrator may know, and releases what the new holder may not know', async () => {
      const from = await staffMember(h.deps, 'handler');
      const to = await staffMember(h.deps, 'handler');
      const { plain, hidden } = await holding(from);
      const page = await h.app.inject({ url: `/staff/users/${from.id}/disable`, headers: { cookie: adminOutside.cookie } });
      expect(page.body).toContain('holds 1 open case you can see');
      const res = await form(adminOutside, `/staff/users/${from.id}/reassign`, { to: to.id });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe(`/staff/users/${from.id}/disable?done=cases_reassigned&count=1`);
      expect(await assigneeOf(plain)).toBe(to.id);
      // Not listed, the new holder may not know it: released, for its team's leads to find unassigned.
      expect(await assigneeOf(hidden)).toBeNull();
      // An administrator who may know it is counted and moves it all.
      const from2 = await staffMember(h.deps, 'handler');
      await holding(from2);
      const seen = await h.app.inject({ url: `/staff/users/${from2.id}/disable`, headers: { cookie: adminLead.cookie } });
      expect(seen.body).toContain('holds 2 open cases you can see');
    });

    it('disabling releases the restricted cases the administrator could not see, and keeps the rest with the person', async () => {
      const from = await staffMember(h.deps, 'handler');
      const { plain, hidden } = await holding(from);
      const page = await h.app.inject({ url: `/staff/users/${from.id}/disable`, headers: { cookie: adminOutside.cookie } });
      expect(page.body).toContain('holds 1 open case you can see');
      const done = await form(adminOutside, `/staff/users/${from.id}/disable`, { confirm: 'yes' });
      expect(done.statusCode, done.body).toBe(303);
      expect(await assigneeOf(plain)).toBe(from.id);
      expect(await assigneeOf(hidden)).toBeNull();
      const audit = await h.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'case.assigned').where('case_id', '=', hidden).orderBy('id').execute();
      expect(JSON.parse(audit[audit.length - 1]!.detail!)).toEqual({ from: from.id, to: null });
      expect(audit[audit.length - 1]!.actor_id).toBe(adminOutside.id);
      // Its team's lead finds it, unassigned; the administrator who disabled still does not.
      const leadQueue = await listQueue(h.deps, adminLead.principal, { status: 'all', assignee: 'unassigned' });
      expect(leadQueue.ok && leadQueue.value.rows.map((r) => r.id)).toContain(hidden);
      const outsideQueue = await listQueue(h.deps, adminOutside.principal, { status: 'all' });
      expect(outsideQueue.ok && outsideQueue.value.rows.map((r) => r.id)).not.toContain(hidden);

      // An administrator who may know a restricted case is shown it, and it stays with the person as the others do.
      const from2 = await staffMember(h.deps, 'handler');
      const two = await holding(from2);
      expect((await form(adminLead, `/staff/users/${from2.id}/disable`, { confirm: 'yes' })).statusCode).toBe(303);
      expect(await assigneeOf(two.hidden)).toBe(from2.id);
      expect(await assigneeOf(two.plain)).toBe(from2.id);
    });
  });
}
