import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createActiveUser, createUserWithEnrollment } from '../../src/modules/accounts/index.js';
import { caseIdForReceipt } from '../../src/modules/cases/index.js';
import { submit } from '../../src/modules/intake/intake.test-helpers.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { hiddenField, sessionCookieOf, signInAs, TEST_PASSWORD, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { acceptLanguage, anyText, encodeForm, encoding, formContentType, idSegment, mutatedForm, named, type Form } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// The staff workspace, fed anything through the real app on both engines, signed in as an
// administrator (who may use every form): sign-in, the second factor, enrolment, every case
// form (a reply with a new status too), the queue's filters, the go-to-case box, retention
// rules, people (disable, enable, reassign, reset, roles), teams and their pages, the audit
// log and its CSV, API tokens, the workspace language and the unseal form. Whatever is sent: never a 5xx; a refusal is a page that says what went
// wrong, in a language of the workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

/** A route the property can pick: its fields, and how to build a request from a mutation. */
interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  build(x: { mutate: (f: Form) => Form; token: string | undefined; id: () => string; pick: number; how: Parameters<typeof encodeForm>[1]; type: string; accept: string }): Promise<Probe>;
}

/** A real token or anything in its place. */
const tokenOr = fc.option(anyText, { freq: 4, nil: undefined });

