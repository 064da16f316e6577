import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { addNote, replyWithStatus } from './case.service.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { mergeCase } from './merge.service.js';

// A merge crashed at each of its statements (ADR 38): the duplicate's marker, every message moved
// and sealed again, the target's clock, the audit entries and the event are saved together or
// not at all, so a crash never leaves a conversation split between two cases, nor a message
// under a key that does not open it. The coordinator sends it again.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in a merge on ${engine.name}`, () => {
    let h: Harness;
    let lead: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      lead = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const stateOf = async (dup: number, into: number) => {
      const d = await h.deps.db.selectFrom('cases').select(['merged_into', 'status']).where('id', '=', dup).executeTakeFirstOrThrow();
      const onDup = (await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', dup).execute()).length;
      const moved = (await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', into).where('via_case_id', '=', dup).execute()).length;
      const audits = (await h.deps.db.selectFrom('audit_log').select('id').where('action', 'in', ['case.merged', 'case.merged_in']).where('case_id', 'in', [dup, into]).execute()).length;
      const events = (await h.deps.db.selectFrom('outbox_events').select('id').where('type', '=', 'case.merged').execute()).length;
      return { ...d, onDup, moved, audits, events };
    };

    it('merges with every message, the marker, audit entries and event, or not at all', async () => {
      let dup = 0;
      let into = 0;
      let eventsBefore = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          dup = (await newRequest(h.deps)).caseId;
          into = (await newRequest(h.deps)).caseId;
          await addNote(h.deps, lead.principal, dup, 'A note');
          await replyWithStatus(h.deps, lead.principal, dup, { body: 'A reply' });
          eventsBefore = (await stateOf(dup, into)).events;
          return mergeCase({ ...h.deps, db }, lead.principal, dup, into);
        },
        async (k) => {
          const s = await stateOf(dup, into);
          expect(s, `crash at statement ${k}`).toEqual({ merged_into: null, status: 'open', onDup: 3, moved: 0, audits: 0, events: eventsBefore });
          // Sending it again works, whole.
          expect((await mergeCase(h.deps, lead.principal, dup, into)).ok, `crash at statement ${k}`).toBe(true);
          expect(await stateOf(dup, into)).toEqual({ merged_into: into, status: 'closed', onDup: 0, moved: 3, audits: 2, events: eventsBefore + 1 });
        },
      );
      expect(tried).toBeGreaterThanOrEqual(8);
    });
  });
}
