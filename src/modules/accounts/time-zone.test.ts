import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs } from '../../../test/staff-session.js';
import { principalForToken } from '../../platform/auth/api-token.js';
import { canonicalTimeZone } from '../../platform/i18n/zones.js';
import { formatTime } from '../../platform/views/time.js';
import { newRequest, staffMember } from '../cases/case.fixtures.js';

// Each person's time zone (ADR 28) on both engines: chosen on the account page from the list,
// validated (an unknown, malformed or oversized zone refused with a message and nothing saved),
// audited in the same transaction, carried by the session and the API token, and every staff
// time then shown in it with the zone named, while <time datetime> stays ISO in UTC.

const KOLKATA = canonicalTimeZone('Asia/Kolkata')!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`each person's time zone (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    const get = (url: string, cookie: string) => h.app.inject({ method: 'GET', url, headers: { cookie } });
    const zoneOf = async (userId: string) =>
      (await h.deps.db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirstOrThrow()).time_zone;
    const auditOf = async (userId: string) =>
      (
        await h.deps.db
          .selectFrom('audit_log')
          .select(['actor_id', 'detail', 'at'])
          .where('action', '=', 'account.time_zone_changed')
          .where('actor_id', '=', userId)
          .orderBy('id')
          .execute()
      ).map((r) => ({ actor: r.actor_id, detail: JSON.parse(r.detail ?? '{}') as Record<string, unknown>, at: Number(r.at) }));

    it('starts in UTC, saves a zone from the list, audits it, and the account page then shows it', async () => {
      const s = await signInAs(h, 'handler');
      expect(await zoneOf(s.userId)).toBe('UTC');
      const before = await get('/staff/account', s.cookie);
      expect(before.statusCode).toBe(200);
      expect(before.body).toContain('<option value="UTC" selected>UTC</option>');
      expect(before.body).toContain('<option value="America/Port_of_Spain">America/Port of Spain</option>');
      expect(before.body).toContain(formatTime({ locale: 'en', timeZone: 'UTC' }, h.clock.now()));

      const res = await postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'Asia/Kolkata' }, s.cookie);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/account?done=time_zone');
      // Stored under the name the list offers (ICU's spelling), so the page shows it chosen.
      expect(await zoneOf(s.userId)).toBe(KOLKATA);
      expect(await auditOf(s.userId)).toEqual([
        { actor: s.userId, detail: { user: s.userId, time_zone: KOLKATA }, at: h.clock.now() },
      ]);
      const after = await get('/staff/account?done=time_zone', s.cookie);
      expect(after.body).toContain('Time zone saved.');
      expect(after.body).toContain(`<option value="${KOLKATA}" selected>`);
      expect(after.body).toContain(formatTime({ locale: 'en', timeZone: KOLKATA }, h.clock.now()));
      expect(after.body).toContain('GMT+5:30');
    });

    it('refuses an unknown, malformed, oversized or missing zone with a message, saving nothing', async () => {
      const s = await signInAs(h, 'handler');
      await postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'America/Bogota' }, s.cookie);
      const choose = 'Elige una zona horaria de la lista.';
      const controls = 'Tenía caracteres de control invisibles';
      for (const [bad, message] of [
        [{ time_zone: 'Mars/Olympus_Mons' }, choose],
        [{ time_zone: '' }, choose],
        [{ time_zone: 'Europe/' + 'x'.repeat(5000) }, choose],
        [{ time_zone: '+05:30' }, choose],
        [{ time_zone: 'utc; drop table users' }, choose],
        [{}, choose],
        [{ time_zone: 'Europe/Paris\u202e' }, choose],
        [{ time_zone: 'Europe/Paris\u0007' }, controls],
      ] as const) {
        const res = await postForm(h, '/staff/account/time-zone?lang=es', { _csrf: s.csrf, ...bad }, s.cookie);
        const what = JSON.stringify(bad).slice(0, 60);
        expect(res.statusCode, what).toBe(422);
        expect(res.body, what).toContain('class="error-summary"');
        expect(res.body, what).toContain(message);
      }
      const nul = await postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'UTC\u0000' }, s.cookie);
      expect(nul.statusCode).toBe(422);
      expect(await zoneOf(s.userId)).toBe('America/Bogota');
      expect((await auditOf(s.userId)).map((a) => a.detail.time_zone)).toEqual(['America/Bogota']);
    });

    it('refuses a change without the form token or without a session, saving nothing', async () => {
      const s = await signInAs(h, 'handler');
      const noToken = await postForm(h, '/staff/account/time-zone', { time_zone: 'Asia/Tokyo' }, s.cookie);
      expect(noToken.statusCode).toBe(403);
      const nobody = await h.app.inject({
        method: 'POST',
        url: '/staff/account/time-zone',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'time_zone=Asia%2FTokyo',
      });
      expect([303, 401, 403]).toContain(nobody.statusCode);
      expect(await zoneOf(s.userId)).toBe('UTC');
      expect(await auditOf(s.userId)).toEqual([]);
    });

    it('lets every role set their own zone, and only their own', async () => {
      for (const role of ['admin', 'coordinator', 'auditor'] as const) {
        const s = await signInAs(h, role);
        const other = await signInAs(h, 'handler');
        const res = await postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'Africa/Nairobi', user_id: other.userId }, s.cookie);
        expect(res.statusCode, role).toBe(303);
        expect(await zoneOf(s.userId)).toBe('Africa/Nairobi');
        expect(await zoneOf(other.userId)).toBe('UTC');
      }
    });

    it('keeps one of two changes sent at once, each audited', async () => {
      const s = await signInAs(h, 'handler');
      const [a, b] = await Promise.all([
        postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'Europe/Paris' }, s.cookie),
        postForm(h, '/staff/account/time-zone', { _csrf: s.csrf, time_zone: 'America/Bogota' }, s.cookie),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
      const audited = (await auditOf(s.userId)).map((x) => x.detail.time_zone);
      expect([...audited].sort()).toEqual(['America/Bogota', 'Europe/Paris']);
      // The zone kept is the one audited last.
      expect(await zoneOf(s.userId)).toBe(audited[1]);
    });

    it("shows a case page's and the queue's times in the person's zone, named, with ISO UTC for machines", async () => {
      const me = await staffMember(h.deps, 'handler', 'Zone Handler');
      const asked = h.clock.now();
      const { caseId } = await newRequest(h.deps, { language: 'en' });
      const kolkata = { locale: 'en', timeZone: KOLKATA };
      expect((await postForm(h, '/staff/account/time-zone', { _csrf: me.csrf, time_zone: 'Asia/Kolkata' }, me.cookie)).statusCode).toBe(303);

      const page = await get(`/staff/cases/${caseId}`, me.cookie);
      expect(page.statusCode).toBe(200);
      const moment = `<time datetime="${new Date(asked).toISOString()}">${formatTime(kolkata, asked)}</time>`;
      expect(page.body).toContain(moment);
      // 09:00 UTC is 14:30 in Kolkata, and the zone is named.
      expect(formatTime(kolkata, asked)).toMatch(/02:30\sPM GMT\+5:30$/);
      expect(page.body).not.toContain(formatTime({ locale: 'en', timeZone: 'UTC' }, asked));

      // In another language, the same zone: the formatter follows both.
      const ru = await get(`/staff/cases/${caseId}?lang=ru`, me.cookie);
      expect(ru.body).toContain(formatTime({ locale: 'ru', timeZone: KOLKATA }, asked));
      expect(formatTime({ locale: 'ru', timeZone: KOLKATA }, asked)).toContain('14:30 GMT+5:30');

      // A colleague in UTC sees the same moment in UTC, named.
      const colleague = await staffMember(h.deps, 'coordinator', 'UTC Coordinator');
      const theirs = await get(`/staff/cases/${caseId}`, colleague.cookie);
      expect(theirs.body).toContain(
        `<time datetime="${new Date(asked).toISOString()}">${formatTime({ locale: 'en', timeZone: 'UTC' }, asked)}</time>`,
      );
      expect(formatTime({ locale: 'en', timeZone: 'UTC' }, asked)).toMatch(/09:00\sAM UTC$/);

      // The API token carries the zone too.
      const viaToken = await principalForToken(h.deps, me.bearer.slice('Bearer '.length));
      expect(viaToken?.timeZone).toBe(KOLKATA);
    });

    it('shows UTC for a stored zone Haven no longer knows, rather than failing the page', async () => {
      const me = await staffMember(h.deps, 'handler');
      await h.deps.db.updateTable('users').set({ time_zone: 'Mars/Olympus_Mons' }).where('id', '=', me.id).execute();
      const { caseId } = await newRequest(h.deps);
      const page = await get(`/staff/cases/${caseId}`, me.cookie);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(formatTime({ locale: 'en', timeZone: 'UTC' }, h.clock.now()));
      const account = await get('/staff/account', me.cookie);
      expect(account.body).toContain('<option value="UTC" selected>UTC</option>');
    });
  });
}
