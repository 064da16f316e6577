import { afterEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { restartHarness, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { finishRotation, leaveSealedMode, startRotation, unseal } from '../vault/index.js';
import { ANA, NO_WAIT, sealedHarness } from '../vault/vault.test-helpers.js';
import { addNote, openDueHandovers, resealHandoverNotes, viewHandover } from './handover.service.js';
import { addSlot } from './shift.service.js';

// Handover notes are sealed to the vault's content key (ADR 33). When keys rotate, or sealed
// mode is left, the older keys are retired and leave memory: the notes must have moved to the
// active key first, through the shifts module's part of the module contract (`resealToActiveKey`),
// or they could never be read again. Both engines.

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

for (const engine of engines) {
  describe.skipIf(!engine.available)(`handover notes across key changes on ${engine.name}`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    /** A sealed, unsealed instance with one open handover, and a note added to it with `text`. */
    async function withNote(text: string) {
      h = await sealedHarness(engine);
      const deps = h.deps;
      expect((await unseal(deps, { holder: ANA.name, passphrase: ANA.passphrase }, NO_WAIT)).ok).toBe(true);
      h.clock.ms = utc(2026, 12, 1);
      const coordinator = await staffMember(deps, 'coordinator');
      const teamId = crypto.randomUUID();
      await deps.db.insertInto('teams').values({ id: teamId, name: 'Europe', time_zone: 'UTC', region: null, created_at: h.clock.ms }).execute();
      for (const weekday of [1, 2, 3, 4, 5, 6, 7] as const)
        expect((await addSlot(deps, coordinator.principal, { team: teamId, weekday, start: 420, end: 900, members: [coordinator.id], lead: coordinator.id })).ok).toBe(true);
      h.clock.ms = utc(2026, 12, 7, 14, 45);
      expect(await openDueHandovers(deps)).toBe(1);
      const id = (await deps.db.selectFrom('handovers').select('id').executeTakeFirstOrThrow()).id;
      await note(coordinator, id, text);
      return { coordinator, id };
    }
    const note = async (who: StaffFixture, id: string, text: string) => {
      const r = await addNote(h!.deps, who.principal, id, text, oneTimeToken(h!.deps.vault, 'test-note', crypto.randomUUID(), h!.clock.ms));
      expect(r.ok).toBe(true);
    };
    const read = async (who: StaffFixture, id: string) => {
      const view = await viewHandover(h!.deps, who.principal, id);
      if (!view.ok) throw new Error(view.code);
      return view.value.notes.map((n) => n.text);
    };
    const keyIdsOfNotes = async () =>
      (await h!.deps.db.selectFrom('handover_notes').select('body_enc').execute()).map((r) => Buffer.from(r.body_enc).readUInt32BE(1));

    it('reads notes written before a rotation after it, once the old key is retired and forgotten, here and after a restart', async () => {
      const { coordinator, id } = await withNote('Case 12: the journalist asked us to call only after 18:00.');
      const deps = h!.deps;
      const first = deps.vault.activeKeyId;
      const { keyId: second } = await startRotation(deps, ANA.name);
      // Written during the rotation, a minute later: already under the new key.
      h!.clock.advance(60_000);
      await note(coordinator, id, 'Second note, during the rotation.');
      expect((await keyIdsOfNotes()).sort()).toEqual([first, second].sort());
      await finishRotation(deps);
      expect(deps.vault.openedKeyIds()).toEqual([second]);
      expect(await keyIdsOfNotes()).toEqual([second, second]);
      expect(await read(coordinator, id)).toEqual(['Case 12: the journalist asked us to call only after 18:00.', 'Second note, during the rotation.']);
      // A new process, unsealed with the new key alone.
      h = await restartHarness(h!, { HAVEN_SEALED: 'true' });
      expect((await unseal(h.deps, { holder: ANA.name, passphrase: ANA.passphrase }, NO_WAIT)).ok).toBe(true);
      expect(await read(coordinator, id)).toEqual(['Case 12: the journalist asked us to call only after 18:00.', 'Second note, during the rotation.']);
    });

    it('reads notes after sealed mode is left (its keys retired), and a second pass has nothing to move', async () => {
      const { coordinator, id } = await withNote('Case 40: device handed over, waiting for the lawyer.');
      const deps = h!.deps;
      const left = await leaveSealedMode(deps, { by: ANA.name });
      expect(left.retiredKeys.length).toBeGreaterThan(0);
      expect(await read(coordinator, id)).toEqual(['Case 40: device handed over, waiting for the lawyer.']);
      expect(await resealHandoverNotes(deps)).toBe(0);
      const audit = await deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'vault.sealed_mode_left').executeTakeFirstOrThrow();
      expect(JSON.parse(audit.detail!)).toMatchObject({ moduleData: 1 });
      h = await restartHarness(h!);
      expect(await read(coordinator, id)).toEqual(['Case 40: device handed over, waiting for the lawyer.']);
    });
  });
}
