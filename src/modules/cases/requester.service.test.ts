import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import {
  addRequesterMessage,
  caseIdForReceipt,
  requesterView,
  submitRequest,
  submitRequests,
} from './index.js';
import { taxonomyOptions } from '../taxonomies/index.js';

const MARKER = 'MARKER-7f3a9c-they-followed-me-home';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`requester case functions on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    it('saves a request whole, finds it by receipt, and reads it back', async () => {
      const { caseId, receipt } = await submitRequest(h.deps, {
        description: `My account was taken over. ${MARKER}`,
        urgency: 'reactive',
        country: 'MX',
        language: 'es',
        contactMethod: 'signal',
        contact: `+52 55 ${MARKER}`,
        beneficiary: 'journalist',
      });
      expect(await caseIdForReceipt(h.deps, receipt)).toBe(caseId);
      expect(await caseIdForReceipt(h.deps, receipt.toLowerCase().replace(/-/g, ' '))).toBe(caseId);
      expect(await caseIdForReceipt(h.deps, 'AAAA-AAAA-AAAA-AAAA-AAAA')).toBeNull();
      expect(await caseIdForReceipt(h.deps, 'nonsense')).toBeNull();

      const row = await h.deps.db
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(row.region).toBe('americas');
      expect(row.status).toBe('new');
      expect(row.first_response_due_at - row.created_at).toBe(120 * 60_000);

      await addRequesterMessage(h.deps, caseId, `Update: ${MARKER} again`);
      const view = await requesterView(h.deps, caseId);
      expect(view.messages.map((m) => m.kind)).toEqual(['requester', 'requester']);
      expect(view.messages[0]!.body).toContain(MARKER);

      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'case.created',
        'case.message_added',
        'case.viewed',
      ]);
    });

    it('saves several requests with one call, each whole, in order, with its own receipt and entries', async () => {
      const base = { urgency: 'reactive' as const, language: 'en', contactMethod: 'none' as const, contact: null, beneficiary: null };
      const saved = await submitRequests(h.deps, [
        { input: { ...base, description: 'first of three', country: 'MX', contactMethod: 'signal', contact: '+52 1' } },
        { input: { ...base, description: 'second of three', country: null }, suspectedSpam: 'honeypot' },
        { input: { ...base, description: 'third of three', country: 'KE', urgency: 'preventive' } },
      ]);
      expect(saved).toHaveLength(3);
      expect(new Set(saved.map((s) => s.receipt)).size).toBe(3);
      for (const s of saved) expect(await caseIdForReceipt(h.deps, s.receipt)).toBe(s.caseId);
      const views = await Promise.all(saved.map((s) => requesterView(h.deps, s.caseId)));
      expect(views.map((v) => v.messages.map((m) => m.body))).toEqual([['first of three'], ['second of three'], ['third of three']]);
      const rows = await h.deps.db
        .selectFrom('cases')
        .select(['id', 'region', 'urgency', 'suspected_spam', 'spam_reason', 'contact_enc'])
        .where('id', 'in', saved.map((s) => s.caseId))
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.id)).toEqual(saved.map((s) => s.caseId));
      expect(rows.map((r) => [r.region, r.urgency, r.suspected_spam, r.spam_reason])).toEqual([
        ['americas', 'reactive', 0, null],
        [null, 'reactive', 1, 'honeypot'],
        ['africa', 'preventive', 0, null],
      ]);
      expect(rows.map((r) => r.contact_enc !== null)).toEqual([true, false, false]);
      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['case_id', 'action'])
        .where('case_id', 'in', saved.map((s) => s.caseId))
        .where('action', 'in', ['case.created', 'case.flagged_spam'])
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.case_id, a.action])).toEqual([
        [saved[0]!.caseId, 'case.created'],
        [saved[1]!.caseId, 'case.created'],
        [saved[1]!.caseId, 'case.flagged_spam'],
        [saved[2]!.caseId, 'case.created'],
      ]);
      const events = await h.deps.db
        .selectFrom('outbox_events')
        .select('payload')
        .where('type', '=', 'case.created')
        .execute();
      const payloads = events.map((e) => JSON.parse(e.payload) as { caseId: number; spamReason: string | null });
      for (const [i, s] of saved.entries())
        expect(payloads.find((p) => p.caseId === s.caseId)?.spamReason).toBe(i === 1 ? 'honeypot' : null);
      expect(await submitRequests(h.deps, [])).toEqual([]);
    });

    it('never writes request text, contact or messages in plaintext to the database', async () => {
      if (engine.name === 'sqlite') {
        await sql`PRAGMA wal_checkpoint(FULL)`.execute(h.deps.db);
        const file = join(h.dataDir, 'haven.db');
        for (const f of [file, `${file}-wal`]) {
          if (!existsSync(f)) continue;
          const raw = readFileSync(f);
          expect(raw.includes(Buffer.from(MARKER)), f).toBe(false);
          expect(raw.includes(Buffer.from('account was taken over')), f).toBe(false);
        }
      } else {
        const dump = await sql<{
          t: string;
        }>`select string_agg(encode(body_enc, 'escape'), '') as t from messages`.execute(h.deps.db);
        expect(dump.rows[0]!.t ?? '').not.toContain(MARKER);
      }
    });

    it('reopens a resolved case when the requester writes again', async () => {
      const { caseId } = await submitRequest(h.deps, {
        description: 'help',
        urgency: 'preventive',
        country: null,
        language: 'en',
        contactMethod: 'none',
        contact: null,
        beneficiary: null,
      });
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'resolved', awaiting_reply: 0 })
        .where('id', '=', caseId)
        .execute();
      await addRequesterMessage(h.deps, caseId, 'it started again');
      const row = await h.deps.db
        .selectFrom('cases')
        .select(['status', 'awaiting_reply', 'version'])
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'open', awaiting_reply: 1, version: 2 });
    });

    it("labels taxonomy options in the reader's language", async () => {
      const es = await taxonomyOptions(h.deps, 'beneficiary', 'es');
      expect(es.find((o) => o.value === 'journalist')?.label).toMatch(/Periodista/);
      const countriesAr = await taxonomyOptions(h.deps, 'country', 'ar');
      expect(countriesAr.find((o) => o.value === 'EG')?.label).toBe('مصر');
    });
  });
}
