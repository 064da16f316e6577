import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { HONEYPOT_FIELD } from '../../src/modules/intake/intake.abuse.js';
import { REQUEST_ANSWERS, signInWithReceipt, submit, tokenIn } from '../../src/modules/intake/intake.test-helpers.js';
import { PUBLIC_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { countScope, runs, triedReport, assertProperty, fuzzTimeout } from './checks.js';
import { acceptLanguage, anyText, encoding, formContentType, mutatedForm, nastyText, queryString, rawPercent, type Form } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// The public surface, fed anything through the real app on both engines: the request form,
// the receipt form, the conversation and its deletion, and any query string or path. Whatever
// is sent: never a 5xx; a refusal is a page in the person's language that says what went
// wrong; a refused request writes nothing.

const REQUEST_FIELDS = ['_csrf', 'description', 'urgency', 'country', 'language', 'contact_method', 'contact', 'beneficiary', 'consent', HONEYPOT_FIELD];

const validRequest = (token: string): Form => ({ _csrf: token, ...REQUEST_ANSWERS });

/** A real token or anything in its place. */
const tokenOr = fc.option(anyText, { freq: 4, nil: undefined });

for (const engine of engines) {
  describe.skipIf(!engine.available)(`public surface, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let receipt: string;
    let cookie: string;
    let csrf: string;
    const surface = (lang?: string) => ({ kind: 'public' as const, locales: PUBLIC_LOCALES, ...(lang ? { lang } : {}) });
    /** The locale a page must be in when `accept` is the browser's Accept-Language. */
    const expected = (accept: string) => h.deps.i18n.negotiate(accept, PUBLIC_LOCALES);

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      receipt = await submit(h);
      ({ cookie, csrf } = await signInWithReceipt(h, receipt));
    });
    afterAll(async () => {
      console.log(triedReport(`public surface on ${engine.name}`));
      await h?.close();
    });

    it('POST /request: any form, any encoding, any content type', async () => {
      const arb = fc.record({
        mutate: mutatedForm(REQUEST_FIELDS),
        token: tokenOr,
        how: encoding,
        type: formContentType,
        accept: acceptLanguage(PUBLIC_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ mutate, token, how, type, accept }) => {
          const page = await h.app.inject({ url: '/request' });
          const form = mutate(validRequest(token ?? tokenIn(page.body)));
          await send(h, formProbe('POST /request', '/request', form, how, type, { 'accept-language': accept }), surface(expected(accept)));
        },
        runs(80),
      );
    }, fuzzTimeout());

    it('POST /followup: any receipt, any message, any token', async () => {
      const arb = fc.record({
        receipt: fc.option(anyText, { freq: 3, nil: undefined }),
        message: fc.option(anyText, { freq: 2, nil: undefined }),
        extra: mutatedForm(['_csrf', 'receipt', 'message']),
        token: tokenOr,
        how: encoding,
        accept: acceptLanguage(PUBLIC_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ receipt: r, message, extra, token, how, accept }) => {
          const page = await h.app.inject({ url: '/followup' });
          const form = extra({ _csrf: token ?? tokenIn(page.body), receipt: r ?? receipt, ...(message === undefined ? {} : { message }) });
          await send(h, formProbe('POST /followup', '/followup', form, how, 'application/x-www-form-urlencoded', { 'accept-language': accept }), surface(expected(accept)));
        },
        runs(15),
      );
    }, fuzzTimeout());

    it('POST /followup/conversation: any message in a live session', async () => {
      const arb = fc.record({
        mutate: mutatedForm(['_csrf', '_once', 'body']),
        body: anyText,
        token: tokenOr,
        how: encoding,
        type: formContentType,
        accept: acceptLanguage(PUBLIC_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ mutate, body, token, how, type, accept }) => {
          const page = await h.app.inject({ url: '/followup/conversation', headers: { cookie } });
          const once = /name="_once" value="([^"]*)"/.exec(page.body)?.[1] ?? '';
          const form = mutate({ _csrf: token ?? csrf, _once: once, body });
          await send(h, formProbe('POST /followup/conversation', '/followup/conversation', form, how, type, { cookie, 'accept-language': accept }), surface(expected(accept)));
        },
        runs(40),
      );
    }, fuzzTimeout());

    it('POST /followup/delete and /followup/delete/confirm: never deleted without the session token', async () => {
      const arb = fc.record({
        confirm: fc.boolean(),
        token: anyText,
        extra: mutatedForm(['_csrf']),
        how: encoding,
        accept: acceptLanguage(PUBLIC_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ confirm, token, extra, how, accept }) => {
          const url = confirm ? '/followup/delete/confirm' : '/followup/delete';
          // Any token but the session's: the confirmation must refuse it, and the question writes nothing anyway.
          const form = extra({ _csrf: token === csrf ? `${token}x` : token });
          if (confirm && form._csrf === csrf) form._csrf = `${csrf}x`;
          await send(h, formProbe(`POST ${url}`, url, form, how, 'application/x-www-form-urlencoded', { cookie, 'accept-language': accept }), surface(expected(accept)));
        },
        runs(20),
      );
    }, fuzzTimeout());

    it('GET any public page with any query string, and any path', async () => {
      const pages = ['/', '/request', '/followup', '/followup/conversation', '/followup/deleted', '/assets/x.css'];
      const arb = fc.record({
        path: fc.oneof(
          { arbitrary: fc.constantFrom(...pages), weight: 3 },
          { arbitrary: anyText.map((s) => `/${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}`), weight: 1 },
          // Escapes that decode to no UTF-8 at all (a lone surrogate's bytes, a stray byte).
          { arbitrary: fc.tuple(fc.constantFrom(...pages), nastyText).map(([p, s]) => `${p}/${rawPercent(s)}%FF`), weight: 1 },
        ),
        query: queryString(['lang', 'done', 'sent']),
        withCookie: fc.boolean(),
        accept: acceptLanguage(PUBLIC_LOCALES),
      });
      await assertProperty(
        arb,
        async ({ path, query, withCookie, accept }) => {
          const p: Probe = {
            label: 'GET (public pages)',
            method: 'GET',
            url: `${path}?${query}`,
            headers: { 'accept-language': accept, ...(withCookie ? { cookie } : {}) },
          };
          await send(h, p, surface());
        },
        runs(40),
      );
    }, fuzzTimeout());
  });
}
