import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { submitRequest } from '../cases/index.js';
import { findTerm, listTerms, taxonomyOptions, termLabels } from './index.js';

/** Audit entries the taxonomies wrote, oldest first, with their detail parsed. */
async function taxonomyAudit(h: Harness) {
  const rows = await h.deps.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'case_id', 'detail'])
    .where('action', 'like', 'taxonomy.%')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    detail: JSON.parse(r.detail ?? 'null') as Record<string, unknown>,
  }));
}

/** Everything stored about the taxonomies, to prove a refused change wrote nothing. */
async function snapshot(h: Harness) {
  const db = h.deps.db;
  return {
    terms: await db
      .selectFrom('taxonomy_terms')
      .selectAll()
      .orderBy('vocabulary')
      .orderBy('code')
      .execute(),
    labels: await db
      .selectFrom('taxonomy_term_labels')
      .selectAll()
      .orderBy('vocabulary')
      .orderBy('term')
      .orderBy('locale')
      .execute(),
    mappings: await db
      .selectFrom('taxonomy_term_mappings')
      .selectAll()
      .orderBy('vocabulary')
      .orderBy('term')
      .orderBy('scheme')
      .execute(),
    audit: (await sql<{ n: number | string }>`select count(*) as n from audit_log`.execute(db))
      .rows[0]!.n,
  };
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/taxonomies on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let coordinator: StaffSignIn;
    let handler: StaffSignIn;
    const get = (url: string, who: StaffSignIn) =>
      h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (url: string, who: StaffSignIn, fields: Record<string, string> = {}) =>
      postForm(h, url, { _csrf: who.csrf, ...fields }, who.cookie);

    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
      coordinator = await signInAs(h, 'coordinator');
      handler = await signInAs(h, 'handler');
    });
    afterAll(async () => h?.close());

    it('lists every vocabulary to administrators, with a link in the staff bar', async () => {
      const res = await get('/staff/taxonomies', admin);
      expect(res.statusCode).toBe(200);
      for (const text of [
        'Incident type',
        'Country',
        'Traffic Light Protocol (TLP 2.0)',
        'Permissible Actions Protocol (PAP)',
        'Information sharing',
      ]) {
        expect(res.body).toContain(text);
      }
      expect(res.body).toContain('href="/staff/taxonomies/incident_type"');
      expect(res.body).toContain('Terms are never deleted');
      expect((await get('/staff', admin)).body).toContain('href="/staff/taxonomies"');
      expect((await get('/staff', handler)).body).not.toContain('href="/staff/taxonomies"');

      const types = await get('/staff/taxonomies/incident_type', admin);
      expect(types.statusCode).toBe(200);
      expect(types.body).toContain('Online harassment');
      expect(types.body).toContain('abusive-content/harmful-speech');
      expect(types.body).toContain('action="/staff/taxonomies/incident_type"');
      // In Spanish, names and page alike.
      const es = await get('/staff/taxonomies/incident_type?lang=es', admin);
      expect(es.body).toContain('Acoso en línea');
      expect(es.body).toContain('Añadir un término');
    });

    it('shows TLP 2.0 and PAP as fixed vocabularies: renamed, never added to or retired', async () => {
      const tlp = await get('/staff/taxonomies/tlp', admin);
      expect(tlp.body).toContain('TLP:AMBER+STRICT');
      expect(tlp.body).toContain('href="/staff/taxonomies/tlp/amber%2Bstrict"');
      expect(tlp.body).toContain('tlp:amber+strict');
      expect(tlp.body).not.toContain('action="/staff/taxonomies/tlp"');
      expect(tlp.body).not.toContain('/retire"');
      const term = await get('/staff/taxonomies/tlp/amber%2Bstrict', admin);
      expect(term.statusCode).toBe(200);
      expect((await listTerms(h.deps, 'pap')).map((t) => t.code)).toEqual([
        'clear',
        'green',
        'amber',
        'red',
      ]);

      const before = await snapshot(h);
      expect(
        (await post('/staff/taxonomies/tlp', admin, { code: 'white', label_en: 'TLP:WHITE' }))
          .statusCode,
      ).toBe(409);
      const retire = await post('/staff/taxonomies/tlp/red/retire', admin);
      expect(retire.statusCode).toBe(409);
      expect(retire.body).toContain('These terms are fixed');
      expect(await snapshot(h)).toEqual(before);
    });

    it('lets coordinators read but not change, and refuses handlers everything (403)', async () => {
      const page = await get('/staff/taxonomies/incident_type', coordinator);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain(
        '<form method="post" action="/staff/taxonomies/incident_type"',
      );
      expect(page.body).not.toContain('/move"');
      expect((await get('/staff/taxonomies/incident_type/doxing', coordinator)).body).not.toContain(
        '/labels"',
      );

      for (const url of [
        '/staff/taxonomies',
        '/staff/taxonomies/incident_type',
        '/staff/taxonomies/incident_type/doxing',
      ]) {
        expect((await get(url, handler)).statusCode, url).toBe(403);
      }
      const before = await snapshot(h);
      for (const who of [coordinator, handler]) {
        for (const [url, fields] of [
          ['/staff/taxonomies/incident_type', { code: 'stalkerware', label_en: 'Stalkerware' }],
          ['/staff/taxonomies/incident_type/doxing/labels', { label_en: 'Doxxing' }],
          [
            '/staff/taxonomies/incident_type/doxing/mappings',
            { scheme: 'rsit', value: 'other/other' },
          ],
          ['/staff/taxonomies/incident_type/doxing/move', { direction: 'up' }],
          ['/staff/taxonomies/incident_type/doxing/retire', {}],
          ['/staff/taxonomies/incident_type/doxing/reactivate', {}],
        ] as const) {
          expect((await post(url, who, fields)).statusCode, url).toBe(403);
        }
      }
      // Without the session's token, even an administrator is refused.
      expect(
        (await postForm(h, '/staff/taxonomies/incident_type/doxing/retire', {}, admin.cookie))
          .statusCode,
      ).toBe(403);
      expect(await snapshot(h)).toEqual(before);
    });

    it('adds a term with its names (303, flash, audited), offered by triage at once', async () => {
      const res = await post('/staff/taxonomies/incident_type', admin, {
        code: 'spyware_found',
        label_en: '  Spyware found on a device ',
        label_ar: 'برنامج تجسس على جهاز',
        label_es: '',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(
        '/staff/taxonomies/incident_type?done=added#term-spyware_found',
      );
      const page = await get('/staff/taxonomies/incident_type?done=added', admin);
      expect(page.body).toContain('Term added.');
      expect(page.body).toContain('Spyware found on a device');

      const types = await listTerms(h.deps, 'incident_type');
      const added = types.at(-1)!;
      expect([added.code, added.labels]).toEqual([
        'spyware_found',
        { ar: 'برنامج تجسس على جهاز', en: 'Spyware found on a device' },
      ]);
      // Spanish has no name of its own: it shows the English one.
      expect((await taxonomyOptions(h.deps, 'incident_type', 'es')).at(-1)).toEqual({
        value: 'spyware_found',
        label: 'Spyware found on a device',
      });

      // A country takes its region and its CLDR name.
      const country = await post('/staff/taxonomies/country', admin, {
        code: 'AQ',
        parent: 'asia_pacific',
      });
      expect(country.statusCode).toBe(303);
      expect((await findTerm(h.deps, 'country', 'AQ'))?.parent).toBe('asia_pacific');
      expect((await termLabels(h.deps, 'country', 'es')).get('AQ')).toBe('Antártida');

      const audit = await taxonomyAudit(h);
      expect(audit.map((a) => [a.action, a.actor_id, a.case_id, a.detail])).toEqual([
        [
          'taxonomy.term_added',
          admin.userId,
          null,
          { vocabulary: 'incident_type', term: 'spyware_found', parent: null, locales: 'en,ar' },
        ],
        [
          'taxonomy.term_added',
          admin.userId,
          null,
          { vocabulary: 'country', term: 'AQ', parent: 'asia_pacific', locales: '' },
        ],
      ]);
    });

    it("refuses malformed and oversized input with 422 in the reader's language, saving nothing", async () => {
      const before = await snapshot(h);
      const huge = 'x'.repeat(5000);
      const cases: [string, Record<string, string>, string, string][] = [
        [
          '/staff/taxonomies/incident_type',
          { code: '', label_en: 'A' },
          'code',
          'Escriba un código.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'Bad Code', label_en: 'A' },
          'code',
          'Escriba el código en la forma que indica la ayuda.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: huge, label_en: 'A' },
          'code',
          'Escriba el código en la forma que indica la ayuda.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'harassment', label_en: 'A' },
          'code',
          'Este vocabulario ya tiene un término con este código',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: '' },
          'label_en',
          'Escriba el nombre en inglés.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: huge },
          'label_en',
          'Escriba como máximo 120 caracteres.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: 'A', label_ar: 'x'.repeat(121) },
          'label_ar',
          'Escriba como máximo 120 caracteres.',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: 'evil\u202Eeman' },
          'label_en',
          'sin caracteres de control de dirección',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: 'two\nlines' },
          'label_en',
          'sin caracteres de control de dirección',
        ],
        [
          '/staff/taxonomies/incident_type',
          { code: 'new_one', label_en: 'bell\u0007' },
          'label_en',
          'caracteres de control',
        ],
        [
          '/staff/taxonomies/country',
          { code: 'Kenya', parent: 'africa' },
          'code',
          'Escriba el código en la forma que indica la ayuda.',
        ],
        [
          '/staff/taxonomies/country',
          { code: 'QZ', parent: 'atlantis' },
          'parent',
          'Elija uno de la lista.',
        ],
        [
          '/staff/taxonomies/incident_type/doxing/labels',
          { label_en: '' },
          'label_en',
          'Escriba el nombre en inglés.',
        ],
        [
          '/staff/taxonomies/incident_type/doxing/labels',
          { label_en: 'Doxing', label_fr: huge },
          'label_fr',
          'Escriba como máximo 120 caracteres.',
        ],
        [
          '/staff/taxonomies/incident_type/doxing/mappings',
          { scheme: 'RSIT!', value: 'fraud/phishing' },
          'scheme',
          'Escriba el esquema con minúsculas',
        ],
        [
          '/staff/taxonomies/incident_type/doxing/mappings',
          { scheme: 'rsit', value: 'has a space' },
          'value',
          'Escriba el valor sin espacios',
        ],
        [
          '/staff/taxonomies/incident_type/doxing/mappings',
          { scheme: 'rsit', value: huge },
          'value',
          'Escriba el valor sin espacios',
        ],
      ];
      for (const [url, fields, field, message] of cases) {
        const res = await post(`${url}?lang=es`, admin, fields);
        const what = `${url} ${JSON.stringify(fields).slice(0, 60)}`;
        expect(res.statusCode, what).toBe(422);
        expect(res.body, what).toContain(message);
        expect(res.body, what).toContain(`href="#f-${field}"`);
        expect(res.body, what).toContain('<html lang="es"');
        // An oversized value is not echoed back whole.
        expect(res.body, what).not.toContain('x'.repeat(201));
      }
      const move = await post('/staff/taxonomies/incident_type/doxing/move?lang=es', admin, {
        direction: 'sideways',
      });
      expect(move.statusCode).toBe(422);
      expect(move.body).toContain('<html lang="es"');
      expect(await snapshot(h)).toEqual(before);
    });

    it('answers 404 for an unknown or malformed vocabulary or term', async () => {
      const before = await snapshot(h);
      for (const url of [
        '/staff/taxonomies/no_such_vocabulary',
        '/staff/taxonomies/Incident_Type',
        '/staff/taxonomies/incident_type/no_such_term',
        '/staff/taxonomies/incident_type/%2E%2E',
        '/staff/taxonomies/incident_type/a%20b',
        '/staff/taxonomies/country/ZZ',
      ]) {
        const res = await get(url, admin);
        expect(res.statusCode, url).toBe(404);
      }
      for (const url of [
        '/staff/taxonomies/no_such_vocabulary',
        '/staff/taxonomies/incident_type/no_such_term/labels',
        '/staff/taxonomies/incident_type/no_such_term/mappings',
        '/staff/taxonomies/incident_type/no_such_term/move',
        '/staff/taxonomies/incident_type/no_such_term/retire',
        '/staff/taxonomies/no_such_vocabulary/doxing/reactivate',
      ]) {
        const res = await post(url, admin, {
          code: 'x1',
          label_en: 'X',
          scheme: 'rsit',
          value: 'a/b',
          direction: 'up',
        });
        expect(res.statusCode, url).toBe(404);
      }
      expect(await snapshot(h)).toEqual(before);
    });

    it('renames a term per language (audited per language); a blank one falls back; right to left', async () => {
      const page = await get('/staff/taxonomies/beneficiary/journalist', admin);
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(
        /<input id="f-label_ar" name="label_ar" type="text" value="صحفي\/ة أو عامل\/ة في الإعلام" lang="ar" dir="rtl"/,
      );
      expect(page.body).toMatch(/name="label_en"[^>]*lang="en" dir="ltr"/);

      const current = (await findTerm(h.deps, 'beneficiary', 'journalist'))!.labels;
      const fields = Object.fromEntries(Object.entries(current).map(([l, v]) => [`label_${l}`, v]));
      const res = await post('/staff/taxonomies/beneficiary/journalist', admin, {});
      expect(res.statusCode).toBe(404);
      const saved = await post('/staff/taxonomies/beneficiary/journalist/labels', admin, {
        ...fields,
        label_ar: 'صحفي/ة',
        label_es: '',
      });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/staff/taxonomies/beneficiary/journalist?done=renamed');
      expect((await get(saved.headers.location as string, admin)).body).toContain('Names saved.');
      expect(
        (await taxonomyOptions(h.deps, 'beneficiary', 'es')).find((o) => o.value === 'journalist')!
          .label,
      ).toBe('Journalist or media worker');

      // The public request form, in Arabic and right to left, offers the new name.
      const form = await h.app.inject({ url: '/request?lang=ar' });
      expect(form.body).toContain('<html lang="ar" dir="rtl"');
      expect(form.body).toContain('<option value="journalist">صحفي/ة</option>');

      const audit = (await taxonomyAudit(h)).filter((a) => a.action === 'taxonomy.term_renamed');
      expect(audit.map((a) => a.detail)).toEqual([
        {
          vocabulary: 'beneficiary',
          term: 'journalist',
          locale: 'es',
          from: 'Periodista o trabajador/a de medios',
          to: null,
        },
        {
          vocabulary: 'beneficiary',
          term: 'journalist',
          locale: 'ar',
          from: 'صحفي/ة أو عامل/ة في الإعلام',
          to: 'صحفي/ة',
        },
      ]);

      // The same names again change nothing and write nothing.
      const again = await post('/staff/taxonomies/beneficiary/journalist/labels', admin, {
        ...fields,
        label_ar: 'صحفي/ة',
        label_es: '',
      });
      expect(again.headers.location).toBe(
        '/staff/taxonomies/beneficiary/journalist?done=unchanged',
      );
      expect(
        (await taxonomyAudit(h)).filter((a) => a.action === 'taxonomy.term_renamed'),
      ).toHaveLength(2);
    });

    it('reorders terms one place at a time (audited); a vocabulary listed by name has no order', async () => {
      const order = async () => (await listTerms(h.deps, 'severity')).map((t) => t.code);
      expect(await order()).toEqual(['low', 'medium', 'high', 'critical']);
      const down = await post('/staff/taxonomies/severity/low/move', admin, { direction: 'down' });
      expect(down.statusCode).toBe(303);
      expect(down.headers.location).toBe('/staff/taxonomies/severity?done=moved#term-low');
      expect(await order()).toEqual(['medium', 'low', 'high', 'critical']);
      await post('/staff/taxonomies/severity/critical/move', admin, { direction: 'up' });
      expect(await order()).toEqual(['medium', 'low', 'critical', 'high']);
      // Already first: nothing moves, nothing is written.
      const first = await post('/staff/taxonomies/severity/medium/move', admin, {
        direction: 'up',
      });
      expect(first.headers.location).toBe('/staff/taxonomies/severity?done=unchanged#term-medium');
      expect((await taxonomyOptions(h.deps, 'severity', 'en')).map((o) => o.label)).toEqual([
        'Medium',
        'Low',
        'Critical (life or liberty at risk)',
        'High',
      ]);
      expect(
        (await post('/staff/taxonomies/country/KE/move', admin, { direction: 'up' })).statusCode,
      ).toBe(409);
      const moves = (await taxonomyAudit(h)).filter((a) => a.action === 'taxonomy.term_moved');
      expect(moves.map((a) => a.detail)).toEqual([
        { vocabulary: 'severity', term: 'low', from: 1, to: 2 },
        { vocabulary: 'severity', term: 'critical', from: 4, to: 3 },
      ]);
    });

    it('maps a term to an outside scheme and removes the mapping (audited)', async () => {
      const set = await post('/staff/taxonomies/incident_type/spyware_found/mappings', admin, {
        scheme: 'rsit',
        value: 'malicious-code/infected-system',
      });
      expect(set.statusCode).toBe(303);
      expect(set.headers.location).toBe(
        '/staff/taxonomies/incident_type/spyware_found?done=mapped',
      );
      expect((await findTerm(h.deps, 'incident_type', 'spyware_found'))!.rsit).toBe(
        'malicious-code/infected-system',
      );
      await post('/staff/taxonomies/incident_type/spyware_found/mappings', admin, {
        scheme: 'misp',
        value: 'rsit:malicious-code="infected-system"',
      });
      await post('/staff/taxonomies/incident_type/spyware_found/mappings', admin, {
        scheme: 'misp',
        value: '',
      });
      expect((await findTerm(h.deps, 'incident_type', 'spyware_found'))!.mappings).toEqual({
        rsit: 'malicious-code/infected-system',
      });
      const mapped = (await taxonomyAudit(h)).filter((a) => a.action === 'taxonomy.term_mapped');
      expect(mapped.map((a) => [a.detail.scheme, a.detail.from, a.detail.to])).toEqual([
        ['rsit', null, 'malicious-code/infected-system'],
        ['misp', null, 'rsit:malicious-code="infected-system"'],
        ['misp', 'rsit:malicious-code="infected-system"', null],
      ]);
    });

    it('retires a term: the request form stops offering it, a case that holds it still shows its name; brought back', async () => {
      const { caseId } = await submitRequest(h.deps, {
        description: 'They published my home address.',
        urgency: 'reactive',
        country: 'KE',
        language: 'sw',
        contactMethod: 'none',
        contact: null,
        beneficiary: 'marginalised',
      });
      await h.deps.db
        .updateTable('cases')
        .set({ incident_type: 'doxing' })
        .where('id', '=', caseId)
        .execute();
      expect((await h.app.inject({ url: '/request' })).body).toContain('value="marginalised"');

      for (const [vocabulary, term] of [
        ['beneficiary', 'marginalised'],
        ['incident_type', 'doxing'],
      ]) {
        const res = await post(`/staff/taxonomies/${vocabulary}/${term}/retire`, admin);
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe(
          `/staff/taxonomies/${vocabulary}?done=retired#term-${term}`,
        );
      }
      const list = await get('/staff/taxonomies/beneficiary?done=retired', admin);
      expect(list.body).toContain('Term retired.');
      expect(list.body).toContain('Bring back');

      // Offered nowhere…
      const form = await h.app.inject({ url: '/request' });
      expect(form.statusCode).toBe(200);
      expect(form.body).not.toContain('value="marginalised"');
      expect(
        (await taxonomyOptions(h.deps, 'incident_type', 'en')).some((o) => o.value === 'doxing'),
      ).toBe(false);
      // …but the case still says what it is, and its triage form keeps the value.
      const page = await get(`/staff/cases/${caseId}`, admin);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<dd>Doxing — information-content-security/data-leak</dd>');
      expect(page.body).toMatch(
        /<option value="doxing" selected>Doxing — information-content-security\/data-leak<\/option>/,
      );
      expect(page.body).toMatch(
        /<option value="marginalised" selected>Member of a marginalised community<\/option>/,
      );
      expect((await get('/staff', admin)).body).toContain('Doxing');

      // Brought back: offered again.
      const back = await post('/staff/taxonomies/beneficiary/marginalised/reactivate', admin);
      expect(back.headers.location).toBe(
        '/staff/taxonomies/beneficiary?done=reactivated#term-marginalised',
      );
      expect((await h.app.inject({ url: '/request' })).body).toContain('value="marginalised"');
      // Twice is once.
      const again = await post('/staff/taxonomies/beneficiary/marginalised/reactivate', admin);
      expect(again.headers.location).toBe(
        '/staff/taxonomies/beneficiary?done=unchanged#term-marginalised',
      );

      const audit = (await taxonomyAudit(h)).filter((a) => /retired|reactivated/.test(a.action));
      expect(audit.map((a) => [a.action, a.detail.vocabulary, a.detail.term, a.actor_id])).toEqual([
        ['taxonomy.term_retired', 'beneficiary', 'marginalised', admin.userId],
        ['taxonomy.term_retired', 'incident_type', 'doxing', admin.userId],
        ['taxonomy.term_reactivated', 'beneficiary', 'marginalised', admin.userId],
      ]);
    });

    it('keeps at least one term in use in a vocabulary', async () => {
      for (const code of ['medium', 'low', 'critical']) {
        expect((await post(`/staff/taxonomies/severity/${code}/retire`, admin)).statusCode).toBe(
          303,
        );
      }
      const last = await post('/staff/taxonomies/severity/high/retire?lang=es', admin);
      expect(last.statusCode).toBe(409);
      expect(last.body).toContain('Es el último término en uso');
      expect((await listTerms(h.deps, 'severity')).map((t) => t.code)).toEqual(['high']);
    });
  });
}
