import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { hiddenField, postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { sharedI18n } from '../../runtime.js';
import { organisationName } from './index.js';
import { SETTINGS_CACHE_MS } from './settings.service.js';
import { TEXT_LOCALES } from './settings.js';
import { png, pngChunk, PUBLIC_KEY, SVG_LOGO } from './settings.test-helpers.js';

// /staff/settings on both engines: administrators save the organisation's identity (audited in
// the same transaction), coordinators read it, handlers neither; bad input is refused in the
// person's language with nothing saved; a form saved over a newer save is refused; the logo is
// sanitised, served at its hash with nosniff and a sandbox, and removed; the public pages show
// it all, in the reader's language with its fallbacks; and two processes agree within a second.

const i18n = sharedI18n();
const es = i18n.translator('es');
const ONION = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };
const BOUNDARY = '----haven-settings-boundary';

/** A multipart/form-data body as a browser sends it. */
function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    if ('value' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`),
        p.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** Every field of the settings form, blank, at `revision`. */
function blankForm(csrf: string, revision: number): Record<string, string> {
  const fields: Record<string, string> = {
    _csrf: csrf,
    revision: String(revision),
    name: '',
    default_locale: 'en',
    pgp_key: '',
    onion_address: '',
    signal_number: '',
  };
  for (const l of TEXT_LOCALES) {
    fields[`description_${l}`] = '';
    fields[`landing_${l}`] = '';
    fields[`emergency_${l}`] = '';
  }
  return fields;
}

/** Decodes what Preact escapes, to compare a page's text with what was saved. */
const unescape = (html: string): string =>
  html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`organisation settings on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let coordinator: StaffSignIn;
    let handler: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
      coordinator = await signInAs(h, 'coordinator');
      handler = await signInAs(h, 'handler');
    });
    afterAll(async () => h?.close());

    const revision = async (): Promise<number> =>
      Number((await h.deps.db.selectFrom('organisation_settings').select('revision').executeTakeFirstOrThrow()).revision);
    const audits = (action: string) =>
      h.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const save = async (fields: Record<string, string>, who: StaffSignIn = admin, url = '/staff/settings') =>
      postForm(h, url, { ...blankForm(who.csrf, await revision()), ...fields }, who.cookie);
    const uploadLogo = (file: { filename: string; type: string; data: Buffer }, who: StaffSignIn = admin, url = '/staff/settings/logo') => {
      const body = multipart([{ name: '_csrf', value: who.csrf }, { name: 'logo', ...file }]);
      return h.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie: who.cookie } });
    };
    const landing = async (lang: string, app = h.app) => (await app.inject({ url: `/?lang=${lang}` })).body;

    it('shows Haven’s own name and texts until the organisation sets its own', async () => {
      const page = await landing('en');
      expect(page).toContain('<a class="brand" href="/?lang=en">Haven</a>');
      expect(page).toContain(`<p>${i18n.format('en', 'intake.landing.intro')}</p>`);
      expect(page).not.toContain('class="emergency"');
      expect(await organisationName(h.deps, 'es')).toBe('Haven');
    });

    it('saves the settings, audited with the names of what changed, and shows them back', async () => {
      const res = await save({
        name: '  Línea Segura  ',
        default_locale: 'en',
        onion_address: `http://${ONION.toUpperCase()}.onion/`,
        signal_number: '+44 7700   900123',
        pgp_key: PUBLIC_KEY.replace(/\n/g, '\r\n'),
        description_en: 'A digital-security helpline for civil society.',
        landing_en: 'We answer within two hours, every day.\r\nIn English, Spanish and Arabic.\r\n\r\nWrite to us: nothing you say is shared.',
        emergency_en: 'If you are in danger now, call the Front Line hotline.',
        landing_ar: 'نجيب خلال ساعتين، كل يوم.',
        description_ar: 'خط مساعدة للأمن الرقمي.',
      });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/settings?done=saved');
      expect(await revision()).toBe(1);

      const [entry, ...more] = await audits('settings.saved');
      expect(more).toEqual([]);
      expect(entry!.actor_id).toBe(admin.userId);
      expect(JSON.parse(entry!.detail!)).toEqual({
        changed: 'name,pgp_key,onion_address,signal_number,description_en,landing_en,emergency_en,description_ar,landing_ar',
        revision: 1,
      });

      const page = await h.app.inject({ url: '/staff/settings?done=saved', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(i18n.format('en', 'settings.done.saved'));
      expect(page.body).toContain('value="Línea Segura"');
      expect(page.body).toContain(`value="http://${ONION}.onion/"`);
      expect(page.body).toContain('value="+44 7700 900123"');
      expect(hiddenField(page.body, 'revision')).toBe('1');
      expect(unescape(page.body)).toContain(`>${PUBLIC_KEY}</textarea>`);
      expect(page.body).toContain('\u2068CFA4 E784 3E2D D08C 3F09 DD7E 5FC9 32B5 97D3 09CA\u2069');
      expect(await organisationName(h.deps, 'en')).toBe('Línea Segura');
    });

    it('shows the name, texts and other ways to reach it on the public pages, in the reader’s language or the default one', async () => {
      const en = await landing('en');
      expect(en).toContain('<title>' + `${i18n.format('en', 'intake.landing.title')} · \u2068Línea Segura\u2069` + '</title>');
      expect(en).toContain('<bdi>Línea Segura</bdi>');
      expect(en).not.toContain('>Haven<');
      expect(en).toContain('<p lang="en" dir="auto">We answer within two hours, every day.<br/>In English, Spanish and Arabic.</p>');
      expect(en).toContain('<p lang="en" dir="auto">Write to us: nothing you say is shared.</p>');
      expect(en).not.toContain(i18n.format('en', 'intake.landing.intro'));
      // The advice for someone in danger comes first, right under the heading.
      expect(en.indexOf('class="emergency"')).toBeLessThan(en.indexOf('We answer within'));
      expect(en).toContain('If you are in danger now, call the Front Line hotline.');
      expect(en).toContain(`<a href="http://${ONION}.onion/" dir="ltr" class="address">http://${ONION}.onion/</a>`);
      expect(en).toContain('<bdi dir="ltr" class="address">+44 7700 900123</bdi>');
      const key = /href="(\/organisation\/pgp-key\.[0-9a-f]{16}\.asc)"/.exec(en)![1]!;
      const asc = await h.app.inject({ url: key });
      expect(asc.statusCode).toBe(200);
      expect(asc.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(asc.headers['x-content-type-options']).toBe('nosniff');
      expect(asc.body).toBe(`${PUBLIC_KEY}\n`);
      // Its fingerprint beside it, to check it against one got another way.
      expect(en).toContain('<bdi dir="ltr" class="address">CFA4 E784 3E2D D08C 3F09 DD7E 5FC9 32B5 97D3 09CA</bdi>');

      // Arabic has its own landing text and description; the advice falls back to English.
      const ar = await landing('ar');
      expect(ar).toContain('<html lang="ar" dir="rtl">');
      expect(ar).toContain('<p lang="ar" dir="auto">نجيب خلال ساعتين، كل يوم.</p>');
      expect(ar).toContain('<p class="lead" lang="ar" dir="auto">خط مساعدة للأمن الرقمي.</p>');
      expect(ar).toContain('<p lang="en" dir="auto">If you are in danger now, call the Front Line hotline.</p>');
      expect(ar).toContain(i18n.format('ar', 'settings.public.emergency_title'));
      // French has none of its own: English, the default language, marked as English.
      expect(await landing('fr')).toContain('<p lang="en" dir="auto">We answer within two hours, every day.<br/>In English, Spanish and Arabic.</p>');

      // With Arabic as the default language, Russian readers get the Arabic text.
      const fields = Object.fromEntries(
        Object.entries(hiddenValues((await h.app.inject({ url: '/staff/settings', headers: { cookie: admin.cookie } })).body)),
      );
      expect((await save({ ...fields, default_locale: 'ar' })).statusCode).toBe(303);
      expect(await landing('ru')).toContain('<p lang="ar" dir="auto">نجيب خلال ساعتين، كل يوم.</p>');

      // Every other public page carries the name too, error pages included.
      for (const url of ['/request?lang=en', '/followup?lang=en', '/no-such-page']) {
        expect((await h.app.inject({ url })).body, url).toContain('<bdi>Línea Segura</bdi>');
      }
    });

    it('refuses oversized, control-character and malformed input in the person’s language, saving nothing', async () => {
      const before = await revision();
      const saves = (await audits('settings.saved')).length;
      const res = await save(
        {
          name: 'N'.repeat(101),
          description_es: 'Una línea\u0007 con un carácter de control',
          landing_ar: 'ن'.repeat(3001),
          emergency_ru: 'Б'.repeat(601),
          pgp_key: '-----BEGIN PGP PRIVATE KEY BLOCK-----\nxyz\n-----END PGP PRIVATE KEY BLOCK-----',
          onion_address: 'example.onion',
          signal_number: '07700 900123',
          default_locale: 'de',
        },
        admin,
        '/staff/settings?lang=es',
      );
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('<html lang="es"');
      for (const key of [
        'settings.error.name_too_long',
        'settings.error.landing_too_long',
        'settings.error.emergency_too_long',
        'settings.error.pgp_key_private',
        'settings.error.onion_invalid',
        'settings.error.signal_invalid',
        'settings.error.default_locale',
        'common.form.control_chars',
      ]) {
        expect(unescape(res.body), key).toContain(es(key));
      }
      // What was typed comes back whole, for the person to correct.
      expect(res.body).toContain('ن'.repeat(3001));
      expect(await revision()).toBe(before);
      expect((await audits('settings.saved')).length).toBe(saves);

      const lines = await save({ name: 'Two\nlines', pgp_key: 'not a key' }, admin, '/staff/settings?lang=es');
      expect(lines.statusCode).toBe(422);
      expect(unescape(lines.body)).toContain(es('settings.error.one_line'));
      expect(unescape(lines.body)).toContain(es('settings.error.pgp_key_invalid'));

      const revisionText = await save({ revision: 'abc' });
      expect(revisionText.statusCode).toBe(422);
      expect(hiddenField(revisionText.body, 'revision')).toBe(String(before));
      // A refused form keeps the revision it was shown at: a save meanwhile is still caught.
      const old = await postForm(h, '/staff/settings', { ...blankForm(admin.csrf, before - 1), name: 'x'.repeat(101) }, admin.cookie);
      expect(old.statusCode).toBe(422);
      expect(hiddenField(old.body, 'revision')).toBe(String(before - 1));

      // A body beyond every field's longest answer in its worst encoding: 413, nothing read.
      const huge = await save({ landing_en: '\u202e'.repeat(200_000) }, admin, '/staff/settings?lang=es');
      expect(huge.statusCode).toBe(413);
      expect(await revision()).toBe(before);
    });

    it('refuses a form saved over a newer save (409), showing what was typed; of two saves at once one wins', async () => {
      const at = await revision();
      const first = await postForm(h, '/staff/settings', { ...blankForm(admin.csrf, at), name: 'First' }, admin.cookie);
      expect(first.statusCode).toBe(303);
      const stale = await postForm(h, '/staff/settings', { ...blankForm(admin.csrf, at), name: 'Stale' }, admin.cookie);
      expect(stale.statusCode).toBe(409);
      expect(unescape(stale.body)).toContain(i18n.format('en', 'settings.error.changed'));
      expect(stale.body).toContain('value="Stale"');
      expect(hiddenField(stale.body, 'revision')).toBe(String(at + 1));
      expect(await organisationName(h.deps, 'en')).toBe('First');

      const now = await revision();
      const [a, b] = await Promise.all([
        postForm(h, '/staff/settings', { ...blankForm(admin.csrf, now), name: 'Alpha' }, admin.cookie),
        postForm(h, '/staff/settings', { ...blankForm(admin.csrf, now), name: 'Beta' }, admin.cookie),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
      expect(await revision()).toBe(now + 1);
      expect(await organisationName(h.deps, 'en')).toBe(a.statusCode === 303 ? 'Alpha' : 'Beta');
    });

    it('lets coordinators read the settings but not change them; handlers neither', async () => {
      const read = await h.app.inject({ url: '/staff/settings', headers: { cookie: coordinator.cookie } });
      expect(read.statusCode).toBe(200);
      expect(read.body).toContain('<fieldset class="field" disabled>');
      expect(read.body).not.toContain('action="/staff/settings/logo"');
      const at = await revision();
      expect((await save({ name: 'Coordinated' }, coordinator)).statusCode).toBe(403);
      expect((await uploadLogo({ filename: 'logo.svg', type: 'image/svg+xml', data: SVG_LOGO }, coordinator)).statusCode).toBe(403);
      expect((await postForm(h, '/staff/settings/logo/remove', { _csrf: coordinator.csrf }, coordinator.cookie)).statusCode).toBe(403);
      expect((await h.app.inject({ url: '/staff/settings', headers: { cookie: handler.cookie } })).statusCode).toBe(403);
      expect((await save({ name: 'Handled' }, handler)).statusCode).toBe(403);
      // Nobody signed in is sent to sign in.
      const anonymous = await h.app.inject({ url: '/staff/settings' });
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/staff/sign-in');
      // A POST without the session's CSRF token is refused.
      expect((await postForm(h, '/staff/settings', { ...blankForm('wrong', at), name: 'Forged' }, admin.cookie)).statusCode).toBe(403);
      expect(await revision()).toBe(at);
    });

    it('sanitises an uploaded SVG, serves it at its hash with nosniff and a sandbox, audited', async () => {
      const hostile = Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><circle r="5" fill="url(https://evil.example/#x)"/></svg>',
      );
      const res = await uploadLogo({ filename: 'logo.svg', type: 'image/svg+xml', data: hostile });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/settings?done=logo_saved#logo');
      const [entry] = await audits('settings.logo_set');
      const detail = JSON.parse(entry!.detail!) as Record<string, unknown>;
      expect(entry!.actor_id).toBe(admin.userId);
      expect(detail).toMatchObject({ type: 'image/svg+xml', uploaded_bytes: hostile.length, previous: null });

      const page = await landing('en');
      const src = /<img class="logo" src="(\/organisation\/logo\.([0-9a-f]{16})\.svg)" alt\/>/.exec(page);
      expect(src?.[2]).toBe(detail.hash);
      const logo = await h.app.inject({ url: src![1]! });
      expect(logo.statusCode).toBe(200);
      expect(logo.headers['content-type']).toBe('image/svg+xml');
      expect(logo.headers['x-content-type-options']).toBe('nosniff');
      expect(logo.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(logo.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(logo.body).toBe('<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>');
      // The staff page shows it too.
      expect((await h.app.inject({ url: '/staff/settings', headers: { cookie: admin.cookie } })).body).toContain(`src="${src![1]}"`);
    });

    it('stores a PNG without its text and Exif chunks, and refuses a broken CRC or a DOCTYPE in the person’s language', async () => {
      const withText = png({
        extra: [pngChunk('tEXt', Buffer.from('Location\0Safe house, 4th floor', 'latin1')), pngChunk('eXIf', Buffer.from('MM\0*GPS', 'latin1'))],
      });
      const res = await uploadLogo({ filename: 'logo.png', type: 'image/png', data: withText });
      expect(res.statusCode, res.body).toBe(303);
      const src = /<img class="logo" src="(\/organisation\/logo\.[0-9a-f]{16}\.png)"/.exec(await landing('en'))![1]!;
      const served = await h.app.inject({ url: src });
      expect(served.headers['content-type']).toBe('image/png');
      expect(served.rawPayload.toString('latin1')).not.toMatch(/Safe house|tEXt|eXIf|GPS/);
      expect(served.rawPayload.length).toBeLessThan(withText.length);
      // The address of the logo it replaced is not found any more.
      const logos = await audits('settings.logo_set');
      const previous = JSON.parse(logos.at(-1)!.detail!).previous as string;
      expect((await h.app.inject({ url: `/organisation/logo.${previous}.svg` })).statusCode).toBe(404);

      const broken = Buffer.from(withText);
      broken[broken.length - 20] = broken[broken.length - 20]! ^ 0xff;
      const crc = await uploadLogo({ filename: 'logo.png', type: 'image/png', data: broken }, admin, '/staff/settings/logo?lang=es');
      expect(crc.statusCode).toBe(422);
      expect(unescape(crc.body)).toContain(es('settings.error.logo_crc'));
      const doctype = await uploadLogo(
        { filename: 'logo.svg', type: 'image/svg+xml', data: Buffer.from('<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>') },
        admin,
        '/staff/settings/logo?lang=es',
      );
      expect(doctype.statusCode).toBe(422);
      expect(unescape(doctype.body)).toContain(es('settings.error.logo_doctype'));
      // A file claiming to be a PNG that is not one is refused before the route runs.
      expect((await uploadLogo({ filename: 'logo.png', type: 'image/png', data: Buffer.from('<svg/>') })).statusCode).toBe(422);
      expect((await uploadLogo({ filename: 'logo.gif', type: 'image/gif', data: Buffer.from('GIF89a') })).statusCode).toBe(422);
      // Too large to read at all: 413.
      const huge = await uploadLogo({ filename: 'logo.svg', type: 'image/svg+xml', data: Buffer.alloc(70 * 1024, 0x20) });
      expect(huge.statusCode).toBe(413);
      // No file chosen.
      const none = multipart([{ name: '_csrf', value: admin.csrf }]);
      const missing = await h.app.inject({ method: 'POST', url: '/staff/settings/logo', payload: none.payload, headers: { ...none.headers, cookie: admin.cookie } });
      expect(missing.statusCode).toBe(422);
      expect(unescape(missing.body)).toContain(i18n.format('en', 'settings.error.logo_missing'));
      // None of these changed the logo or wrote an audit entry.
      expect((await audits('settings.logo_set')).length).toBe(logos.length);
      expect(await landing('en')).toContain(`src="${src}"`);
    });

    it('removes the logo, audited; its address is then not found', async () => {
      const src = /<img class="logo" src="([^"]+)"/.exec(await landing('en'))![1]!;
      const res = await postForm(h, '/staff/settings/logo/remove', { _csrf: admin.csrf }, admin.cookie);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/settings?done=logo_removed#logo');
      const [removed] = await audits('settings.logo_removed');
      expect(JSON.parse(removed!.detail!)).toEqual({ previous: /logo\.([0-9a-f]{16})\./.exec(src)![1] });
      expect(await landing('en')).not.toContain('<img');
      expect((await h.app.inject({ url: src })).statusCode).toBe(404);
      // Removing when there is none writes nothing.
      expect((await postForm(h, '/staff/settings/logo/remove', { _csrf: admin.csrf }, admin.cookie)).statusCode).toBe(303);
      expect((await audits('settings.logo_removed')).length).toBe(1);
      for (const url of ['/organisation/logo.svg', '/organisation/logo.0123456789abcdef.gif', '/organisation/pgp-key.0000000000000000.asc', '/organisation/x']) {
        expect((await h.app.inject({ url })).statusCode, url).toBe(404);
      }
    });

    it('shows a save to every process on the same database within a second', async () => {
      const other = await secondProcess(h);
      try {
        expect(await landing('en', other.app)).toContain('<bdi>');
        const named = async (app = h.app) => /<title>[^<]*\u2068([^\u2069]*)\u2069<\/title>/.exec(await landing('en', app))?.[1];
        const before = await named(other.app);
        expect((await save({ name: 'Shared name' })).statusCode).toBe(303);
        // The process that saved sees it at once; the other serves its copy, at most a second old.
        expect(await named(h.app)).toBe('Shared name');
        expect(await named(other.app)).toBe(before);
        h.clock.advance(SETTINGS_CACHE_MS);
        expect(await named(other.app)).toBe('Shared name');
      } finally {
        await other.close();
      }
    });
  });
}

/** The values a settings page's form holds (text inputs, textareas, the selected language, the hidden revision). */
function hiddenValues(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input id="f-([a-z_]+)" name="[a-z_]+" type="text" value="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!);
  for (const m of html.matchAll(/<textarea id="f-([a-z_]+)"[^>]*>([^<]*)<\/textarea>/g)) out[m[1]!] = unescape(m[2]!);
  const selected = /<option value="([a-z]+)" selected/.exec(html);
  if (selected) out.default_locale = selected[1]!;
  return out;
}
