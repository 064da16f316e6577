import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { EXPORT_BATCH, PAGE_SIZE } from './audit.service.js';

// The audit log page and its export through the real app, on both engines: entries of every
// kind of actor, each filter, keyset pages walked to the end, the CSV, the roles refused, and
// filters that no form sends.

const DAY = 24 * 60 * 60 * 1000;
const NOV_21 = Date.UTC(2026, 10, 21);

/** Every `seq: n` an audit page or export shows, in order. */
const seqs = (body: string): number[] => [...body.matchAll(/seq: (\d+)/g)].map((m) => Number(m[1]));

/** The entries of the table (its body rows), as text. */
function rows(body: string): string[] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
}

const decode = (s: string) => s.replace(/&amp;/g, '&');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/audit on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let auditor: StaffSignIn;
    let amal: StaffSignIn;

    const get = (url: string, who: StaffSignIn | null = admin) =>
      h.app.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });

    async function countOf(action: string): Promise<number> {
      const r = await sql<{ n: number | string }>`select count(*) as n from audit_log where action = ${action}`.execute(h.deps.db);
      return Number(r.rows[0]!.n);
    }

    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin', { displayName: 'Ada Admin' });
      auditor = await signInAs(h, 'auditor', { displayName: 'Aud Itor' });
      // A name a spreadsheet would run as a formula, with a comma and quotes to escape.
      amal = await signInAs(h, 'handler', { displayName: '=HYPERLINK("x"), Amal' });
      const db = h.deps.db;
      // Around the edges of 21 November (UTC), each entry numbered by `seq`.
      await recordAudit(db, NOV_21 - 1, { actorKind: 'staff', actorId: amal.userId, action: 'case.viewed', caseId: 101, detail: { seq: 1 } });
      await recordAudit(db, NOV_21, { actorKind: 'api', actorId: amal.userId, action: 'case.triaged', caseId: 102, detail: { seq: 2, fields: 'urgency,region' } });
      await recordAudit(db, NOV_21 + DAY - 1, { actorKind: 'requester', actorId: null, action: 'case.created', caseId: 103, detail: { seq: 3 } });
      await recordAudit(db, NOV_21 + DAY, { actorKind: 'system', actorId: null, action: 'retention.run', caseId: null, detail: { seq: 4, note: '-1+2' } });
      await recordAudit(db, NOV_21 + DAY, { actorKind: 'staff', actorId: admin.userId, action: 'case.viewed', caseId: 101, detail: { seq: 5 } });
    }, 60_000);

    afterAll(async () => h?.close());

    it('lists entries of every kind newest first: who by name, what, which case, when, and the detail', async () => {
      const before = await countOf('audit.viewed');
      const res = await get('/staff/audit?action=case.viewed');
      expect(res.statusCode, res.body).toBe(200);
      expect(seqs(res.body)).toEqual([5, 1]);
      const all = await get('/staff/audit');
      // Sign-ins and the page's own views are entries too; ours come in order among them.
      expect(seqs(all.body)).toEqual([5, 4, 3, 2, 1]);
      const body = all.body;
      const [e5, e4, e3, e2] = rows(body).filter((r) => /seq: [2-5]/.test(r));
      expect(e5).toContain('<bdi>Ada Admin</bdi>');
      expect(e5).toContain('<a href="/staff/cases/101">Case 101</a>');
      expect(e5).toContain(`<time datetime="${new Date(NOV_21 + DAY).toISOString()}">`);
      expect(e5).toMatch(/<code dir="ltr"><bdi>case\.viewed<\/bdi><\/code>/);
      expect(e4).toContain('Haven (automatic)');
      expect(e4).not.toContain('/staff/cases/');
      expect(e3).toContain('The requester');
      // A name in a sentence is isolated from the page's direction.
      expect(decode(e2!)).toContain('\u2068=HYPERLINK(&quot;x&quot;), Amal\u2069 (API)');
      expect(e2).toContain('fields: urgency,region');
      // The view is audited with its filters; so is every page.
      expect(await countOf('audit.viewed')).toBe(before + 2);
      const last = await sql<{ detail: string; actor_id: string }>`select detail, actor_id from audit_log where action = 'audit.viewed' order by id desc limit 2`.execute(h.deps.db);
      expect(last.rows.map((r) => JSON.parse(r.detail))).toEqual([{ page: 'first' }, { action: 'case.viewed', page: 'first' }]);
      expect(last.rows[0]!.actor_id).toBe(admin.userId);
    });

    it('names each action in words in the language of the reader, its code beside it; an action it has no words for stays a code', async () => {
      await recordAudit(h.deps.db, NOV_21 + 2 * DAY, { actorKind: 'system', actorId: null, action: 'case.playbook_applied', caseId: 104, detail: { seq: 6 } });
      const row = async (locale: string) => {
        await h.deps.db.updateTable('users').set({ locale }).where('id', '=', admin.userId).execute();
        const res = await get('/staff/audit?case=104');
        expect(res.statusCode).toBe(200);
        return { row: rows(res.body).find((r) => r.includes('seq: 6'))!, body: res.body };
      };
      try {
        const en = await row('en');
        expect(en.row).toContain('Applied a playbook');
        expect(en.row).toMatch(/<code dir="ltr"><bdi>case\.playbook_applied<\/bdi><\/code>/);
        // The filter offers the action by its words, its value still the code.
        expect(en.body).toMatch(/<option value="case\.playbook_applied">Applied a playbook \u2068case\.playbook_applied\u2069<\/option>/);
        expect((await row('es')).row).toContain('Aplicó un protocolo');
        const ar = await row('ar');
        expect(ar.body).toContain('dir="rtl"');
        expect(ar.row).toContain('طبّق دليل إجراءات');
      } finally {
        await h.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', admin.userId).execute();
      }
      // An action no version of Haven labelled (an old one, say): its code alone.
      const old = rows((await get('/staff/audit?action=retention.run')).body)[0]!;
      expect(old).toMatch(/<td>\s*<code dir="ltr"><bdi>retention\.run<\/bdi><\/code>\s*<\/td>/);
    });

    it('filters by person, action, case and days in UTC, both days included', async () => {
      expect(seqs((await get(`/staff/audit?actor=${amal.userId}`)).body)).toEqual([2, 1]);
      expect(seqs((await get('/staff/audit?action=retention.run')).body)).toEqual([4]);
      expect(seqs((await get('/staff/audit?case=101')).body)).toEqual([5, 1]);
      expect(seqs((await get('/staff/audit?from=2026-11-21&to=2026-11-21')).body)).toEqual([3, 2]);
      expect(seqs((await get('/staff/audit?from=2026-11-22&action=case.viewed')).body)).toEqual([5]);
      expect(seqs((await get('/staff/audit?to=2026-11-20')).body)).toEqual([1]);
      expect(seqs((await get(`/staff/audit?actor=${amal.userId}&case=102&from=2026-11-21`)).body)).toEqual([2]);
      const none = await get('/staff/audit?case=999');
      expect(none.statusCode).toBe(200);
      expect(none.body).toContain('No entry matches these filters.');
      // The form shows the filters again, and offers the actions the log holds.
      const page = await get('/staff/audit?action=case.triaged&from=2026-11-21');
      expect(page.body).toContain('<option value="case.triaged" selected>');
      expect(page.body).toContain('<option value="retention.run">');
      expect(page.body).toMatch(/name="from" type="date" value="2026-11-21"/);
      expect(page.body).toContain('href="/staff/audit.csv?action=case.triaged&amp;from=2026-11-21"');
    });

    it('walks every page of a long log by keyset, without a gap or a repeat', async () => {
      const db = h.deps.db;
      const total = PAGE_SIZE * 2 + 7;
      // Many entries share a time, so the order falls back to the id.
      for (let i = 0; i < total; i++) {
        await recordAudit(db, Date.UTC(2026, 9, 1) + Math.floor(i / 10) * 1000, { actorKind: 'system', actorId: null, action: 'test.paged', caseId: null, detail: { seq: 1000 + i } });
      }
      const seen: number[] = [];
      let url: string | null = '/staff/audit?action=test.paged';
      let pages = 0;
      while (url) {
        const res = await get(url);
        expect(res.statusCode, res.body).toBe(200);
        seen.push(...seqs(res.body));
        pages += 1;
        if (pages > 1) expect(res.body).toContain('href="/staff/audit?action=test.paged">Newest entries</a>');
        const next = /<a href="([^"]+)">Older entries<\/a>/.exec(res.body)?.[1];
        url = next ? decode(next) : null;
        // Entries written meanwhile are newer: they never push one onto a later page.
        await recordAudit(db, Date.UTC(2026, 9, 1), { actorKind: 'system', actorId: null, action: 'test.other', caseId: null });
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => 1000 + total - 1 - i));
    });

    it('exports the filtered entries as CSV: a header, RFC 4180 quoting, no formula runs, audited', async () => {
      const before = await countOf('audit.exported');
      const res = await get(`/staff/audit.csv?actor=${amal.userId}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="haven-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('id,at_utc,actor_kind,actor_id,actor_name,action,case_id,detail');
      expect(lines[lines.length - 1]).toBe('');
      // Amal's sign-in is hers too; our two entries come last, newest first.
      const ours = lines.filter((l) => l.includes('seq'));
      expect(ours).toHaveLength(2);
      expect(lines.slice(-3, -1)).toEqual(ours);
      const [second, first] = ours;
      expect(second).toMatch(
        new RegExp(
          `^\\d+,2026-11-21T00:00:00\\.000Z,api,${amal.userId},"'=HYPERLINK\\(""x""\\), Amal",case\\.triaged,102,"\\{""seq"":2,""fields"":""urgency,region""\\}"$`,
        ),
      );
      expect(first).toMatch(/^\d+,2026-11-20T23:59:59\.999Z,staff,[^,]+,"'=HYPERLINK\(""x""\), Amal",case\.viewed,101,"\{""seq"":1\}"$/);
      expect(await countOf('audit.exported')).toBe(before + 1);
      const entry = await sql<{ detail: string }>`select detail from audit_log where action = 'audit.exported' order by id desc limit 1`.execute(h.deps.db);
      expect(JSON.parse(entry.rows[0]!.detail)).toEqual({ actor: amal.userId });

      // Every batch of a long export is read: all the paged entries, newest first.
      const paged = await get('/staff/audit.csv?action=test.paged', auditor);
      expect(paged.statusCode).toBe(200);
      expect(paged.body.split('\r\n')).toHaveLength(PAGE_SIZE * 2 + 7 + 2);
      const system = await get('/staff/audit.csv?action=retention.run');
      // A cell that starts with - or + is quoted too.
      expect(system.body.split('\r\n')[1]).toMatch(/,system,,,retention\.run,,"\{""seq"":4,""note"":""-1\+2""\}"$/);
    });

    it('exports a log longer than one batch whole, newest first, without a gap or a repeat', async () => {
      const n = EXPORT_BATCH * 2 + 50;
      const at = Date.UTC(2026, 8, 1);
      // Every entry at one of three times, so batches end in the middle of a tie.
      const values = Array.from({ length: n }, (_, i) => ({ at: at + (i % 3), actor_kind: 'system', actor_id: null, action: 'test.bulk', case_id: null, detail: JSON.stringify({ seq: i }) }));
      for (let i = 0; i < n; i += 200) await h.deps.db.insertInto('audit_log').values(values.slice(i, i + 200)).execute();
      const res = await get('/staff/audit.csv?action=test.bulk');
      expect(res.statusCode).toBe(200);
      const lines = res.body.split('\r\n').slice(1, -1);
      expect(lines).toHaveLength(n);
      const keys = lines.map((l) => {
        const [id, when] = l.split(',');
        return { id: Number(id), at: Date.parse(when!) };
      });
      for (let i = 1; i < keys.length; i++) {
        const [a, b] = [keys[i - 1]!, keys[i]!];
        expect(a.at > b.at || (a.at === b.at && a.id > b.id), `line ${i}`).toBe(true);
      }
      expect(new Set(keys.map((k) => k.id)).size).toBe(n);
    });

    it('opens to auditors; refuses handlers and coordinators as the policy does; sends nobody to sign in', async () => {
      const page = await get('/staff/audit', auditor);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<a href="/staff/audit" aria-current="page">Audit log</a>');
      const handler = amal;
      const coordinator = await signInAs(h, 'coordinator');
      const forbidden = h.deps.i18n.translator('en')('common.error.forbidden');
      for (const who of [handler, coordinator]) {
        for (const url of ['/staff/audit', '/staff/audit.csv']) {
          const res = await get(url, who);
          expect(res.statusCode, url).toBe(403);
          expect(res.body).toContain(forbidden);
          expect(res.body).not.toContain('seq:');
        }
        expect((await get('/staff/account', who)).body).not.toContain('href="/staff/audit"');
      }
      for (const url of ['/staff/audit', '/staff/audit.csv?action=case.viewed']) {
        const res = await get(url, null);
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/staff/sign-in');
      }
    });

    it('answers filters no form sends with the field named, and lists nothing', async () => {
      const cases: [string, string, string][] = [
        ['from=2026-02-30', 'from', 'Enter a real day as YYYY-MM-DD'],
        ['to=yesterday', 'to', 'Enter a real day as YYYY-MM-DD'],
        ['from=2026-11-22&to=2026-11-21', 'to', 'The last day must be the same as the first day or after it.'],
        ['action=case.deleted_everything', 'action', 'Choose an action from the list.'],
        ['action=DROP%20TABLE', 'action', 'Choose an action from the list.'],
        ['actor=00000000-0000-0000-0000-000000000000', 'actor', 'Choose a person from the list.'],
        ['case=12abc', 'case', 'Enter a case number'],
        ['case=99999999999', 'case', 'Enter a case number'],
        [`case=${'9'.repeat(5000)}`, 'case', 'Enter a case number'],
        [`actor=${'a'.repeat(6000)}`, 'actor', 'Choose a person from the list.'],
        [`from=${'2'.repeat(6000)}`, 'from', 'Enter a real day as YYYY-MM-DD'],
      ];
      const before = await countOf('audit.viewed');
      for (const [qs, field, message] of cases) {
        const res = await get(`/staff/audit?${qs}`);
        expect(res.statusCode, qs).toBe(422);
        expect(res.body, qs).toContain(`href="#f-${field}"`);
        expect(res.body, qs).toContain(`<p class="field-error" id="e-${field}">${message}`);
        expect(res.body, qs).not.toContain('seq:');
        expect(res.body, qs).not.toContain('/staff/audit.csv');
        // A huge value is never echoed whole.
        expect(res.body.length, qs).toBeLessThan(20_000);
        const csv = await get(`/staff/audit.csv?${qs}`);
        expect(csv.statusCode, qs).toBe(422);
        expect(csv.headers['content-type'], qs).toMatch(/^text\/html/);
      }
      const cursor = await get('/staff/audit?cursor=not-a-cursor');
      expect(cursor.statusCode).toBe(422);
      expect(cursor.body).not.toContain('seq:');
      // Nothing was listed, so nothing was viewed.
      expect(await countOf('audit.viewed')).toBe(before);
    });
  });
}
