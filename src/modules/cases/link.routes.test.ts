import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { issueFormToken } from '../../platform/http/form-token.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { changeAccess } from './access.service.js';
import { postForm, signInWithReceipt } from '../intake/intake.test-helpers.js';

// Links, merges and duplicate suggestions through the case page's plain forms (JavaScript off:
// POST → 303 with a flash, or the page again with 422 and the message by the field) and the
// JSON API, on both engines; and the merged duplicate's receipt on the public follow-up pages.

const hiddenValue = (html: string, name: string) => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no ${name} on the page`);
  return m[1]!;
};

for (const engine of engines) {
  describe.skipIf(!engine.available)(`links and merges (HTML and API) on ${engine.name}`, () => {
    let h: Harness;
    let lead: StaffFixture;
    let handler: StaffFixture;
    let outsider: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      lead = await staffMember(h.deps, 'coordinator', 'Cy Lead');
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      outsider = await staffMember(h.deps, 'handler', 'Bo Outsider');
    });
    afterAll(async () => h?.close());

    const page = (who: StaffFixture, id: number) => h.app.inject({ url: `/staff/cases/${id}`, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const api = (who: StaffFixture, method: 'POST' | 'DELETE' | 'GET', url: string, body?: unknown) =>
      h.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: who.bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    const row = (id: number) => h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('links by number with the form, shows it on both pages, and removes it', async () => {
      const a = (await newRequest(h.deps)).caseId;
      const b = (await newRequest(h.deps, { contact: 'other@example.org' })).caseId;
      const shown = await page(handler, a);
      const once = hiddenValue(shown.body.slice(shown.body.indexOf('id="links"')), '_once');
      const res = await post(handler, `/staff/cases/${a}/links`, { _once: once, other: `#${b}`, reason: 'same_incident' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${a}?done=linked`);
      const after = await h.app.inject({ url: res.headers.location as string, headers: { cookie: handler.cookie } });
      expect(after.body).toContain('Cases linked. The link shows on both cases.');
      expect(after.body).toContain(`href="/staff/cases/${b}"`);
      expect(after.body).toContain('Same incident');
      expect((await page(handler, b)).body).toContain(`href="/staff/cases/${a}"`);
      // The same form again (a double click) changes nothing.
      const again = await post(handler, `/staff/cases/${a}/links`, { _once: once, other: String(b), reason: 'same_incident' });
      expect(again.statusCode).toBe(303);
      expect(await h.deps.db.selectFrom('case_links').selectAll().execute()).toHaveLength(1);
      const removed = await post(handler, `/staff/cases/${b}/links/remove`, { other: String(a) });
      expect(removed.headers.location).toBe(`/staff/cases/${b}?done=unlinked`);
      expect((await page(handler, a)).body).toContain('No linked cases.');
    });

    it('re-renders the link form with 422: not a number, itself, a case one may not know exactly as none', async () => {
      const a = (await newRequest(h.deps)).caseId;
      const secret = (await newRequest(h.deps)).caseId;
      expect((await changeAccess(h.deps, lead.principal, secret, { restricted: true, version: 1 })).ok).toBe(true);
      const bad = await post(handler, `/staff/cases/${a}/links`, { other: 'twelve' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('Enter a case number, for example 1234.');
      expect(bad.body).toContain('value="twelve"');
      const self = await post(handler, `/staff/cases/${a}/links`, { other: String(a) });
      expect(self.statusCode).toBe(422);
      expect(self.body).toContain('a case cannot be linked to itself');
      const oversized = await post(handler, `/staff/cases/${a}/links`, { other: '9'.repeat(5000) });
      expect(oversized.statusCode).toBe(422);
      const unknownNumber = 909_090;
      const known = await post(handler, `/staff/cases/${a}/links`, { other: String(secret) });
      const unknown = await post(handler, `/staff/cases/${a}/links`, { other: String(unknownNumber) });
      expect(known.statusCode).toBe(422);
      expect(unknown.statusCode).toBe(422);
      expect(known.body).toContain('No case you can see has this number.');
      const normal = (body: string, n: number) =>
        body.replaceAll(`value="${n}"`, 'value="#"').replace(/nonce="[^"]*"/g, '').replace(/name="_once" value="[^"]*"/g, '');
      expect(normal(known.body, secret)).toBe(normal(unknown.body, unknownNumber));
      expect(await h.deps.db.selectFrom('case_links').selectAll().where('low_id', '=', a).execute()).toEqual([]);
    });

    it('suggests duplicates from the same contact with one-click forms, and merges one into another; the old receipt reaches its own conversation', async () => {
      const contact = 'same.person@example.org';
      const first = await newRequest(h.deps, { contact, description: 'My phone was taken at a checkpoint' });
      const dup = await newRequest(h.deps, { contact: ' Same.Person@example.org ', description: 'Writing again about my phone' });
      const unrelated = await newRequest(h.deps, { contact: 'someone@example.org' });
      const shown = await page(lead, dup.caseId);
      const dupSection = shown.body.slice(shown.body.indexOf('id="duplicates"'));
      expect(dupSection).toContain('Possible duplicates');
      expect(dupSection).toContain(`href="/staff/cases/${first.caseId}"`);
      expect(dupSection).not.toContain(`href="/staff/cases/${unrelated.caseId}"`);
      expect(dupSection).toContain(`Merge this case into case`);
      // The suggestion's merge form, as a browser without script sends it.
      const once = hiddenValue(dupSection, '_once');
      const version = hiddenValue(dupSection, 'version');
      const merged = await post(lead, `/staff/cases/${dup.caseId}/merge`, { _once: once, version, into: String(first.caseId) });
      expect(merged.statusCode).toBe(303);
      expect(merged.headers.location).toBe(`/staff/cases/${first.caseId}?done=merged&count=1`);
      const target = await h.app.inject({ url: merged.headers.location as string, headers: { cookie: lead.cookie } });
      expect(target.body).toContain('Case merged: # message moved here.'.replace('#', '1'));
      expect(target.body).toContain('Writing again about my phone');
      expect(target.body).toContain(`From the requester of case ${dup.caseId}`);
      // The reply form offers the merged receipt's requester.
      expect(target.body).toContain(`<option value="${dup.caseId}">The requester of merged case ${dup.caseId}</option>`);
      const old = await page(lead, dup.caseId);
      expect(old.body).toContain('This case was merged');
      expect(old.body).not.toContain('id="reply"');
      expect((await row(dup.caseId)).merged_into).toBe(first.caseId);
      // The same form again: nothing more, back to the case merged into.
      const repeated = await post(lead, `/staff/cases/${dup.caseId}/merge`, { _once: once, version, into: String(first.caseId) });
      expect(repeated.headers.location).toBe(`/staff/cases/${first.caseId}?done=merge_repeated`);

      // A reply to the merged receipt, with the page's form.
      const replyOnce = hiddenValue(target.body.slice(target.body.indexOf('id="reply"')), '_once');
      const sent = await post(lead, `/staff/cases/${first.caseId}/replies`, { _once: replyOnce, body: 'We have your second message', to: String(dup.caseId) });
      expect(sent.statusCode).toBe(303);

      // The duplicate's requester, with their old receipt: their own messages and that reply, nothing of the first request.
      const followup = await signInWithReceipt(h, dup.receipt);
      expect(followup.html).toContain('Writing again about my phone');
      expect(followup.html).toContain('We have your second message');
      expect(followup.html).not.toContain('checkpoint');
      const wrote = await postForm(h, '/followup/conversation', { _csrf: followup.csrf, body: 'Thank you, one more detail' }, { cookie: followup.cookie });
      expect(wrote.statusCode).toBe(303);
      const landed = await h.deps.db.selectFrom('messages').select(['case_id', 'via_case_id']).where('kind', '=', 'requester').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(landed).toEqual({ case_id: first.caseId, via_case_id: dup.caseId });
      // And the first requester does not read the duplicate's messages.
      const firstView = await signInWithReceipt(h, first.receipt);
      expect(firstView.html).toContain('checkpoint');
      expect(firstView.html).not.toContain('Writing again about my phone');
      expect(firstView.html).not.toContain('We have your second message');
    });

    it('refuses a stale or missing merge token with the form again, and a handler who may not merge with 403', async () => {
      const dup = (await newRequest(h.deps)).caseId;
      const into = (await newRequest(h.deps)).caseId;
      const stale = issueFormToken(h.deps.vault.formKey, 'case-link-form', h.deps.now() - 7 * 3600_000);
      for (const fields of [{ _once: stale }, {}] as Record<string, string>[]) {
        const res = await post(lead, `/staff/cases/${dup}/merge`, { ...fields, into: String(into) });
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain('This form was open too long or is not from this page: nothing was merged.');
        expect(res.body).toContain(`value="${into}"`);
      }
      expect((await row(dup)).merged_into).toBeNull();
      // A handler who holds neither case: the form is not offered, and sending it anyway is refused.
      expect((await page(handler, dup)).body).not.toContain(`action="/staff/cases/${dup}/merge"`);
      const mine = (await page(handler, dup)).body;
      const once = hiddenValue(mine.slice(mine.indexOf('id="links"')), '_once');
      const refused = await post(handler, `/staff/cases/${dup}/merge`, { _once: once, into: String(into) });
      expect(refused.statusCode).toBe(403);
      // An auditor is refused by the route's action before anything is read.
      const auditor = await staffMember(h.deps, 'auditor');
      expect((await post(auditor, `/staff/cases/${dup}/merge`, { into: String(into) })).statusCode).toBe(403);
      expect((await row(dup)).merged_into).toBeNull();
    });

    it('answers the JSON API: link, unlink, merge, and the case item with links and merged_into', async () => {
      const a = (await newRequest(h.deps)).caseId;
      const b = (await newRequest(h.deps)).caseId;
      const linked = await api(handler, 'POST', `/cases/${a}/links`, { case: b, reason: 'follow_up' });
      expect(linked.statusCode).toBe(201);
      expect(linked.json().links).toMatchObject([{ case_id: b, reason: 'follow_up', merged_into: null }]);
      expect((await api(handler, 'POST', `/cases/${b}/links`, { case: a })).statusCode).toBe(200);
      expect((await api(handler, 'POST', `/cases/${a}/links`, { case: a })).json().error).toMatchObject({ code: 'CASE_LINK_SELF', field: 'case' });
      expect((await api(handler, 'POST', `/cases/${a}/links`, { case: 'nope' })).statusCode).toBe(422);
      expect((await api(handler, 'POST', `/cases/${a}/links`, { case: b, extra: 1 })).statusCode).toBe(422);
      const item = (await api(handler, 'GET', `/cases/${b}`)).json();
      expect(item.links).toMatchObject([{ case_id: a, reason: 'follow_up' }]);
      expect(item.merged_into).toBeNull();
      expect((await api(handler, 'DELETE', `/cases/${a}/links/${b}`)).statusCode).toBe(204);
      expect((await api(handler, 'DELETE', `/cases/${a}/links/${b}`)).statusCode).toBe(404);

      expect((await api(handler, 'POST', `/cases/${a}/merge`, { into: b })).statusCode).toBe(403);
      expect((await api(lead, 'POST', `/cases/${a}/merge`, { into: a })).json().error).toMatchObject({ code: 'CASE_MERGE_SELF', field: 'into' });
      const merged = await api(lead, 'POST', `/cases/${a}/merge`, { into: b });
      expect(merged.statusCode).toBe(200);
      expect(merged.json()).toEqual({ into: b, messages: 1, files: 0 });
      expect((await api(lead, 'POST', `/cases/${a}/merge`, { into: b })).statusCode).toBe(409);
      const after = (await api(lead, 'GET', `/cases/${a}`)).json();
      expect(after).toMatchObject({ merged_into: b, status: 'closed', messages: [] });
      const target = (await api(lead, 'GET', `/cases/${b}`)).json();
      expect(target.merged_here).toEqual([a]);
      expect(target.messages.filter((m: { via: number | null }) => m.via === a)).toHaveLength(1);
      // Someone who may not know a restricted case: the same 404 as for none.
      const secret = (await newRequest(h.deps)).caseId;
      expect((await changeAccess(h.deps, lead.principal, secret, { restricted: true, version: 1 })).ok).toBe(true);
      const hidden = await api(outsider, 'POST', `/cases/${secret}/links`, { case: b });
      const none = await api(outsider, 'POST', `/cases/999999/links`, { case: b });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.body).toBe(none.body);
      const toHidden = await api(outsider, 'POST', `/cases/${b}/links`, { case: secret });
      const toNone = await api(outsider, 'POST', `/cases/${b}/links`, { case: 999_999 });
      expect(toHidden.statusCode).toBe(422);
      expect(toHidden.body).toBe(toNone.body);
    });
  });
}
