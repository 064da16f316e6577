import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { createDispatcher } from '../../platform/events/outbox.js';
import { searchSubscribers } from '../search/search.jobs.js';
import { searchCases } from '../search/search.service.js';
import { changeAccess } from './access.service.js';
import { addNote, replyWithStatus, updateCase, viewCase } from './case.service.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { contactHash, duplicateSuggestions, linkCases, unlinkCases, visibleLinks } from './link.service.js';
import { mergeCase } from './merge.service.js';
import { addRequesterMessage, caseIdForReceipt, requesterView } from './requester.service.js';
import { openMessageBody } from './message-body.js';
import { normalizeHandle } from './link.js';
import { purgeCasePersonalData } from './purge.service.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';

// Linking and merging cases (ADR 38), as services, on both engines: links on both sides and
// audited on both, refusals (itself, unknown, a restricted case one may not know, wrong role),
// the merge's move under the other case's key, its refusals and two merges at once, the
// requester's receipt after a merge (their own conversation only, a reply lands on the case
// merged into), duplicates found by the contact's keyed hash, the search index after a merge.

const audits = (h: Harness, caseId: number, action: string) =>
  h.deps.db.selectFrom('audit_log').select(['detail', 'actor_id']).where('case_id', '=', caseId).where('action', '=', action).execute();

