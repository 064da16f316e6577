import { afterEach, describe, expect, it } from 'vitest';
import { requesterView, submitRequest } from '../cases/requester.service.js';
import { postForm as postPublic, validRequest } from '../intake/intake.test-helpers.js';
import { wrapInfo } from '../../platform/crypto/vault.js';
import { engines } from '../../../test/engines.js';
import { restartHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { finishRotation, startRotation, unseal } from './vault.service.js';
import { ANA, BO, NO_WAIT, plainRequest, SEALED, sealedHarness } from './vault.test-helpers.js';

// A key rotation with two processes on one database (ADR 21): the database, not the process,
// says which content key is active. A process that did not start the rotation wraps new cases
// to the new key at once, is sealed until it is unsealed again, and no case is ever left under
// a key the rotation retires.

async function wrapOf(h: Harness, caseId: number) {
  const row = await h.deps.db.selectFrom('cases').select('key_wrapped').where('id', '=', caseId).executeTakeFirstOrThrow();
  return wrapInfo(row.key_wrapped);
}

/** A request through the public form of process `h`; returns its case id. */
async function sendRequest(h: Harness, description: string): Promise<number> {
  const res = await postPublic(h, '/request', await validRequest(h, { description }));
  expect(res.statusCode, res.body).toBe(201);
  const r = await h.deps.db.selectFrom('cases').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return r.id;
}

function viewCase(h: Harness, staff: StaffSignIn, caseId: number) {
  return h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: staff.cookie } });
}

