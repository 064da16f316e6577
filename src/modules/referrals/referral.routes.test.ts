import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField } from '../../../test/staff-session.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { purgeCasePersonalData } from '../cases/index.js';
import { PUBLIC_KEY, PUBLIC_KEY_FINGERPRINT } from '../settings/settings.test-helpers.js';
import { unitListFor } from '../../platform/i18n/formats.js';

// Partners and referrals over HTTP on both engines. The directory: a coordinator adds and
// changes partners (audited, each form once), refused input changes nothing, a handler reads
// but may not edit, an auditor may not read; the filters. A referral: refused without the
// requester's consent for an identifying item (nothing saved); saved with it in one
// transaction, audited with what was shared and never the content; the same form twice
// refers once; an unknown or restricted case is the same 404; the letter in Arabic, audited as
// a case read; an outcome closes the follow-up.

const CONTACT = '+52 55 1234 5678';
const DESCRIPTION = 'Someone is logging into my email from abroad and reading my sources.';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`partners and referrals on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let outsider: StaffFixture;
    let auditor: StaffFixture;
    let caseId: number;

    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      outsider = await staffMember(h.deps, 'handler', 'Otto Outsider');
      auditor = await staffMember(h.deps, 'auditor', 'Au Auditor');
      caseId = (await newRequest(h.deps, { description: DESCRIPTION, contact: CONTACT, language: 'ar' })).caseId;
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
    const audits = (action: string) => h.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const count = async (table: 'partners' | 'referrals' | 'referral_consents') =>
      Number((await h.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    const partnerFields = (name: string, extra: [string, string][] = []): [string, string][] => [
      ['name', name],
      ['description', 'Pro bono lawyers for journalists.'],
      ['services', 'legal'],
      ['services', 'psychosocial'],
      ['regions', 'americas'],
      ['languages', 'es'],
      ['languages', 'ar'],
      ['contact_kind', 'email'],
      ['contact_address', 'intake@lawyers.example.org'],
      ['pgp_key', PUBLIC_KEY],
      ...extra,
    ];

    async function addPartner(name: string): Promise<string> {
      const page = await get(coordinator, '/staff/partners');
      const res = await post(coordinator, '/staff/partners', [...partnerFields(name), ['_once', hiddenField(page.body, '_once')]]);
      expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
      return String(res.headers.location).split('/').pop()!.split('?')[0]!;
    }

    it('adds a partner, audited, once per form, with its key fingerprint shown', async () => {
      const before = (await audits('partner.created')).length;
      const page = await get(coordinator, '/staff/partners');
      const once = hiddenField(page.body, '_once');
      const res = await post(coordinator, '/staff/partners', [...partnerFields('Lawyers for Press Freedom'), ['_once', once]]);
      expect(res.statusCode).toBe(303);
      expect(String(res.headers.location)).toMatch(/^\/staff\/partners\/[0-9a-f-]{36}\?done=created$/);
      const again = await post(coordinator, '/staff/partners', [...partnerFields('Lawyers for Press Freedom'), ['_once', once]]);
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe('/staff/partners?done=repeated');
      const created = await audits('partner.created');
      expect(created.length).toBe(before + 1);
      expect(created.at(-1)!.actor_id).toBe(coordinator.id);
      const shown = await get(handler, String(res.headers.location).split('?')[0]!);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).toContain('Lawyers for Press Freedom');
      expect(shown.body).toContain(PUBLIC_KEY_FINGERPRINT.replace(/(.{4})(?=.)/g, '$1 '));
      // A handler reads it, with no form to change it.
      expect(shown.body).not.toContain('name="pgp_key"');
    });

    it('refuses bad partner input with 422 and an error summary, saving nothing', async () => {
      const before = await count('partners');
      const cases: [string, [string, string][], string][] = [
        ['no name', partnerFields(''), 'Enter the partner'],
        ['a private key', partnerFields('P1', [['pgp_key', '-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----']]).filter(([k, v]) => k !== 'pgp_key' || v.includes('PRIVATE')), 'This is a private key.'],
        ['a broken key', partnerFields('P2').map(([k, v]) => [k, k === 'pgp_key' ? v.replace('mDME', 'mDMX') : v] as [string, string]), 'This is not an OpenPGP public key that can be read.'],
        ['an unknown region', partnerFields('P3', [['regions', 'atlantis']]), 'Choose among the regions shown.'],
        ['an unknown service', partnerFields('P4', [['services', 'teleportation']]), 'Choose among the services shown.'],
        ['control characters', partnerFields('P5\u0007'), ''],
        ['a description too long', partnerFields('P6').map(([k, v]) => [k, k === 'description' ? 'x'.repeat(2001) : v] as [string, string]), 'The description is too long'],
      ];
      for (const [label, fields, message] of cases) {
        const res = await post(coordinator, '/staff/partners', fields);
        expect(res.statusCode, label).toBe(422);
        expect(res.body, label).toContain('class="error-summary"');
        if (message) expect(res.body, label).toContain(message);
      }
      expect(await count('partners')).toBe(before);
    });

    it('lets a handler read the directory but not change it; an auditor neither; unknown partners are 404', async () => {
      expect((await get(handler, '/staff/partners')).statusCode).toBe(200);
      expect((await post(handler, '/staff/partners', partnerFields('Nope'))).statusCode).toBe(403);
      expect((await get(auditor, '/staff/partners')).statusCode).toBe(403);
      expect((await get(handler, '/staff/partners/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      expect((await get(handler, '/staff/partners/not-a-uuid')).statusCode).toBe(404);
      expect((await post(coordinator, '/staff/partners/00000000-0000-4000-8000-000000000000/retire', [])).statusCode).toBe(404);
    });

    it('filters the directory by service, region and language; refuses an unknown filter with 422', async () => {
      const id = await addPartner('Shield Hosting');
      await h.deps.db.updateTable('partners').set({ name: 'Shield Hosting' }).where('id', '=', id).execute();
      await h.deps.db.deleteFrom('partner_services').where('partner_id', '=', id).execute();
      await h.deps.db.insertInto('partner_services').values({ partner_id: id, service: 'hosting' }).execute();
      const hosting = await get(handler, '/staff/partners?service=hosting');
      expect(hosting.body).toContain('Shield Hosting');
      expect(hosting.body).not.toContain('Lawyers for Press Freedom');
      const legal = await get(handler, '/staff/partners?service=legal&region=americas&language=ar');
      expect(legal.body).toContain('Lawyers for Press Freedom');
      expect(legal.body).not.toContain('Shield Hosting');
      expect((await get(handler, '/staff/partners?language=zz')).body).not.toContain('Lawyers for Press Freedom');
      expect((await get(handler, '/staff/partners?service=teleportation')).statusCode).toBe(422);
    });

    it('changes a partner (audited with the fields, never their values) and retires it', async () => {
      const id = await addPartner('Changing Partner');
      const page = await get(coordinator, `/staff/partners/${id}`);
      const res = await post(coordinator, `/staff/partners/${id}`, [
        ...partnerFields('Changing Partner', [['contact_address', 'new@lawyers.example.org']]).filter(([k, v]) => k !== 'contact_address' || v.startsWith('new')),
        ['_once', hiddenField(page.body, '_once')],
      ]);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/partners/${id}?done=saved`);
      const changed = (await audits('partner.changed')).at(-1)!;
      expect(JSON.parse(changed.detail!)).toEqual({ partner: id, fields: 'contact' });
      expect(changed.detail).not.toContain('new@lawyers');
      expect((await post(coordinator, `/staff/partners/${id}/retire`, [])).headers.location).toBe(`/staff/partners/${id}?done=retired`);
      expect((await audits('partner.retired')).at(-1)!.detail).toContain(id);
      // Retired: gone for a handler, offered on no case.
      expect((await get(handler, `/staff/partners/${id}`)).statusCode).toBe(404);
      expect((await get(handler, `/staff/cases/${caseId}/referrals`)).body).not.toContain('Changing Partner');
    });

    const referral = (partner: string, extra: [string, string][] = []): [string, string][] => [
      ['partner', partner],
      ['items', 'case_facts'],
      ['items', 'contact'],
      ['items', 'summary'],
      ['summary', 'A journalist whose email is read from abroad needs legal advice.'],
      ['letter_language', 'ar'],
      ['follow_up_days', '7'],
      ...extra,
    ];

    it('refuses a referral that shares an identifying item without consent, saving nothing', async () => {
      const partner = await addPartner('Consent Partner');
      const before = [await count('referrals'), await count('referral_consents'), (await audits('case.referred')).length];
      const res = await post(handler, `/staff/cases/${caseId}/referrals`, referral(partner));
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('No consent, nothing identifying leaves');
      expect(res.body).toContain('class="error-summary"');
      // Consent for only one of the two identifying items: still refused.
      const half = await post(handler, `/staff/cases/${caseId}/referrals`, referral(partner, [['consent', 'contact'], ['consent_how', 'phone'], ['consent_on', '2026-11-21']]));
      expect(half.statusCode).toBe(422);
      // Consent boxes without how and when: refused too.
      const how = await post(handler, `/staff/cases/${caseId}/referrals`, referral(partner, [['consent', 'contact'], ['consent', 'summary']]));
      expect(how.statusCode).toBe(422);
      expect(how.body).toContain('Say how the requester gave their consent.');
      // A consent given tomorrow.
      const future = await post(handler, `/staff/cases/${caseId}/referrals`, referral(partner, [['consent', 'contact'], ['consent', 'summary'], ['consent_how', 'phone'], ['consent_on', '2026-11-23']]));
      expect(future.statusCode).toBe(422);
      expect(future.body).toContain('That day has not come yet.');
      expect([await count('referrals'), await count('referral_consents'), (await audits('case.referred')).length]).toEqual(before);
    });

    it('refuses malformed and oversized referral input', async () => {
      const partner = await addPartner('Input Partner');
      const before = await count('referrals');
      for (const [label, fields] of [
        ['no partner', referral('', [['consent', 'contact'], ['consent', 'summary'], ['consent_how', 'phone'], ['consent_on', '2026-11-21']])],
        ['an unknown item', [['partner', partner], ['items', 'passport'], ['letter_language', 'en'], ['follow_up_days', '7']]],
        ['zero days', [['partner', partner], ['items', 'case_facts'], ['letter_language', 'en'], ['follow_up_days', '0']]],
        ['a year and more', [['partner', partner], ['items', 'case_facts'], ['letter_language', 'en'], ['follow_up_days', '999']]],
        ['an unknown language', [['partner', partner], ['items', 'case_facts'], ['letter_language', 'de'], ['follow_up_days', '7']]],
        ['a summary not shared', [['partner', partner], ['items', 'case_facts'], ['summary', 'x'], ['letter_language', 'en'], ['follow_up_days', '7']]],
        ['a summary too long', referral(partner, [['consent', 'contact'], ['consent', 'summary'], ['consent_how', 'phone'], ['consent_on', '2026-11-21']]).map(([k, v]) => [k, k === 'summary' ? 'y'.repeat(5001) : v])],
        ['an unknown partner', [['partner', '00000000-0000-4000-8000-000000000000'], ['items', 'case_facts'], ['letter_language', 'en'], ['follow_up_days', '7']]],
      ] as [string, [string, string][]][]) {
        const res = await post(handler, `/staff/cases/${caseId}/referrals`, fields);
        expect(res.statusCode, label).toBe(422);
      }
      // A body far past the form's limit: 413, in the person's language, nothing read.
      const huge = await post(handler, `/staff/cases/${caseId}/referrals`, [['partner', partner], ['items', 'case_facts'], ['summary', 'y'.repeat(200_000)]]);
      expect(huge.statusCode).toBe(413);
      expect(await count('referrals')).toBe(before);
    });

    it('saves a referral with its consent in one go, audited with what was shared and never the content, once per form', async () => {
      const partner = await addPartner('Referral Partner');
      const page = await get(handler, `/staff/cases/${caseId}/referrals`);
      expect(page.statusCode).toBe(200);
      // The case is in Arabic: the letter's language offered first is Arabic; the partner matches it.
      expect(page.body).toMatch(/<option value="ar" selected/);
      expect(page.body).toMatch(/Referral Partner — matches: [a-z, ]*language/);
      const once = hiddenField(page.body, '_once');
      const fields = referral(partner, [['consent', 'contact'], ['consent', 'summary'], ['consent_how', 'conversation'], ['consent_on', '2026-11-21'], ['_once', once]]);
      const res = await post(handler, `/staff/cases/${caseId}/referrals`, fields);
      expect(res.statusCode).toBe(303);
      expect(String(res.headers.location)).toMatch(new RegExp(`^/staff/cases/${caseId}/referrals\\?done=created#referral-`));
      const again = await post(handler, `/staff/cases/${caseId}/referrals`, fields);
      expect(again.headers.location).toBe(`/staff/cases/${caseId}/referrals?done=repeated`);
      const rows = await h.deps.db.selectFrom('referrals').selectAll().where('case_id', '=', caseId).where('partner_id', '=', partner).execute();
      expect(rows.length).toBe(1);
      const r = rows[0]!;
      expect(r.items).toBe('case_facts,summary,contact');
      expect(Number(r.follow_up_at)).toBe(h.clock.now() + 7 * 24 * 60 * 60_000);
      // The summary is kept only as ciphertext under the case key.
      expect(Buffer.from(r.summary_enc!).toString('utf8')).not.toContain('journalist');
      const consent = await h.deps.db.selectFrom('referral_consents').selectAll().where('referral_id', '=', r.id).executeTakeFirstOrThrow();
      expect([consent.items, consent.how, Number(consent.given_at), consent.recorded_by]).toEqual(['summary,contact', 'conversation', Date.UTC(2026, 10, 21), handler.id]);
      const entry = (await audits('case.referred')).at(-1)!;
      expect(Number(entry.case_id)).toBe(caseId);
      expect(entry.actor_id).toBe(handler.id);
      const detail = JSON.parse(entry.detail!) as Record<string, unknown>;
      expect(detail).toMatchObject({ referral: r.id, partner, items: 'case_facts,summary,contact', consent: consent.id, consent_how: 'conversation' });
      for (const secret of [CONTACT, 'journalist', DESCRIPTION]) expect(entry.detail).not.toContain(secret);
      // Listed on the referrals page: partner, who, what, consent, status.
      const list = await get(handler, `/staff/cases/${caseId}/referrals?done=created`);
      expect(list.body).toContain('The referral is recorded.');
      expect(list.body).toContain('Referral Partner');
      expect(list.body).toContain('by \u2068Ana Handler\u2069');
      expect(list.body).toContain('In the conversation in Haven, \u2068November 21, 2026\u2069 (recorded by \u2068Ana Handler\u2069)');
      expect(list.body).toContain('>Sent<');
    });

    it('writes the letter in Arabic with exactly what was shared, audited as a case read, as a page or as text', async () => {
      const r = await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', caseId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      const before = (await audits('case.viewed')).length;
      const page = await get(handler, `/staff/cases/${caseId}/referrals/${r.id}/letter`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<textarea id="f-letter" readonly="" rows="24" lang="ar" dir="rtl"|<textarea id="f-letter" readonly rows="24" lang="ar" dir="rtl"/);
      expect(page.body).toContain('إلى فريق Referral Partner الكريم');
      expect(page.body).toContain(CONTACT);
      expect(page.body).toContain('A journalist whose email is read from abroad needs legal advice.');
      // The requester's own words were not shared: they are not in the letter.
      expect(page.body).not.toContain(DESCRIPTION);
      const viewed = (await audits('case.viewed')).slice(before);
      expect(viewed.length).toBe(1);
      expect(JSON.parse(viewed[0]!.detail!)).toEqual({ referral: r.id, letter: true, items: 'case_facts,summary,contact' });
      const text = await get(handler, `/staff/cases/${caseId}/referrals/${r.id}/letter?format=text`);
      expect(text.statusCode).toBe(200);
      expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(String(text.headers['content-disposition'])).toContain('attachment');
      expect(text.body).toContain('وافق الشخص في');
      expect((await audits('case.viewed')).length).toBe(before + 2);
    });

    it('lists a referral right to left in Arabic: the day and the names isolated, what was shared joined as Arabic joins it', async () => {
      const list = await get(handler, `/staff/cases/${caseId}/referrals?lang=ar`);
      expect(list.body).toContain('<html lang="ar" dir="rtl">');
      const ar = (key: string) => h.deps.i18n.format('ar', key);
      // "In the conversation in Haven, 21 November 2026": isolated, the day's number no longer
      // joins "Haven" in a left-to-right run that reads "21 ,Haven" from the right.
      expect(list.body).toMatch(new RegExp(`${ar('referrals.consent_how.conversation')}، \u2068[^\u2069<]+\u2069 \\(سجّلها \u2068Ana Handler\u2069\\)`));
      expect(list.body).toContain('بواسطة \u2068Ana Handler\u2069');
      const items = ['case_facts', 'summary', 'contact'].map((i) => ar(`referrals.item.${i}`));
      expect(list.body).toContain(unitListFor('ar').format(items));
      expect(list.body).not.toContain(items.join(', '));
    });

    it('answers 404 for an unknown case, an unknown referral, and a restricted case the person may not know', async () => {
      const r = await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', caseId).executeTakeFirstOrThrow();
      expect((await get(handler, '/staff/cases/999999/referrals')).statusCode).toBe(404);
      expect((await get(handler, `/staff/cases/${caseId}/referrals/00000000-0000-4000-8000-000000000000/letter`)).statusCode).toBe(404);
      expect((await get(handler, `/staff/cases/${caseId}/referrals/nope/letter`)).statusCode).toBe(404);
      const hidden = (await newRequest(h.deps, { description: 'A restricted one.' })).caseId;
      const partner = await addPartner('Hidden Partner');
      await h.deps.db.updateTable('cases').set({ restricted: 1 }).where('id', '=', hidden).execute();
      const unknown = await get(outsider, '/staff/cases/999998/referrals');
      const restricted = await get(outsider, `/staff/cases/${hidden}/referrals`);
      expect(restricted.statusCode).toBe(404);
      // The same page as for a case that does not exist: nothing tells them apart.
      expect(restricted.body).toBe(unknown.body);
      const before = await count('referrals');
      expect((await post(outsider, `/staff/cases/${hidden}/referrals`, [['partner', partner], ['items', 'case_facts'], ['letter_language', 'en'], ['follow_up_days', '7']])).statusCode).toBe(404);
      expect((await get(outsider, `/staff/cases/${caseId}/referrals/${r.id}/letter`)).statusCode).toBe(200);
      expect(await count('referrals')).toBe(before);
      // An auditor may not refer at all.
      expect((await get(auditor, `/staff/cases/${caseId}/referrals`)).statusCode).toBe(403);
    });

    it('adds its section to the case page: the referrals and the form, JavaScript off', async () => {
      const page = await get(handler, `/staff/cases/${caseId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<section class="panel" id="referrals"');
      expect(page.body).toContain('Referrals to partners');
      expect(page.body).toContain('Referral Partner');
      expect(page.body).toContain(`<form method="post" action="/staff/cases/${caseId}/referrals"`);
      // Read by the case page, the referrals are not a second read of the case's content.
      expect(page.body).not.toContain('A journalist whose email is read from abroad');
    });

    it('writes no letter, and shares nothing identifying, once the personal data of the case is deleted', async () => {
      const { caseId: gone } = await newRequest(h.deps, { contact: 'gone@example.org' });
      const partner = await addPartner('Purge Partner');
      const page = await get(handler, `/staff/cases/${gone}/referrals`);
      const res = await post(handler, `/staff/cases/${gone}/referrals`, [['partner', partner], ['items', 'case_facts'], ['items', 'contact'], ['consent', 'contact'], ['consent_how', 'phone'], ['consent_on', '2026-11-21'], ['letter_language', 'en'], ['follow_up_days', '7'], ['_once', hiddenField(page.body, '_once')]]);
      expect(res.statusCode).toBe(303);
      const r = await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', gone).executeTakeFirstOrThrow();
      expect(await purgeCasePersonalData(h.deps, gone, { kind: 'requester' })).not.toBe('not_found');
      const letter = await get(handler, `/staff/cases/${gone}/referrals/${r.id}/letter`);
      expect(letter.statusCode).toBe(409);
      expect(letter.body).not.toContain('gone@example.org');
      const again = await post(handler, `/staff/cases/${gone}/referrals`, [['partner', partner], ['items', 'contact'], ['consent', 'contact'], ['consent_how', 'phone'], ['consent_on', '2026-11-21'], ['letter_language', 'en'], ['follow_up_days', '7']]);
      expect(again.statusCode).toBe(409);
      expect((await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', gone).execute()).length).toBe(1);
    });

    it('records an outcome once, which closes the follow-up', async () => {
      const r = await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', caseId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      const res = await post(handler, `/staff/cases/${caseId}/referrals/${r.id}/outcome`, [['outcome', 'accepted']]);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${caseId}/referrals?done=outcome#referral-${r.id}`);
      const again = await post(handler, `/staff/cases/${caseId}/referrals/${r.id}/outcome`, [['outcome', 'declined']]);
      expect(again.headers.location).toBe(`/staff/cases/${caseId}/referrals?done=outcome_already#referral-${r.id}`);
      const row = await h.deps.db.selectFrom('referrals').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
      expect([row.outcome, row.outcome_by]).toEqual(['accepted', handler.id]);
      expect(JSON.parse((await audits('case.referral_outcome')).at(-1)!.detail!)).toMatchObject({ referral: r.id, outcome: 'accepted' });
      expect((await post(handler, `/staff/cases/${caseId}/referrals/${r.id}/outcome`, [['outcome', 'teleported']])).statusCode).toBe(422);
      expect((await get(handler, `/staff/cases/${caseId}/referrals`)).body).toContain('Outcome recorded');
    });
  });
}
