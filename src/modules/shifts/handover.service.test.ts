import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import {
  acknowledgeHandover,
  addNote,
  HANDOVER_OPENS_BEFORE_MS,
  NOTE_KEEP_MS,
  openDueHandovers,
  purgeOldNotes,
  viewHandover,
} from './handover.service.js';
import { insertHandover } from './handover.repo.js';
import { addSlot } from './shift.service.js';

// The handover's service on both engines: two processes that see the same shift end at once
// open one handover between them; an acknowledgement or a note crashed at any of its
// statements happened wholly or not at all, and the person simply sends it again; a note
// can be read back, and is gone 30 days after its shift.

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

for (const engine of engines) {
  describe.skipIf(!engine.available)(`handovers on ${engine.name}`, () => {
    let h: Harness;
    let other: Harness;
    let coordinator: StaffFixture;
    let outgoing: StaffFixture;
    let incoming: StaffFixture;
    const teamId = crypto.randomUUID();

    beforeAll(async () => {
      h = await createHarness(engine);
      other = await secondProcess(h);
      h.clock.ms = utc(2026, 12, 1, 0);
      coordinator = await staffMember(h.deps, 'coordinator');
      outgoing = await staffMember(h.deps, 'handler');
      incoming = await staffMember(h.deps, 'handler');
      await h.deps.db
        .insertInto('teams')
        .values({
          id: teamId,
          name: 'Europe',
          time_zone: 'Europe/Berlin',
          region: null,
          created_at: h.clock.ms,
        })
        .execute();
      // Every day: 07:00–15:00 and 15:00–23:00 in Berlin.
      for (const weekday of [1, 2, 3, 4, 5, 6, 7] as const) {
        const a = await addSlot(h.deps, coordinator.principal, {
          team: teamId,
          weekday,
          start: 420,
          end: 900,
          members: [outgoing.id],
          lead: outgoing.id,
        });
        const b = await addSlot(h.deps, coordinator.principal, {
          team: teamId,
          weekday,
          start: 900,
          end: 1380,
          members: [incoming.id],
          lead: incoming.id,
        });
        expect(a.ok && b.ok).toBe(true);
      }
    });
    afterAll(async () => {
      await other?.close();
      await h?.close();
    });

    const count = async () =>
      Number(
        (
          await h.deps.db
            .selectFrom('handovers')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('opens one handover when two processes see the same shift end at once', async () => {
      // Monday 7 December, 14:45 in Berlin (13:45 UTC): the early shift ends at 15:00.
      h.clock.ms = utc(2026, 12, 7, 13, 45);
      // PostgreSQL runs them at once; SQLite's connections in one Node process cannot hold
      // write transactions at once (one would wait on the other's lock while blocking it), so
      // there they run in turn, and the unique key is tried head-on below.
      const runs = [h, other, h, other].map((p) => () => openDueHandovers(p.deps));
      const results =
        engine.name === 'postgres'
          ? await Promise.all(runs.map((r) => r()))
          : await runs.reduce(
              async (acc, r) => [...(await acc), await r()],
              Promise.resolve([] as number[]),
            );
      expect(results.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await count()).toBe(1);
      const row = await h.deps.db.selectFrom('handovers').selectAll().executeTakeFirstOrThrow();
      expect(Number(row.ends_at)).toBe(utc(2026, 12, 7, 14));
      expect(row.outgoing_lead_id).toBe(outgoing.id);
      expect(row.incoming_lead_id).toBe(incoming.id);
      const events = await h.deps.db
        .selectFrom('outbox_events')
        .select('id')
        .where('type', '=', 'shifts.handover_opened')
        .execute();
      expect(events).toHaveLength(1);
      // The second process writing the same team and end itself: refused by the key, nothing added.
      const again = await insertHandover(other.deps.db, {
        id: crypto.randomUUID(),
        teamId,
        slotId: row.slot_id,
        startsAt: Number(row.starts_at),
        endsAt: Number(row.ends_at),
        outgoingLeadId: null,
        outgoingIds: [],
        incomingLeadId: null,
        incomingIds: [],
        createdAt: h.clock.ms,
      });
      expect(again).toBe(false);
      expect(await count()).toBe(1);
      // Not before it is due: the late shift's end is more than HANDOVER_OPENS_BEFORE_MS away.
      expect(utc(2026, 12, 7, 22) - h.clock.ms).toBeGreaterThan(HANDOVER_OPENS_BEFORE_MS);
    });

    it('acknowledges only with its audit entry and event, whatever statement a crash hits', async () => {
      const id = (await h.deps.db.selectFrom('handovers').select('id').executeTakeFirstOrThrow())
        .id;
      h.clock.ms = utc(2026, 12, 7, 14, 5);
      const audits = async () =>
        (
          await h.deps.db
            .selectFrom('audit_log')
            .select('id')
            .where('action', '=', 'handover.acknowledged')
            .execute()
        ).length;
      let n = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          return acknowledgeHandover(
            { ...h.deps, db },
            incoming.principal,
            id,
            oneTimeToken(h.deps.vault, 'test', `ack-${n}`, h.clock.ms),
          );
        },
        async (k) => {
          const row = await h.deps.db
            .selectFrom('handovers')
            .select(['acknowledged_at', 'acknowledged_by'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          const done = row.acknowledged_at !== null;
          expect(await audits(), `crash at statement ${k}`).toBe(done ? 1 : 0);
          const events = await h.deps.db
            .selectFrom('outbox_events')
            .select('id')
            .where('type', '=', 'shifts.handover_acknowledged')
            .execute();
          expect(events.length, `crash at statement ${k}`).toBe(done ? 1 : 0);
          expect(done, `crash at statement ${k}: nothing committed yet`).toBe(false);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(4);
      expect(await audits()).toBe(1);
      // The same form again: nothing twice. Another form: already acknowledged.
      const again = await acknowledgeHandover(
        h.deps,
        incoming.principal,
        id,
        oneTimeToken(h.deps.vault, 'test', `ack-${n}`, h.clock.ms),
      );
      expect(again).toEqual({ ok: true, value: { repeated: true } });
      const late = await acknowledgeHandover(
        h.deps,
        coordinator.principal,
        id,
        oneTimeToken(h.deps.vault, 'test', 'another', h.clock.ms),
      );
      expect(late).toMatchObject({ ok: false, code: 'HANDOVER_ACKNOWLEDGED' });
      expect(await audits()).toBe(1);
      // The outgoing handler is not the incoming lead.
      expect(
        await acknowledgeHandover(
          h.deps,
          outgoing.principal,
          id,
          oneTimeToken(h.deps.vault, 'test', 'x', h.clock.ms),
        ),
      ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    });

    it('adds a note only with its audit entry; it reads back, and is deleted 30 days after its shift', async () => {
      const id = (await h.deps.db.selectFrom('handovers').select('id').executeTakeFirstOrThrow())
        .id;
      const notes = async () =>
        (await h.deps.db.selectFrom('handover_notes').select('id').execute()).length;
      const audits = async () =>
        (
          await h.deps.db
            .selectFrom('audit_log')
            .select('id')
            .where('action', '=', 'handover.note_added')
            .execute()
        ).length;
      let n = 0;
      await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          return addNote(
            { ...h.deps, db },
            outgoing.principal,
            id,
            `Note ${n}`,
            oneTimeToken(h.deps.vault, 'test-note', `note-${n}`, h.clock.ms),
          );
        },
        async (k) => {
          expect(await notes(), `crash at statement ${k}`).toBe(await audits());
        },
      );
      expect(await notes()).toBe(1);
      const view = await viewHandover(h.deps, incoming.principal, id);
      expect(view.ok && view.value.notes.map((x) => x.text)).toEqual([`Note ${n}`]);
      h.clock.ms = utc(2026, 12, 7, 14) + NOTE_KEEP_MS - 1;
      expect(await purgeOldNotes(h.deps)).toBe(0);
      h.clock.ms = utc(2026, 12, 7, 14) + NOTE_KEEP_MS + 1;
      expect(await purgeOldNotes(h.deps)).toBe(1);
      expect(await notes()).toBe(0);
      expect(await count()).toBeGreaterThanOrEqual(1);
    });
  });
}
