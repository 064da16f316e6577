import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { changeAccess } from './access.service.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { updateCase } from './case.service.js';

// Restricting a case crashed at each of its statements (ADR 32): the flag, the people listed
// with it (the one who restricts, the holder, the person asked for), the version and the audit
// entries are saved together or not at all, so a crash never leaves a case restricted to nobody
// who knows it, nor an entry for a change that did not happen. The coordinator sends it again.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in need-to-know on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let holder: StaffFixture;
    let other: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator');
      holder = await staffMember(h.deps, 'handler');
      other = await staffMember(h.deps, 'handler');
    });
    afterAll(async () => h?.close());

    const stateOf = async (caseId: number) => {
      const row = await h.deps.db.selectFrom('cases').select(['restricted', 'version']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const listed = (await h.deps.db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).execute()).map((r) => r.user_id).sort();
      const audits = (
        await h.deps.db.selectFrom('audit_log').select('action').where('case_id', '=', caseId).where('action', 'like', 'case.%restricted').execute()
      ).length;
      const added = (
        await h.deps.db.selectFrom('audit_log').select('action').where('case_id', '=', caseId).where('action', '=', 'case.access_added').execute()
      ).length;
      return { ...row, listed, audits, added };
    };

    it('restricts a case with its list, version and audit entries, or not at all', async () => {
      let caseId = 0;
      let version = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          caseId = (await newRequest(h.deps)).caseId;
          expect((await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: holder.id })).ok).toBe(true);
          version = (await stateOf(caseId)).version;
          return changeAccess({ ...h.deps, db }, coordinator.principal, caseId, { restricted: true, add: [other.id], version });
        },
        async (k) => {
          const s = await stateOf(caseId);
          const all = [coordinator.id, holder.id, other.id].sort();
          if (s.restricted === 1) expect(s, `crash at statement ${k}`).toEqual({ restricted: 1, version: version + 1, listed: all, audits: 1, added: 3 });
          else expect(s, `crash at statement ${k}`).toEqual({ restricted: 0, version, listed: [], audits: 0, added: 0 });
          // Sending it again works.
          const again = await changeAccess(h.deps, coordinator.principal, caseId, { restricted: true, add: [other.id], version: s.version });
          expect(again.ok, `crash at statement ${k}`).toBe(true);
          expect(await stateOf(caseId)).toMatchObject({ restricted: 1, listed: all, audits: 1, added: 3 });
        },
      );
      expect(tried).toBeGreaterThanOrEqual(5);
    });
  });
}