for (const engine of engines) {
  describe.skipIf(!engine.available)(`linking and merging cases on ${engine.name}`, () => {
    let h: Harness;
    let lead: StaffFixture;
    let handler: StaffFixture;
    let other: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      lead = await staffMember(h.deps, 'coordinator');
      handler = await staffMember(h.deps, 'handler');
      other = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
    });
    afterAll(async () => h?.close());

    const row = (id: number) => h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const versionOf = async (id: number) => (await row(id)).version;
    const restrict = async (id: number, add: string[] = []) => {
      const r = await changeAccess(h.deps, lead.principal, id, { restricted: true, add, version: await versionOf(id) });
      expect(r.ok).toBe(true);
    };

    it('links two cases once, shows the link on both, audits both, and removes it from both', async () => {
      const a = (await newRequest(h.deps)).caseId;
      const b = (await newRequest(h.deps)).caseId;
      const made = await linkCases(h.deps, handler.principal, a, { other: b, reason: 'same_incident' });
      expect(made).toEqual({ ok: true, value: { repeated: false, added: true } });
      // From the other side: the same link, not a second one.
      expect(await linkCases(h.deps, handler.principal, b, { other: a, reason: 'related' })).toEqual({ ok: true, value: { repeated: false, added: false } });
      expect((await visibleLinks(h.deps.db, handler.principal, a)).map((l) => [l.caseId, l.reason])).toEqual([[b, 'same_incident']]);
      expect((await visibleLinks(h.deps.db, handler.principal, b)).map((l) => [l.caseId, l.reason])).toEqual([[a, 'same_incident']]);
      expect((await audits(h, a, 'case.linked')).map((x) => JSON.parse(x.detail!))).toEqual([{ case: b, reason: 'same_incident' }]);
      expect((await audits(h, b, 'case.linked')).map((x) => JSON.parse(x.detail!))).toEqual([{ case: a, reason: 'same_incident' }]);

      expect(await unlinkCases(h.deps, handler.principal, b, a)).toEqual({ ok: true, value: { repeated: false, removed: true } });
      expect(await visibleLinks(h.deps.db, handler.principal, a)).toEqual([]);
      expect(await unlinkCases(h.deps, handler.principal, a, b)).toEqual({ ok: true, value: { repeated: false, removed: false } });
      expect(await audits(h, a, 'case.unlinked')).toHaveLength(1);
      expect(await audits(h, b, 'case.unlinked')).toHaveLength(1);
    });

    it('refuses a link to itself, to no case, by a role that may not, and writes nothing', async () => {
      const a = (await newRequest(h.deps)).caseId;
      expect(await linkCases(h.deps, handler.principal, a, { other: a, reason: 'related' })).toEqual({ ok: false, code: 'CASE_LINK_SELF', field: 'other' });
      expect(await linkCases(h.deps, handler.principal, a, { other: 999_999, reason: 'related' })).toEqual({ ok: false, code: 'CASE_LINK_UNKNOWN', field: 'other' });
      expect(await linkCases(h.deps, handler.principal, 999_999, { other: a, reason: 'related' })).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect((await linkCases(h.deps, auditor.principal, a, { other: a - 1, reason: 'related' })).ok).toBe(false);
      expect(await audits(h, a, 'case.linked')).toEqual([]);
    });

    it('answers a link to a restricted case one may not know as one to no case, and never shows it', async () => {
      const open = (await newRequest(h.deps)).caseId;
      const secret = (await newRequest(h.deps)).caseId;
      await linkCases(h.deps, lead.principal, open, { other: secret, reason: 'related' });
      await restrict(secret);
      const known = await linkCases(h.deps, other.principal, open, { other: secret, reason: 'related' });
      const unknown = await linkCases(h.deps, other.principal, open, { other: 999_998, reason: 'related' });
      expect(known).toEqual(unknown);
      expect(await unlinkCases(h.deps, other.principal, open, secret)).toEqual(await unlinkCases(h.deps, other.principal, open, 999_998));
      // The link stays; only those who may know the restricted case see it.
      expect(await visibleLinks(h.deps.db, other.principal, open)).toEqual([]);
      expect((await visibleLinks(h.deps.db, lead.principal, open)).map((l) => l.caseId)).toEqual([secret]);
      const view = await viewCase(h.deps, other.principal, open);
      expect(view.ok && view.value.links).toEqual([]);
      // From the restricted side, the outsider is answered as for no case at all.
      expect(await linkCases(h.deps, other.principal, secret, { other: open, reason: 'related' })).toEqual({ ok: false, code: 'NOT_FOUND' });
    });

    it('spends the form token with the link: the same form twice links once', async () => {
      const a = (await newRequest(h.deps)).caseId;
      const b = (await newRequest(h.deps)).caseId;
      const once = oneTimeToken(h.deps.vault, 'test-link', `token-${a}`, h.deps.now());
      expect((await linkCases(h.deps, handler.principal, a, { other: b, reason: 'related' }, { once })).ok).toBe(true);
      expect(await linkCases(h.deps, handler.principal, a, { other: b, reason: 'related' }, { once })).toEqual({ ok: true, value: { repeated: true, added: false } });
      expect(await audits(h, a, 'case.linked')).toHaveLength(1);
    });

    it('merges a duplicate: messages and files move sealed under the target key, the duplicate closed and marked, both audited', async () => {
      const dup = await newRequest(h.deps, { description: 'First request about the hacked phone' });
      const into = await newRequest(h.deps, { description: 'The target conversation' });
      await addRequesterMessage(h.deps, dup.caseId, 'Another detail from the duplicate');
      await addNote(h.deps, lead.principal, dup.caseId, 'A staff note on the duplicate');
      expect((await replyWithStatus(h.deps, lead.principal, dup.caseId, { body: 'We are on it' })).ok).toBe(true);
      const merged = await mergeCase(h.deps, lead.principal, dup.caseId, into.caseId);
      expect(merged).toEqual({ ok: true, value: { repeated: false, into: into.caseId, messages: 4, files: 0 } });

      const d = await row(dup.caseId);
      expect(d).toMatchObject({ merged_into: into.caseId, status: 'closed', awaiting_reply: 0 });
      expect(d.closed_at).toBe(h.clock.now());
      expect(await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', dup.caseId).execute()).toEqual([]);
      // Every moved body opens under the target's key, none under the duplicate's any more.
      const t = await row(into.caseId);
      const targetKey = h.deps.vault.caseKey(into.caseId, t.key_wrapped);
      const dupKey = h.deps.vault.caseKey(dup.caseId, d.key_wrapped);
      const moved = await h.deps.db.selectFrom('messages').selectAll().where('case_id', '=', into.caseId).where('via_case_id', '=', dup.caseId).execute();
      expect(moved).toHaveLength(4);
      for (const m of moved) {
        expect(m.sealed_to_key).toBeNull();
        expect(openMessageBody(h.deps.vault, targetKey, m).length).toBeGreaterThan(0);
        expect(() => openMessageBody(h.deps.vault, dupKey, m)).toThrow();
        expect(m.body_enc.toString('utf8')).not.toContain('duplicate');
      }
      const view = await viewCase(h.deps, lead.principal, into.caseId);
      if (!view.ok) throw new Error(view.code);
      expect(view.value.messages.map((m) => m.body)).toEqual(
        expect.arrayContaining(['First request about the hacked phone', 'A staff note on the duplicate', 'We are on it']),
      );
      expect(view.value.mergedHere).toEqual([dup.caseId]);
      expect((await audits(h, dup.caseId, 'case.merged')).map((x) => JSON.parse(x.detail!))).toEqual([{ case: into.caseId, messages: 4, files: 0 }]);
      expect((await audits(h, into.caseId, 'case.merged_in')).map((x) => JSON.parse(x.detail!))).toEqual([{ case: dup.caseId, messages: 4, files: 0 }]);
      const events = await h.deps.db.selectFrom('outbox_events').select(['type', 'payload']).where('type', '=', 'case.merged').execute();
      expect(events.map((e) => JSON.parse(String(e.payload)))).toContainEqual({ caseId: dup.caseId, into: into.caseId, by: lead.id });
      // Merged for good: not again, not reopened, no reply or note on it.
      expect(await mergeCase(h.deps, lead.principal, dup.caseId, into.caseId)).toEqual({ ok: false, code: 'CASE_MERGED' });
      expect(await updateCase(h.deps, lead.principal, dup.caseId, { status: 'open' })).toEqual({ ok: false, code: 'CASE_MERGED', field: 'status' });
      expect((await replyWithStatus(h.deps, lead.principal, dup.caseId, { body: 'Hello?' })).ok).toBe(false);
      expect(await addNote(h.deps, lead.principal, dup.caseId, 'Note')).toEqual({ ok: false, code: 'CASE_MERGED' });
    });

    /** A case moved on to resolved: no longer active. */
    const finish = async (id: number) => {
      for (const status of ['open', 'resolved'] as const) expect((await updateCase(h.deps, lead.principal, id, { status })).ok).toBe(true);
    };

    it('refuses itself, an unknown or restricted-unknown target, a closed or merged target, and a wrong role', async () => {
      const dup = (await newRequest(h.deps)).caseId;
      const closed = (await newRequest(h.deps)).caseId;
      await finish(closed);
      const secret = (await newRequest(h.deps)).caseId;
      // Restricted by another lead: this one is not listed and leads no team of it.
      const restrictor = await staffMember(h.deps, 'coordinator');
      expect((await changeAccess(h.deps, restrictor.principal, secret, { restricted: true, version: await versionOf(secret) })).ok).toBe(true);
      expect(await mergeCase(h.deps, lead.principal, dup, dup)).toEqual({ ok: false, code: 'CASE_MERGE_SELF', field: 'into' });
      expect(await mergeCase(h.deps, lead.principal, dup, 999_997)).toEqual({ ok: false, code: 'CASE_LINK_UNKNOWN', field: 'into' });
      expect(await mergeCase(h.deps, lead.principal, dup, closed)).toEqual({ ok: false, code: 'CASE_MERGE_TARGET', field: 'into' });
      expect(await mergeCase(h.deps, lead.principal, 999_997, dup)).toEqual({ ok: false, code: 'NOT_FOUND' });
      // A lead of no team may not know the restricted case: the same answer as no case.
      expect(await mergeCase(h.deps, lead.principal, dup, secret)).toEqual(await mergeCase(h.deps, lead.principal, dup, 999_996));
      // A handler holding neither; an auditor; then a handler who holds the duplicate, into an unassigned case.
      const target = (await newRequest(h.deps)).caseId;
      expect(await mergeCase(h.deps, handler.principal, dup, target)).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(await mergeCase(h.deps, auditor.principal, dup, target)).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect((await updateCase(h.deps, lead.principal, dup, { assignee_id: handler.id })).ok).toBe(true);
      expect((await updateCase(h.deps, lead.principal, target, { assignee_id: other.id })).ok).toBe(true);
      expect(await mergeCase(h.deps, handler.principal, dup, target)).toEqual({ ok: false, code: 'FORBIDDEN', field: 'into' });
      expect((await updateCase(h.deps, lead.principal, target, { assignee_id: null })).ok).toBe(true);
      expect(await mergeCase(h.deps, handler.principal, dup, target, { version: 1 })).toEqual({ ok: false, code: 'CONFLICT' });
      expect((await mergeCase(h.deps, handler.principal, dup, target)).ok).toBe(true);
      // Into a merged case: refused.
      const third = (await newRequest(h.deps)).caseId;
      expect(await mergeCase(h.deps, lead.principal, third, dup)).toEqual({ ok: false, code: 'CASE_MERGE_TARGET', field: 'into' });
      expect(await h.deps.db.selectFrom('audit_log').select('id').where('case_id', '=', closed).where('action', '=', 'case.merged_in').execute()).toEqual([]);
    });

    it('never widens who may read: a restricted case goes only into one known to no more people', async () => {
      const dup = (await newRequest(h.deps)).caseId;
      const open = (await newRequest(h.deps)).caseId;
      const narrow = (await newRequest(h.deps)).caseId;
      const wide = (await newRequest(h.deps)).caseId;
      await restrict(dup, [handler.id]);
      await restrict(narrow, [handler.id]);
      await restrict(wide, [handler.id, other.id]);
      expect(await mergeCase(h.deps, lead.principal, dup, open)).toEqual({ ok: false, code: 'CASE_MERGE_WIDENS', field: 'into' });
      expect(await mergeCase(h.deps, lead.principal, dup, wide)).toEqual({ ok: false, code: 'CASE_MERGE_WIDENS', field: 'into' });
      expect((await row(dup)).merged_into).toBeNull();
      expect((await mergeCase(h.deps, lead.principal, dup, narrow)).ok).toBe(true);
      // An open case into a restricted one only narrows who reads it.
      expect((await mergeCase(h.deps, lead.principal, open, narrow)).ok).toBe(true);
    });

    it('of two merges at once, exactly one wins and the other writes nothing', async () => {
      const dup = (await newRequest(h.deps)).caseId;
      const a = (await newRequest(h.deps)).caseId;
      const b = (await newRequest(h.deps)).caseId;
      const results = await Promise.all([mergeCase(h.deps, lead.principal, dup, a), mergeCase(h.deps, lead.principal, dup, b)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'CASE_MERGED' });
      const winner = (await row(dup)).merged_into!;
      expect([a, b]).toContain(winner);
      const loser = winner === a ? b : a;
      expect(await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', loser).where('via_case_id', 'is not', null).execute()).toEqual([]);
      // Each into the other at once: one wins, the other finds its target merged.
      const x = (await newRequest(h.deps)).caseId;
      const y = (await newRequest(h.deps)).caseId;
      const crossed = await Promise.all([mergeCase(h.deps, lead.principal, x, y), mergeCase(h.deps, lead.principal, y, x)]);
      expect(crossed.filter((r) => r.ok)).toHaveLength(1);
    });

    it('keeps the duplicate’s receipt: its own conversation on the target, a reply lands there, nothing of the other requester', async () => {
      const dup = await newRequest(h.deps, { description: 'Duplicate requester writes' });
      const into = await newRequest(h.deps, { description: 'Target requester private story' });
      await replyWithStatus(h.deps, lead.principal, into.caseId, { body: 'Reply to the target requester only' });
      await replyWithStatus(h.deps, lead.principal, dup.caseId, { body: 'Reply to the duplicate requester' });
      expect((await mergeCase(h.deps, lead.principal, dup.caseId, into.caseId)).ok).toBe(true);

      const receiptCase = await caseIdForReceipt(h.deps, dup.receipt);
      expect(receiptCase).toBe(dup.caseId);
      const seen = await requesterView(h.deps, dup.caseId);
      expect(seen.status).toBe((await row(into.caseId)).status);
      expect(seen.messages.map((m) => m.body)).toEqual(['Duplicate requester writes', 'Reply to the duplicate requester']);
      // The duplicate's requester writes again: it lands on the target, as theirs, and reopens nothing of the duplicate.
      expect(await addRequesterMessage(h.deps, dup.caseId, 'A follow-up after the merge')).toBe('added');
      const landed = await h.deps.db.selectFrom('messages').select(['case_id', 'via_case_id']).where('kind', '=', 'requester').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(landed).toEqual({ case_id: into.caseId, via_case_id: dup.caseId });
      expect((await row(dup.caseId)).status).toBe('closed');
      expect((await row(into.caseId)).awaiting_reply).toBe(1);
      // Staff answer that requester alone; a reply to the case's own requester is not shown to them.
      expect((await replyWithStatus(h.deps, lead.principal, into.caseId, { body: 'Answer to the merged receipt', to: dup.caseId })).ok).toBe(true);
      expect((await replyWithStatus(h.deps, lead.principal, into.caseId, { body: 'Answer to the target requester' })).ok).toBe(true);
      expect(await replyWithStatus(h.deps, lead.principal, into.caseId, { body: 'x', to: 999_999 })).toEqual({ ok: false, code: 'VALIDATION_FAILED', field: 'to' });
      const after = (await requesterView(h.deps, dup.caseId)).messages.map((m) => m.body);
      expect(after).toEqual(['Duplicate requester writes', 'Reply to the duplicate requester', 'A follow-up after the merge', 'Answer to the merged receipt']);
      const own = (await requesterView(h.deps, into.caseId)).messages.map((m) => m.body);
      expect(own).toEqual(['Target requester private story', 'Reply to the target requester only', 'Answer to the target requester']);
      // The duplicate's requester deletes their request: their part of the target's conversation goes, the rest stays.
      expect(await purgeCasePersonalData(h.deps, dup.caseId, { kind: 'requester' })).toBe('purged');
      expect((await row(dup.caseId)).contact_hash).toBeNull();
      expect(await h.deps.db.selectFrom('messages').select('id').where('via_case_id', '=', dup.caseId).execute()).toEqual([]);
      expect((await requesterView(h.deps, into.caseId)).messages.map((m) => m.body)).toEqual(own);
      const reindex = await h.deps.db.selectFrom('outbox_events').select('payload').where('type', '=', 'case.receipt_purged').execute();
      expect(reindex.map((e) => JSON.parse(String(e.payload)))).toContainEqual({ caseId: into.caseId, from: dup.caseId });
    });

    it('suggests open cases from the same handle, compared by keyed hash, only those the reader may know', async () => {
      const handle = `+41 79 ${Math.floor(Math.random() * 900 + 100)} 12 34`;
      const a = (await newRequest(h.deps, { contact: handle })).caseId;
      const b = (await newRequest(h.deps, { contact: handle.replace(/\s/g, '') })).caseId;
      const c = (await newRequest(h.deps, { contact: handle })).caseId;
      const closed = (await newRequest(h.deps, { contact: handle })).caseId;
      await newRequest(h.deps, { contact: 'someone.else@example.org' });
      await finish(closed);
      await restrict(c);
      expect(normalizeHandle(handle)).toBe(handle.replace(/\D/g, ''));
      const hashOfA = (await row(a)).contact_hash;
      expect(hashOfA).toBe(contactHash(h.deps, handle));
      expect(hashOfA).not.toContain(handle.replace(/\D/g, ''));
      const suggest = (p: StaffFixture) => duplicateSuggestions(h.deps, p.principal, { id: a, contact_hash: hashOfA, merged_into: null }, null);
      expect((await suggest(handler)).map((s) => s.caseId)).toEqual([b]);
      // The lead who restricted it is listed for it: newest first.
      expect((await suggest(lead)).map((s) => s.caseId)).toEqual([c, b]);
      // A case saved before the hash existed gets it when its page opens it.
      await h.deps.db.updateTable('cases').set({ contact_hash: null }).where('id', '=', b).execute();
      const fromB = await duplicateSuggestions(h.deps, handler.principal, { id: b, contact_hash: null, merged_into: null }, handle);
      expect(fromB.map((s) => s.caseId)).toEqual([a]);
      expect((await row(b)).contact_hash).toBe(hashOfA);
    });

    it('indexes both cases again after a merge: the duplicate’s words are found on the target', async () => {
      const dup = (await newRequest(h.deps, { description: 'Quetzalcoatlus spyware report' })).caseId;
      const into = (await newRequest(h.deps)).caseId;
      const deliver = () => createDispatcher(h.deps, searchSubscribers(h.deps)).runDue();
      await deliver();
      const found = async () => {
        const r = await searchCases(h.deps, lead.principal, { q: 'Quetzalcoatlus' });
        if (!r.ok) throw new Error(r.code);
        return r.value.rows.map((x) => x.id);
      };
      expect(await found()).toEqual([dup]);
      expect((await mergeCase(h.deps, lead.principal, dup, into)).ok).toBe(true);
      await deliver();
      expect(await found()).toEqual([into]);
    });
  });
}