let emails = 0;
const uniqueEmail = (what: string) => `${what}.${(emails += 1)}.${Math.random().toString(36).slice(2, 8)}@example.org`;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`staff workspace, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let caseId: number;
    let otherUserId: string;

    const version = async () =>
      String((await h.deps.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version);

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
      caseId = (await caseIdForReceipt(h.deps, await submit(h)))!;
      otherUserId = (await createActiveUser(h.deps, { email: uniqueEmail('other'), role: 'handler', displayName: 'Other', password: TEST_PASSWORD })).userId;
    });
    afterAll(async () => {
      console.log(triedReport(`staff workspace on ${engine.name}`));
      await h?.close();
    });

    /** A signed-in POST: the session cookie, the session's CSRF token unless replaced. */
    const staffPost = (label: string, url: string, base: Form, fields: readonly string[], weight = 2): Route => ({
      label,
      weight,
      fields: ['_csrf', ...fields],
      async build({ mutate, token, how, type, accept }) {
        const form = mutate({ _csrf: token ?? admin.csrf, ...base });
        return formProbe(label, url, form, how, type, { cookie: admin.cookie, 'accept-language': accept });
      },
    });

    /** A case form on the case named by the id segment. */
    const caseForm = (path: string, fields: (v: string) => Form, weight = 2): Route => ({
      label: `POST /staff/cases/:id/${path}`,
      weight,
      fields: ['_csrf', ...Object.keys(fields('1'))],
      async build({ mutate, token, id, how, type, accept }) {
        const form = mutate({ _csrf: token ?? admin.csrf, ...fields(await version()) });
        return formProbe(`POST /staff/cases/:id/${path}`, `/staff/cases/${id()}/${path}`, form, how, type, { cookie: admin.cookie, 'accept-language': accept });
      },
    });

    /** A signed-in GET whose query string is a mutated valid one. */
    const staffGet = (label: string, path: (id: string) => string, base: Form, weight = 1): Route => ({
      label,
      weight,
      fields: Object.keys(base),
      async build({ mutate, id, how, accept }) {
        const q = encodeForm(mutate(base), how === 'invalid-utf8' ? 'garbage' : how) as string;
        return { label, method: 'GET', url: `${path(id())}?${q}`, headers: { cookie: admin.cookie, 'accept-language': accept } };
      },
    });

    it('every workspace form and page: any body, any id, any query string', async () => {
      const routes: Route[] = [
        caseForm('replies', () => ({ body: 'We can help.' }), 3),
        caseForm('replies', (v) => ({ body: 'We can help.', next_status: 'waiting', version: v }), 2),
        caseForm('notes', () => ({ note: 'Called them back.' }), 3),
        caseForm('triage', (v) => ({ version: v, urgency: 'reactive', incident_type: 'phishing', severity: 'high', country: 'KE', beneficiary: 'journalist', language: 'en', mandate: 'in' }), 3),
        caseForm('assignment', (v) => ({ version: v, assignee_id: admin.userId })),
        caseForm('claim', (v) => ({ version: v })),
        caseForm('status', (v) => ({ version: v, status: 'vetting' })),
        caseForm('not-spam', () => ({ from: 'case' }), 1),
        // Need-to-know (ADR 32): restrict or lift, list a person, take one off.
        caseForm('restriction', (v) => ({ version: v, restricted: 'yes' }), 1),
        caseForm('access', () => ({ person: otherUserId }), 1),
        caseForm('access/remove', () => ({ person: otherUserId }), 1),
        // Referrals (ADR 36): the form on a case and its page; referrals.property.test.ts feeds the rest.
        caseForm('referrals', () => ({ items: 'case_facts', letter_language: 'en', follow_up_days: '7' }), 1),
        staffGet('GET /staff/cases/:id/referrals', (id) => `/staff/cases/${id}/referrals`, { service: 'legal' }),
        staffPost('POST /staff/cases/mark-spam', '/staff/cases/mark-spam', {}, ['case'], 1),
        staffGet('GET /staff (queue filters)', () => '/staff', { view: 'main', status: 'new', incident_type: 'phishing', region: 'africa', language: 'en', assignee: 'mine', limit: '50', cursor: '0.1.2' }, 3),
        staffGet('GET /staff/cases/:id', (id) => `/staff/cases/${id}`, { done: 'reply_sent' }),
        staffPost('POST /staff/retention', '/staff/retention', { status: 'closed', incident_type: '', basis: 'closed_at', days: '30', enabled: 'yes' }, ['status', 'incident_type', 'basis', 'days', 'enabled'], 3),
        staffPost('POST /staff/retention/delete', '/staff/retention/delete', { status: 'closed', incident_type: 'phishing' }, ['status', 'incident_type']),
        staffGet('GET /staff/retention', () => '/staff/retention', { edit: 'closed', type: 'phishing', done: 'saved' }),
        staffGet('GET /staff/retention/delete', () => '/staff/retention/delete', { status: 'closed', type: 'phishing' }),
        staffPost('POST /staff/account/language', '/staff/account/language', { locale: 'en' }, ['locale']),
        staffPost('POST /staff/account/time-zone', '/staff/account/time-zone', { time_zone: 'UTC' }, ['time_zone']),
        staffPost('POST /staff/account/tokens', '/staff/account/tokens', { label: 'reporting script' }, ['label'], 2),
        {
          ...staffPost('POST /staff/account/tokens/:id/revoke', '', {}, []),
          async build({ mutate, token, id, how, type, accept }) {
            const form = mutate({ _csrf: token ?? admin.csrf });
            return formProbe('POST /staff/account/tokens/:id/revoke', `/staff/account/tokens/${id()}/revoke`, form, how, type, { cookie: admin.cookie, 'accept-language': accept });
          },
        },
        {
          ...staffPost('POST /staff/users', '/staff/users', {}, ['email', 'display_name', 'role']),
          weight: 3,
          async build({ mutate, token, how, type, accept }) {
            const form = mutate({ _csrf: token ?? admin.csrf, email: uniqueEmail('new'), display_name: 'Nadia', role: 'handler' });
            return formProbe('POST /staff/users', '/staff/users', form, how, type, { cookie: admin.cookie, 'accept-language': accept });
          },
        },
        ...(
          [
            ['disable', { confirm: 'yes' }, true],
            ['link', {}, true],
            ['enable', {}, true],
            ['reassign', { to: '' }, true],
            // Never the administrator's own: a reset or a narrower set of roles would end the run's session.
            ['reset', {}, false],
            ['roles', { roles: 'handler' }, false],
          ] as const
        ).map(
          ([act, base, self]): Route => ({
            ...staffPost(`POST /staff/users/:id/${act}`, '', {}, Object.keys(base)),
            weight: 1,
            async build({ mutate, token, id: junk, pick, how, type, accept }) {
              const fields: Form = act === 'reassign' ? { to: [admin.userId, otherUserId][pick % 2]! } : { ...base };
              const form = mutate({ _csrf: token ?? admin.csrf, ...fields });
              // Someone else's id, the administrator's own (disabling oneself must be refused), or anything.
              const ids = self ? [otherUserId, admin.userId, junk()] : [otherUserId, junk()];
              const id = ids[pick % ids.length]!;
              return formProbe(`POST /staff/users/:id/${act}`, `/staff/users/${id}/${act}`, form, how, type, { cookie: admin.cookie, 'accept-language': accept });
            },
          }),
        ),
        staffGet('GET /staff/users/:id/disable', () => `/staff/users/${otherUserId}/disable`, { done: 'cases_reassigned', count: '2' }),
        {
          ...staffPost('POST /staff/teams', '/staff/teams', {}, ['name', 'time_zone', 'region']),
          async build({ mutate, token, how, type, accept }) {
            const form = mutate({ _csrf: token ?? admin.csrf, name: `Team ${(emails += 1)}`, time_zone: 'Africa/Nairobi', region: 'africa' });
            return formProbe('POST /staff/teams', '/staff/teams', form, how, type, { cookie: admin.cookie, 'accept-language': accept });
          },
        },
        ...(
          [
            ['settings', { name: 'Night shift', time_zone: 'Asia/Beirut' }],
            ['regions', { regions: 'africa' }],
            ['languages', { languages: 'ar' }],
            ['members', { user_id: '' }],
            ['members/remove', { user_id: '' }],
            ['remove', {}],
          ] as const
        ).map(
          ([act, base]): Route => ({
            ...staffPost(`POST /staff/teams/:id/${act}`, '', {}, Object.keys(base)),
            weight: 1,
            async build({ mutate, token, id: junk, pick, how, type, accept }) {
              const fields: Form = 'user_id' in base ? { user_id: [otherUserId, admin.userId][pick % 2]! } : { ...base };
              const form = mutate({ _csrf: token ?? admin.csrf, ...fields });
              const team = await h.deps.db.selectFrom('teams').select('id').orderBy('created_at').executeTakeFirst();
              const id = pick % 3 === 2 || !team ? junk() : team.id;
              return formProbe(`POST /staff/teams/:id/${act}`, `/staff/teams/${id}/${act}`, form, how, type, { cookie: admin.cookie, 'accept-language': accept });
            },
          }),
        ),
        staffGet('GET /staff/teams/:id', (id) => `/staff/teams/${id}`, { done: 'team_updated' }),
        staffGet('GET /staff/audit', () => '/staff/audit', { actor: 'someone', action: 'case.viewed', case: '1', from: '2026-11-01', to: '2026-11-30', cursor: '1.2' }, 2),
        staffGet('GET /staff/audit.csv', () => '/staff/audit.csv', { action: 'case.viewed', from: '2026-11-01', to: '2026-11-30' }),
        staffGet('GET /staff/cases/go', () => '/staff/cases/go', { number: '1' }),
        staffGet('GET /staff/search', () => '/staff/search', { q: 'phishing ana@example.org', cursor: '12' }, 2),
        {
          label: 'POST /staff/unseal',
          weight: 1,
          fields: ['_form', 'holder', 'passphrase'],
          async build({ mutate, token, how, type, accept }) {
            const form = mutate({ _form: token ?? '', holder: 'amal', passphrase: 'a passphrase' });
            return formProbe('POST /staff/unseal', '/staff/unseal', form, how, type, { 'accept-language': accept });
          },
        },
      ];
      const arb = fc.oneof(
        ...routes.map((r) => ({
          weight: r.weight,
          arbitrary: fc.record({
            route: fc.constant(named(r.label, r)),
            mutate: mutatedForm(r.fields),
            token: tokenOr,
            id: idSegment(() => String(caseId)),
            pick: fc.nat(),
            how: encoding,
            type: formContentType,
            accept: acceptLanguage(STAFF_LOCALES),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, await route.build(x), surface);
        },
        runs(300),
      );
    }, fuzzTimeout());

    it('second factor and enrolment: any code, any form, any link', async () => {
      // A password-stage session for the second factor, and an enrolment-stage one for its set-up.
      const partialEmail = uniqueEmail('partial');
      await createActiveUser(h.deps, { email: partialEmail, role: 'handler', displayName: 'Partial', password: TEST_PASSWORD });
      const signInPage = await h.app.inject({ url: '/staff/sign-in' });
      const first = await h.app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        payload: new URLSearchParams({ _form: hiddenField(signInPage.body, '_form'), email: partialEmail, password: TEST_PASSWORD }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const partial = sessionCookieOf(first);
      const enrolStage = await enrolledToSecondFactor();

      const arb = fc.record({
        step: fc.constantFrom('sign-in second factor', 'enrolment second factor', 'enrolment'),
        mutate: mutatedForm(['_csrf', '_form', 'code', 'email', 'display_name', 'password', 'password_confirm']),
        token: tokenOr,
        code: fc.oneof(fc.constantFrom('123456', '000000', '12 34 56', '1234567'), anyText),
        link: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: anyText, weight: 1 }),
        how: encoding,
        type: formContentType,
        accept: acceptLanguage(STAFF_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ step, mutate, token, code, link, how, type, accept }) => {
          if (step === 'enrolment') {
            // A fresh link each time, or anything where the link goes.
            const { enrollUrl } = await createUserWithEnrollment(h.deps, { email: uniqueEmail('enrol'), role: 'handler' });
            const path = link === undefined ? new URL(enrollUrl).pathname : `/staff/enrol/${encodeURIComponent(link.replace(/[\ud800-\udfff]/g, ''))}`;
            const page = await h.app.inject({ url: new URL(enrollUrl).pathname });
            const form = mutate({ _form: token ?? hiddenField(page.body, '_form'), display_name: 'Nadia', password: 'a long enough passphrase', password_confirm: 'a long enough passphrase' });
            await send(h, formProbe('POST /staff/enrol/:token', path, form, how, type, { 'accept-language': accept }), surface);
            return;
          }
          const cookie = step === 'enrolment second factor' ? enrolStage.cookie : partial ?? '';
          const url = step === 'enrolment second factor' ? '/staff/enrol/second-factor' : '/staff/sign-in/second-factor';
          const csrf = step === 'enrolment second factor' ? enrolStage.csrf : await csrfOf(url, cookie);
          const form = mutate({ _csrf: token ?? csrf, code });
          await send(h, formProbe(`POST ${url}`, url, form, how, type, { cookie, 'accept-language': accept }), surface);
        },
        runs(60),
      );

      async function csrfOf(url: string, cookie: string): Promise<string> {
        const page = await h.app.inject({ url, headers: { cookie } });
        return /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      }

      async function enrolledToSecondFactor(): Promise<{ cookie: string; csrf: string }> {
        const { enrollUrl } = await createUserWithEnrollment(h.deps, { email: uniqueEmail('stage'), role: 'handler' });
        const path = new URL(enrollUrl).pathname;
        const page = await h.app.inject({ url: path });
        const res = await h.app.inject({
          method: 'POST',
          url: path,
          payload: new URLSearchParams({ _form: hiddenField(page.body, '_form'), display_name: 'Stage', password: 'a long enough passphrase', password_confirm: 'a long enough passphrase' }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const cookie = sessionCookieOf(res) ?? '';
        return { cookie, csrf: await csrfOf('/staff/enrol/second-factor', cookie) };
      }
    }, fuzzTimeout());

    it('sign-in: any address, any password, any form token', async () => {
      const arb = fc.record({
        mutate: mutatedForm(['_form', 'email', 'password']),
        email: fc.oneof(fc.constant(admin.email), fc.constant('nobody@example.org'), anyText),
        token: tokenOr,
        how: encoding,
        type: formContentType,
        accept: acceptLanguage(STAFF_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ mutate, email, token, how, type, accept }) => {
          // A minute between attempts, so the process-wide slowdown of failed sign-ins stays out of the way.
          h.clock.advance(61_000);
          const page = await h.app.inject({ url: '/staff/sign-in' });
          const form = mutate({ _form: token ?? hiddenField(page.body, '_form'), email, password: 'not the password' });
          await send(h, formProbe('POST /staff/sign-in', '/staff/sign-in', form, how, type, { 'accept-language': accept }), surface);
        },
        runs(40),
      );
    }, fuzzTimeout());
  });
}