function reply(h: Harness, staff: StaffSignIn, caseId: number, body: string) {
  return h.app.inject({
    method: 'POST',
    url: `/staff/cases/${caseId}/replies`,
    payload: new URLSearchParams({ _csrf: staff.csrf, body }).toString(),
    headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const unsealAs = async (h: Harness, who: { name: string; passphrase: string }) =>
  (await unseal(h.deps, { holder: who.name, passphrase: who.passphrase }, NO_WAIT)).ok;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a key rotation with two processes on ${engine.name}`, () => {
    let a: Harness | undefined;
    let b: Harness | undefined;
    afterEach(async () => {
      await b?.close();
      await a?.close();
      a = b = undefined;
    });

    it('rotated on A: B wraps new cases to the new key, asks to be unsealed again, and every case opens on both and after a restart', async () => {
      a = await sealedHarness(engine);
      expect(await unsealAs(a, ANA)).toBe(true);
      b = await secondProcess(a, SEALED);
      expect(await unsealAs(b, BO)).toBe(true);
      const onB = await signInAs(b, 'coordinator');
      const first = (await submitRequest(a.deps, plainRequest('written before the rotation'))).caseId;
      const oldKey = a.deps.vault.activeKeyId;
      expect(b.deps.vault.activeKeyId).toBe(oldKey);

      const { keyId } = await startRotation(a.deps, 'ana');
      // A request reaching B during the rotation goes to the new key, never to the old one.
      const during = await sendRequest(b, 'sent to B during the rotation');
      expect(await wrapOf(b, during)).toEqual({ version: 2, keyId });
      // B does not hold the new private key: its staff pages ask for an unseal, as after a start.
      const refused = await viewCase(b, onB, first);
      expect(refused.statusCode).toBe(303);
      expect(refused.headers.location).toBe('/staff/unseal');
      expect(b.deps.vault.sealed).toBe(true);
      expect(await unsealAs(b, BO)).toBe(true);
      for (const [id, text] of [
        [first, 'written before the rotation'],
        [during, 'sent to B during the rotation'],
      ] as const) {
        const page = await viewCase(b, onB, id);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(text);
        expect((await reply(b, onB, id, `B answers case ${id}`)).statusCode).toBe(303);
      }

      // A finishes: every wrap moves to the new key and the old one is retired.
      await finishRotation(a.deps, { batchSize: 1 });
      const live = await a.deps.db.selectFrom('vault_keys').select('id').where('retired_at', 'is', null).execute();
      expect(live.map((k) => k.id)).toEqual([keyId]);
      const after = await sendRequest(b, 'sent to B after the rotation');
      expect(await wrapOf(b, after)).toEqual({ version: 2, keyId });
      for (const id of [first, during, after]) expect((await viewCase(b, onB, id)).statusCode).toBe(200);
      // B no longer holds the retired private key.
      expect(b.deps.vault.openedKeyIds()).toEqual([keyId]);
      const onA = await signInAs(a, 'coordinator');
      for (const id of [first, during, after]) {
        expect(await wrapOf(a, id)).toEqual({ version: 2, keyId });
        expect((await viewCase(a, onA, id)).statusCode).toBe(200);
      }

      // After a restart, the holders unseal the new key and every case and reply opens.
      await b.close();
      b = undefined;
      a = await restartHarness(a, SEALED);
      expect(await unsealAs(a, BO)).toBe(true);
      expect((await requesterView(a.deps, first)).messages.map((m) => m.body)).toEqual([
        'written before the rotation',
        `B answers case ${first}`,
      ]);
      expect((await requesterView(a.deps, during)).messages.map((m) => m.body)).toEqual([
        'sent to B during the rotation',
        `B answers case ${during}`,
      ]);
      expect((await requesterView(a.deps, after)).messages.map((m) => m.body)).toEqual(['sent to B after the rotation']);
    });

    it('a process that has not opened the new key cannot start or finish a rotation, and cannot start a second one', async () => {
      a = await sealedHarness(engine);
      expect(await unsealAs(a, ANA)).toBe(true);
      b = await secondProcess(a, SEALED);
      expect(await unsealAs(b, BO)).toBe(true);
      const { keyId } = await startRotation(a.deps, 'ana');
      await expect(finishRotation(b.deps)).rejects.toThrow(/sealed/);
      await expect(startRotation(b.deps, 'bo')).rejects.toThrow(/sealed/);
      expect(await unsealAs(b, BO)).toBe(true);
      // Two live keys: a rotation is still running somewhere, so no second one starts.
      await expect(startRotation(b.deps, 'bo')).rejects.toThrow('vault.error.rotation_running');
      // B, now unsealed, may finish it as well as A (an interrupted rotation resumes anywhere).
      await finishRotation(b.deps);
      await finishRotation(a.deps);
      const live = await a.deps.db.selectFrom('vault_keys').select('id').where('retired_at', 'is', null).execute();
      expect(live.map((k) => k.id)).toEqual([keyId]);
    });

    if (engine.name === 'postgres') {
      it('a case wrapped to the old key in a transaction still open when the rotation starts is moved before that key is retired', async () => {
        a = await sealedHarness(engine);
        expect(await unsealAs(a, ANA)).toBe(true);
        b = await secondProcess(a, SEALED);
        expect(await unsealAs(b, BO)).toBe(true);
        const oldKey = b.deps.vault.activeKeyId;
        let wrapped!: () => void;
        const isWrapped = new Promise<void>((r) => (wrapped = r));
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        const bDeps = b.deps;
        // B's request: its case key is wrapped, under the old key, inside a transaction that stays open.
        const inFlight = b.deps.db.transaction().execute(async (trx) => {
          const r = await submitRequest({ ...bDeps, db: trx }, plainRequest('in flight when the rotation started'));
          wrapped();
          await released;
          return r.caseId;
        });
        await isWrapped;
        const { keyId } = await startRotation(a.deps, 'ana');
        let finished = false;
        const finishing = finishRotation(a.deps).then((r) => {
          finished = true;
          return r;
        });
        await new Promise((r) => setTimeout(r, 300));
        // The rotation waits for the transaction holding the old key before it moves any wrap.
        expect(finished).toBe(false);
        release();
        const caseId = await inFlight;
        await finishing;
        expect(oldKey).not.toBe(keyId);
        expect(await wrapOf(a, caseId)).toEqual({ version: 2, keyId });
        a = await restartHarness(a, SEALED);
        await b.close();
        b = undefined;
        expect(await unsealAs(a, ANA)).toBe(true);
        expect((await requesterView(a.deps, caseId)).messages.map((m) => m.body)).toEqual(['in flight when the rotation started']);
      });
    } else {
      it('a transaction that read the old key before the rotation committed cannot write under it', async () => {
        a = await sealedHarness(engine);
        expect(await unsealAs(a, ANA)).toBe(true);
        b = await secondProcess(a, SEALED);
        expect(await unsealAs(b, BO)).toBe(true);
        const bDeps = b.deps;
        let read!: () => void;
        const hasRead = new Promise<void>((r) => (read = r));
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        // B's transaction reads the active key (its snapshot), then the rotation commits, then B writes.
        const inFlight = b.deps.db.transaction().execute(async (trx) => {
          await bDeps.vault.refresh(trx);
          read();
          await released;
          return (await submitRequest({ ...bDeps, db: trx }, plainRequest('too late'))).caseId;
        });
        await hasRead;
        const { keyId } = await startRotation(a.deps, 'ana');
        release();
        await expect(inFlight).rejects.toMatchObject({ code: 'SQLITE_BUSY_SNAPSHOT' });
        expect(await a.deps.db.selectFrom('cases').select('id').execute()).toEqual([]);
        // Sent again, it goes to the new key.
        const caseId = (await submitRequest(b.deps, plainRequest('sent again'))).caseId;
        expect(await wrapOf(b, caseId)).toEqual({ version: 2, keyId });
      });
    }
  });
}
