import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { listAuditForCase } from '../../platform/audit/audit.js';
import { checkpointAfterDelete } from '../../platform/storage/checkpoint.js';
import { newRequest, staffMember } from './case.fixtures.js';
import { addNote, replyToRequester, viewCase } from './case.service.js';
import { caseIdForReceipt, purgeCasePersonalData } from './index.js';

const DAY = 24 * 60 * 60 * 1000;
const MARKER = 'PURGE-MARKER-4c1e-raided-office';
const RULE = { status: 'closed', basis: 'closed_at', days: 90 } as const;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crypto-shredding on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    const caseRow = (id: number) =>
      h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const messageCount = async (id: number) =>
      (await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', id).execute())
        .length;

    async function closedCase(closedAt: number) {
      const { caseId, receipt } = await newRequest(h.deps, { description: MARKER });
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'closed', closed_at: closedAt, incident_type: 'phishing', severity: 'high' })
        .where('id', '=', caseId)
        .execute();
      return { caseId, receipt };
    }

    it('deletes messages, contact, key, receipt hash and country; keeps the structured fields; audits without content', async () => {
      const admin = await staffMember(h.deps, 'admin');
      const { caseId, receipt } = await newRequest(h.deps, { description: MARKER });
      expect((await replyToRequester(h.deps, admin.principal, caseId, 'a reply')).ok).toBe(true);
      expect((await addNote(h.deps, admin.principal, caseId, 'a note')).ok).toBe(true);
      await h.deps.db
        .insertInto('requester_sessions')
        .values({
          id_hash: `s${caseId}`,
          case_id: caseId,
          csrf_token: 't',
          created_at: 0,
          expires_at: h.clock.now() + DAY,
        })
        .execute();
      const before = await caseRow(caseId);
      expect(await messageCount(caseId)).toBe(3);

      h.clock.advance(60_000);
      const forgot = vi.spyOn(h.deps.vault, 'forgetCaseKey');
      try {
        expect(await purgeCasePersonalData(h.deps, caseId, { kind: 'requester' })).toBe('purged');
        // Nor is its key kept unwrapped in this process's cache of case keys.
        expect(forgot).toHaveBeenCalledWith(before.key_wrapped);
      } finally {
        forgot.mockRestore();
      }

      const after = await caseRow(caseId);
      expect(await messageCount(caseId)).toBe(0);
      expect(after.contact_enc).toBeNull();
      expect(after.key_wrapped.length).toBe(0);
      expect(after.receipt_hash).not.toBe(before.receipt_hash);
      expect(after.receipt_hash).toBe(`purged:${caseId}`);
      expect(await caseIdForReceipt(h.deps, receipt)).toBeNull();
      expect(after.country).toBeNull();
      expect(after.purged_at).toBe(h.clock.now());
      expect(after.purge_rule).toBe('requester');
      // An active case a requester deletes is closed, so it leaves the queue.
      expect(after.status).toBe('closed');
      expect(after.closed_at).toBe(h.clock.now());
      for (const k of [
        'urgency',
        'region',
        'language',
        'beneficiary',
        'contact_method',
        'created_at',
        'first_response_at',
        'assignee_id',
      ] as const) {
        expect(after[k], k).toEqual(before[k]);
      }
      const sessions = await h.deps.db
        .selectFrom('requester_sessions')
        .select('id_hash')
        .where('case_id', '=', caseId)
        .execute();
      expect(sessions).toEqual([]);

      const audit = await listAuditForCase(h.deps.db, caseId);
      const purged = audit.filter((a) => a.action === 'case.purged');
      expect(purged).toHaveLength(1);
      expect(purged[0]!.actorKind).toBe('requester');
      expect(purged[0]!.detail).toEqual({
        reason: 'requester',
        rule: 'requester',
        from: 'open',
        to: 'closed',
      });
      const allText = JSON.stringify(audit);
      expect(allText).not.toContain(MARKER);
      expect(allText).not.toContain('a reply');

      // Staff still see the case, without content, and cannot write to it.
      const view = await viewCase(h.deps, admin.principal, caseId);
      expect(view.ok && view.value.messages).toEqual([]);
      expect(view.ok && view.value.contact).toBeNull();
      expect(view.ok && view.value.purged).toEqual({ at: h.clock.now(), rule: 'requester' });
      const reply = await replyToRequester(h.deps, admin.principal, caseId, 'too late');
      expect(reply.ok).toBe(false);
      expect(await messageCount(caseId)).toBe(0);

      // A second purge finds nothing to do and writes no second entry.
      expect(await purgeCasePersonalData(h.deps, caseId, { kind: 'requester' })).toBe(
        'already_purged',
      );
      expect(
        (await listAuditForCase(h.deps.db, caseId)).filter((a) => a.action === 'case.purged'),
      ).toHaveLength(1);
    });

    it('purges under a retention rule only when the case is still due', async () => {
      const start = h.clock.now();
      const due = await closedCase(start - 91 * DAY);
      const notDue = await closedCase(start - 89 * DAY);
      expect(
        await purgeCasePersonalData(h.deps, notDue.caseId, { kind: 'retention', rule: RULE }),
      ).toBe('not_due');
      expect((await caseRow(notDue.caseId)).purged_at).toBeNull();
      expect(await messageCount(notDue.caseId)).toBe(1);
      // A rule for another status does not apply.
      expect(
        await purgeCasePersonalData(h.deps, due.caseId, {
          kind: 'retention',
          rule: { ...RULE, status: 'resolved' },
        }),
      ).toBe('not_due');
      expect(
        await purgeCasePersonalData(h.deps, due.caseId, { kind: 'retention', rule: RULE }),
      ).toBe('purged');
      const row = await caseRow(due.caseId);
      expect(row.purge_rule).toBe('retention:closed:90d');
      expect(row.status).toBe('closed');
      expect(row.incident_type).toBe('phishing');
      expect(row.severity).toBe('high');
      const audit = (await listAuditForCase(h.deps.db, due.caseId)).find(
        (a) => a.action === 'case.purged',
      )!;
      expect(audit.actorKind).toBe('system');
      expect(audit.detail).toEqual({ reason: 'retention', rule: 'retention:closed:90d' });
      expect(await purgeCasePersonalData(h.deps, 999_999, { kind: 'requester' })).toBe('not_found');
    });

    // A raw-file check: PostgreSQL keeps its files out of reach, so only SQLite has one.
    if (engine.name === 'sqlite') {
      it('leaves no ciphertext, key or receipt hash in the SQLite file or its log', async () => {
        const { caseId } = await closedCase(h.clock.now() - 100 * DAY);
        const row = await caseRow(caseId);
        const body = (
          await h.deps.db
            .selectFrom('messages')
            .select('body_enc')
            .where('case_id', '=', caseId)
            .executeTakeFirstOrThrow()
        ).body_enc;
        // Secrets long enough that a chance match elsewhere in the file is impossible.
        const needles = [
          row.key_wrapped,
          body.subarray(0, 40),
          row.contact_enc!,
          Buffer.from(row.receipt_hash),
        ];
        const files = () =>
          ['haven.db', 'haven.db-wal']
            .map((n) => join(h.dataDir, n))
            .filter(existsSync)
            .map((f) => readFileSync(f));
        await checkpointAfterDelete(h.deps.storage);
        expect(needles.every((n) => files().some((f) => f.includes(n)))).toBe(true);

        expect(await purgeCasePersonalData(h.deps, caseId, { kind: 'retention', rule: RULE })).toBe(
          'purged',
        );
        await checkpointAfterDelete(h.deps.storage);
        for (const [i, n] of needles.entries()) {
          expect(
            files().some((f) => f.includes(n)),
            `needle ${i}`,
          ).toBe(false);
        }
      });
    }
  });
}
