import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { addException, addSlot, setSlotPeople } from './shift.service.js';

// Schedule changes crashed at each of their statements: a slot exists with all its people and
// its audit entry or not at all; a slot's people change, and one date's change is added, only
// together with their audit entries. The coordinator sends the form again.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in shifts on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let a: StaffFixture;
    let b: StaffFixture;
    const teamId = crypto.randomUUID();
    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator');
      a = await staffMember(h.deps, 'handler');
      b = await staffMember(h.deps, 'handler');
      await h.deps.db
        .insertInto('teams')
        .values({
          id: teamId,
          name: 'Crash',
          time_zone: 'Asia/Manila',
          region: null,
          created_at: 0,
        })
        .execute();
    });
    afterAll(async () => h?.close());

    const audits = async (action: string) =>
      (await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', action).execute())
        .length;
    const slots = async () => h.deps.db.selectFrom('shift_slots').select('id').execute();
    const members = async (slotId: string) =>
      (
        await h.deps.db
          .selectFrom('shift_slot_members')
          .select('user_id')
          .where('slot_id', '=', slotId)
          .execute()
      )
        .map((m) => m.user_id)
        .sort();

    it('adds a slot with its people and audit entry, or nothing', async () => {
      const tried = await everyCrashPoint(
        h.deps.db,
        (db) =>
          addSlot({ ...h.deps, db }, coordinator.principal, {
            team: teamId,
            weekday: 2,
            start: 1320,
            end: 360,
            members: [a.id, b.id],
            lead: a.id,
          }),
        async (k) => {
          const made = await slots();
          expect(made.length, `crash at statement ${k}`).toBe(0);
          expect(await audits('shift.slot_added')).toBe(0);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(4);
      const made = await slots();
      expect(made).toHaveLength(1);
      expect(await members(made[0]!.id)).toEqual([a.id, b.id].sort());
      expect(await audits('shift.slot_added')).toBe(1);
    });

    it('changes people, and adds one date’s change, only with their audit entries', async () => {
      const slotId = (await slots())[0]!.id;
      await everyCrashPoint(
        h.deps.db,
        (db) =>
          setSlotPeople({ ...h.deps, db }, coordinator.principal, slotId, {
            members: [b.id],
            lead: b.id,
          }),
        async (k) => {
          expect(await members(slotId), `crash at statement ${k}`).toEqual([a.id, b.id].sort());
          expect(await audits('shift.slot_changed')).toBe(0);
        },
      );
      expect(await members(slotId)).toEqual([b.id]);
      expect(await audits('shift.slot_changed')).toBe(1);

      await everyCrashPoint(
        h.deps.db,
        (db) =>
          addException({ ...h.deps, db }, coordinator.principal, {
            slot: slotId,
            date: '2026-12-08',
            kind: 'swap',
            person: b.id,
            replacement: a.id,
          }),
        async (k) => {
          const rows = await h.deps.db.selectFrom('shift_exceptions').select('id').execute();
          expect(rows.length, `crash at statement ${k}`).toBe(0);
          expect(await audits('shift.exception_added')).toBe(0);
        },
      );
      expect(await audits('shift.exception_added')).toBe(1);
    });
  });
}
