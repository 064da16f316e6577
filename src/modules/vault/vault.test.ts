import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createActiveUser } from '../accounts/index.js';
import { postForm as postPublic, receiptIn, validRequest } from '../intake/intake.test-helpers.js';
import { requesterView, submitRequest } from '../cases/requester.service.js';
import { messageId } from '../cases/case.js';
import {
  DecryptionError,
  holderKeypair,
  openHolderWrap,
  SealedError,
  TEST_PASSPHRASE_LIMITS,
  wrapInfo,
} from '../../platform/crypto/vault.js';
import { engines } from '../../../test/engines.js';
import { createHarness, restartHarness, type Harness } from '../../../test/harness.js';
import { form, hiddenField, signInAs } from '../../../test/staff-session.js';
import { UNSEAL_POLICY, unsealPolicy } from './throttle.js';
import { attemptState } from '../../platform/throttle/attempts.js';
import {
  addHolder,
  finishRotation,
  leaveSealedMode,
  openVault,
  removeHolder,
  sealInit,
  startRotation,
  unseal,
  VaultInputError,
} from './vault.service.js';
import { ANA, BO, NO_WAIT, plainRequest, SEALED, sealedHarness, unsealByForm } from './vault.test-helpers.js';

const MARKER = 'MARKER-7f3c-seized-laptop-ZX81';



async function sendRequest(
  h: Harness,
  description: string,
): Promise<{ res: Awaited<ReturnType<typeof postPublic>>; receipt: string }> {
  const res = await postPublic(h, '/request', await validRequest(h, { description }));
  expect(res.statusCode, res.body).toBe(201);
  return { res, receipt: receiptIn(res.body) };
}

async function latestCaseId(h: Harness): Promise<number> {
  const r = await h.deps.db
    .selectFrom('cases')
    .select('id')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return r.id;
}


async function auditActions(h: Harness, prefix: string) {
  const rows = await h.deps.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    action: r.action,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }));
}

describe('unseal policy', () => {
  it('doubles the wait after each failure from one second and caps it at a minute; attempts run alone', () => {
    const p = unsealPolicy({ baseMs: 1000, maxMs: 8000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => p.lockMs(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(UNSEAL_POLICY.lockMs(30)).toBe(60_000);
    expect(UNSEAL_POLICY.leaseMs).toBeGreaterThan(0);
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`sealed mode on ${engine.name}`, () => {
    let h: Harness;
    afterEach(async () => {
      await h?.close();
    });

    it('default mode: still reads v1 wraps; seal-init moves them and second factors to the sealed key', async () => {
      h = await createHarness(engine);
      const { caseId } = await submitRequest(h.deps, plainRequest('written before sealed mode'));
      // Turn the case's wrap into the format stored before ADR 10 (symmetric, v1).
      const row = await h.deps.db
        .selectFrom('cases')
        .select('key_wrapped')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      const raw = Buffer.from(
        (h.deps.vault as unknown as { unwrapRaw(w: Buffer): Buffer }).unwrapRaw(row.key_wrapped),
      );
      await h.deps.db
        .updateTable('cases')
        .set({ key_wrapped: h.deps.vault.legacyWrapForTest(raw) })
        .where('id', '=', caseId)
        .execute();
      const legacy = await h.deps.db
        .selectFrom('cases')
        .select('key_wrapped')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(wrapInfo(legacy.key_wrapped)).toEqual({ version: 1 });
      const msg = await h.deps.db
        .selectFrom('messages')
        .select(['id', 'body_enc'])
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(
        h.deps.vault.caseKey(caseId, legacy.key_wrapped).open(`message:${msg.id}`, msg.body_enc),
      ).toBe('written before sealed mode');

      const staff = await signInAs(h, 'handler');
      const res = await sealInit(h.deps, [ANA], TEST_PASSPHRASE_LIMITS);
      expect(res).toMatchObject({ caseKeys: 1, staffSecrets: 1 });
      await expect(sealInit(h.deps, [BO], TEST_PASSPHRASE_LIMITS)).rejects.toThrow(VaultInputError);

      h = await restartHarness(h, SEALED);
      const moved = await h.deps.db
        .selectFrom('cases')
        .select('key_wrapped')
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      expect(wrapInfo(moved.key_wrapped)).toEqual({ version: 2, keyId: res.keyId });
      expect(() => h.deps.vault.caseKey(caseId, moved.key_wrapped)).toThrow(SealedError);
      expect((await unsealByForm(h, ANA)).statusCode).toBe(303);
      expect(
        h.deps.vault.caseKey(caseId, moved.key_wrapped).open(`message:${msg.id}`, msg.body_enc),
      ).toBe('written before sealed mode');
      // The second factor set up before sealing still signs the handler in.
      const page = await h.app.inject({ url: '/staff/sign-in' });
      const first = await h.app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        ...form({
          _form: hiddenField(page.body, '_form'),
          email: staff.email,
          password: staff.password,
        }),
      });
      expect(first.statusCode).toBe(303);
    });

    it('a sealed instance accepts requests, refuses staff and API, and a handler reads them after unsealing', async () => {
      h = await sealedHarness(engine);
      expect(h.deps.vault.sealed).toBe(true);
      const { receipt } = await sendRequest(h, `Phone taken at checkpoint ${MARKER}`);
      const caseId = await latestCaseId(h);

      // Receipts are still checked (keyed hash); the conversation cannot be decrypted, but
      // the page says why and keeps the message form (sealed-follow-up.test.ts sends one).
      const fpage = await h.app.inject({ url: '/followup' });
      const fres = await postPublic(h, '/followup', {
        _csrf: hiddenField(fpage.body, '_csrf'),
        receipt,
      });
      expect(fres.statusCode).toBe(303);
      const cookie = fres.cookies.find((c) => c.name === 'haven_followup')!;
      const conv = await h.app.inject({
        url: '/followup/conversation',
        headers: { cookie: `haven_followup=${cookie.value}` },
      });
      expect(conv.statusCode).toBe(200);
      expect(conv.body).toContain('id="records-locked"');
      expect(conv.body).toContain('name="body"');
      expect(conv.body).not.toContain(MARKER);

      for (const url of ['/staff', '/staff/sign-in', `/staff/cases/${caseId}`, '/staff/vault']) {
        const r = await h.app.inject({ url });
        expect(r.statusCode, url).toBe(303);
        expect(r.headers.location, url).toBe('/staff/unseal');
      }
      const post = await h.app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        ...form({ email: 'x@example.org' }),
      });
      expect(post.headers.location).toBe('/staff/unseal');
      const unsealPage = await h.app.inject({ url: '/staff/unseal' });
      expect(unsealPage.statusCode).toBe(503);
      expect(unsealPage.body).toContain('name="passphrase"');
      const api = await h.app.inject({
        url: '/api/v1/cases',
        headers: { authorization: 'Bearer whatever' },
      });
      expect(api.statusCode).toBe(503);
      expect(api.json()).toMatchObject({ error: { code: 'SEALED' } });

      const ok = await unsealByForm(h, BO);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/staff/sign-in');
      const handler = await signInAs(h, 'handler');
      const view = await h.app.inject({
        url: `/staff/cases/${caseId}`,
        headers: { cookie: handler.cookie },
      });
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain(MARKER);
      expect((await h.app.inject({ url: '/staff/unseal' })).headers.location).toBe('/staff');
    });

    it('wrong passphrases are slowed and audited; each of two holders unseals; a restart seals again', async () => {
      h = await sealedHarness(engine);
      const bad = await unseal(h.deps, {
        holder: 'ana',
        passphrase: 'not the passphrase at all',
      });
      expect(bad).toEqual({ ok: false, code: 'UNSEAL_FAILED' });
      // The next attempt must wait a second, and is refused at once until then: nothing derived, nothing audited.
      const early = { holder: 'nobody', passphrase: 'not the passphrase at all' };
      expect(await unseal(h.deps, early)).toEqual({ ok: false, code: 'RATE_LIMITED', retryAt: h.clock.ms + 1000 });
      h.clock.advance(1000);
      expect((await unseal(h.deps, early)).ok).toBe(false);
      expect(await unseal(h.deps, { holder: 'bo', passphrase: ANA.passphrase })).toEqual({ ok: false, code: 'RATE_LIMITED', retryAt: h.clock.ms + 2000 });
      h.clock.advance(2000);
      expect(await unseal(h.deps, { holder: 'bo', passphrase: ANA.passphrase })).toEqual({ ok: false, code: 'UNSEAL_FAILED' });
      h.clock.advance(3999);
      expect((await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase })).ok).toBe(false);
      h.clock.advance(1);
      expect(h.deps.vault.sealed).toBe(true);
      expect(
        (await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase })).ok,
      ).toBe(true);
      expect(await attemptState(h.deps.db, 'unseal')).toEqual({ failures: 0, lockedUntil: null });
      expect(h.deps.vault.sealed).toBe(false);

      const audit = await auditActions(h, 'vault.unseal');
      expect(audit.map((a) => a.action)).toEqual([
        'vault.unseal_failed',
        'vault.unseal_failed',
        'vault.unseal_failed',
        'vault.unsealed',
      ]);
      expect(audit.map((a) => a.detail?.holder)).toEqual(['ana', 'nobody', 'bo', 'ana']);
      const all = JSON.stringify(audit);
      expect(all).not.toContain(ANA.passphrase);
      expect(all).not.toContain('not the passphrase');

      // Through the page, a wrong passphrase is a 401 with the form again.
      h = await restartHarness(h, SEALED);
      expect(h.deps.vault.sealed).toBe(true);
      const wrong = await unsealByForm(h, { name: 'bo', passphrase: 'wrong wrong wrong wrong' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('name="passphrase"');
      const tooSoon = await unsealByForm(h, BO);
      expect(tooSoon.statusCode).toBe(429);
      expect(tooSoon.headers['retry-after']).toBe('1');
      h.clock.advance(1000);
      expect((await unsealByForm(h, BO)).statusCode).toBe(303);
      expect(h.deps.vault.sealed).toBe(false);
    });

    it('takes the longest passphrase in any script, whatever BODY_LIMIT_BYTES is, and isolates holder names', async () => {
      h = await sealedHarness(engine);
      h = await restartHarness(h, { ...SEALED, BODY_LIMIT_BYTES: '1024' });
      const long = await unsealByForm(h, { name: ANA.name, passphrase: 'ك'.repeat(1024) });
      expect(long.statusCode).toBe(401);
      h.clock.advance(1000);
      expect((await unsealByForm(h, ANA)).statusCode).toBe(303);
      const admin = await signInAs(h, 'admin');
      const page = await h.app.inject({ url: '/staff/vault', headers: { cookie: admin.cookie } });
      expect(page.body).toContain('<bdi>ana</bdi>');
    });

    it('leaving sealed mode is all or nothing: a failure half-way changes no row; then every key, message and holder goes', async () => {
      h = await sealedHarness(engine);
      const a = await submitRequest(h.deps, plainRequest(`Leaving sealed mode ${MARKER}`));
      const b = await submitRequest(h.deps, plainRequest('the case whose wrap gets damaged'));
      await expect(leaveSealedMode(h.deps, { by: 'ana' })).rejects.toThrow(SealedError);
      expect((await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT)).ok).toBe(true);
      // A rotation interrupted half-way: two live keys, a case under each.
      const first = h.deps.vault.activeKeyId;
      const { keyId: second } = await startRotation(h.deps, 'ana');
      const c = await submitRequest(h.deps, plainRequest('written under the second key'));
      // A follow-up sealed to the content key after the unseal moved the others (see sealed-followup.test.ts).
      const id = messageId(h.clock.now());
      const late = h.deps.vault.sealToKey(`case:${a.caseId}:message:${id}`, 'MARKER-late-follow-up-2d9e');
      await h.deps.db
        .insertInto('messages')
        .values({ id, case_id: a.caseId, kind: 'requester', author_id: null, body_enc: late.sealed, sealed_to_key: late.keyId, created_at: h.clock.now() + 1 })
        .execute();

      const snapshot = async () => ({
        cases: await h.deps.db.selectFrom('cases').select(['id', 'key_wrapped']).orderBy('id').execute(),
        messages: await h.deps.db.selectFrom('messages').select(['id', 'body_enc', 'sealed_to_key']).orderBy('id').execute(),
        keys: await h.deps.db.selectFrom('vault_keys').selectAll().orderBy('id').execute(),
        holders: await h.deps.db.selectFrom('unseal_holders').selectAll().orderBy('key_id').orderBy('holder').execute(),
        audit: await auditActions(h, 'vault.sealed_mode_left'),
      });
      // A damaged wrap makes the re-wrap fail after the message has moved inside the transaction.
      const good = (await h.deps.db.selectFrom('cases').select('key_wrapped').where('id', '=', b.caseId).executeTakeFirstOrThrow()).key_wrapped;
      const damaged = Buffer.from(good);
      damaged[damaged.length - 1]! ^= 1;
      await h.deps.db.updateTable('cases').set({ key_wrapped: damaged }).where('id', '=', b.caseId).execute();
      const before = await snapshot();
      await expect(leaveSealedMode(h.deps, { by: 'ana' })).rejects.toThrow(DecryptionError);
      expect(await snapshot()).toEqual(before);
      expect(before.messages.filter((m) => m.sealed_to_key !== null)).toHaveLength(1);
      expect(h.deps.vault.activeKeyId).toBe(second);
      expect(h.deps.vault.openedKeyIds().sort()).toEqual([first, second].sort());

      await h.deps.db.updateTable('cases').set({ key_wrapped: good }).where('id', '=', b.caseId).execute();
      const left = await leaveSealedMode(h.deps, { by: 'ana' });
      expect(left).toEqual({ caseKeys: 3, staffSecrets: 0, messages: 1, retiredKeys: [first, second], holders: 2 });
      expect(h.deps.vault.openedKeyIds()).toEqual([]);
      expect(h.deps.vault.activeKeyId).toBe(0);
      const after = await snapshot();
      expect(after.holders).toEqual([]);
      expect(after.keys.map((k) => k.retired_at)).toEqual([expect.anything(), expect.anything()]);
      expect(after.keys.every((k) => k.retired_at !== null)).toBe(true);
      expect(after.messages.every((m) => m.sealed_to_key === null)).toBe(true);
      expect(after.cases.map((r) => wrapInfo(r.key_wrapped))).toEqual([0, 0, 0].map((keyId) => ({ version: 2, keyId })));
      expect(after.audit).toEqual([
        {
          action: 'vault.sealed_mode_left',
          detail: { by: 'ana', caseKeys: 3, staffSecrets: 0, messages: 1, moduleData: 0, retired: `${first},${second}`, holders: 2 },
        },
      ]);

      // The next process, in the default mode, reads all three cases and the late message.
      h = await restartHarness(h);
      expect((await requesterView(h.deps, a.caseId)).messages.map((m) => m.body)).toEqual([
        `Leaving sealed mode ${MARKER}`,
        'MARKER-late-follow-up-2d9e',
      ]);
      expect((await requesterView(h.deps, c.caseId)).messages.map((m) => m.body)).toEqual(['written under the second key']);
      // A default-mode vault has no sealed mode to leave.
      await expect(leaveSealedMode(h.deps, { by: 'ana' })).rejects.toThrow(VaultInputError);
    });

    it('holders can be added and removed while unsealed, never the last one', async () => {
      h = await sealedHarness(engine);
      const cy = { name: 'cy', passphrase: 'harbour violet engine 2291' };
      await expect(
        addHolder(h.deps, { ...cy, by: 'test' }, TEST_PASSPHRASE_LIMITS),
      ).rejects.toThrow(SealedError);
      await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT);
      await addHolder(h.deps, { ...cy, by: 'ana' }, TEST_PASSPHRASE_LIMITS);
      await removeHolder(h.deps, { name: 'bo', by: 'ana' });
      await removeHolder(h.deps, { name: 'ana', by: 'cy' });
      await expect(removeHolder(h.deps, { name: 'cy', by: 'cy' })).rejects.toThrow(VaultInputError);
      h = await restartHarness(h, SEALED);
      expect(
        (await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT)).ok,
      ).toBe(false);
      expect(
        (await unseal(h.deps, { holder: 'cy', passphrase: cy.passphrase }, NO_WAIT)).ok,
      ).toBe(true);
    });

    it('rotation: cases written before, during and after all open; old key retired; holders unseal the new key', async () => {
      h = await sealedHarness(engine);
      const before: number[] = [];
      for (let i = 0; i < 5; i++)
        before.push((await submitRequest(h.deps, plainRequest(`before ${i}`))).caseId);
      // A shredded case (retention empties key_wrapped) must stay shredded through rotation.
      await h.deps.db
        .updateTable('cases')
        .set({ key_wrapped: Buffer.alloc(0) })
        .where('id', '=', before[4]!)
        .execute();
      await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT);
      const oldKey = h.deps.vault.activeKeyId;
      const { keyId } = await startRotation(h.deps, 'test');
      expect(h.deps.vault.activeKeyId).toBe(keyId);
      const during = (await submitRequest(h.deps, plainRequest('during'))).caseId;
      const finishing = finishRotation(h.deps, { batchSize: 2 });
      const alsoDuring = (await submitRequest(h.deps, plainRequest('while re-wrapping'))).caseId;
      await finishing;
      const after = (await submitRequest(h.deps, plainRequest('after'))).caseId;

      const keys = await h.deps.db.selectFrom('vault_keys').selectAll().orderBy('id').execute();
      // [id, still live]: the old key is retired, the new one is the only live key.
      expect(keys.map((k) => [k.id, k.retired_at === null])).toEqual([
        [oldKey, false],
        [keyId, true],
      ]);
      expect(
        await h.deps.db
          .selectFrom('unseal_holders')
          .select('key_id')
          .where('key_id', '=', oldKey)
          .execute(),
      ).toEqual([]);
      const shredded = await h.deps.db
        .selectFrom('cases')
        .select('key_wrapped')
        .where('id', '=', before[4]!)
        .executeTakeFirstOrThrow();
      expect(shredded.key_wrapped.length).toBe(0);

      h = await restartHarness(h, SEALED);
      expect(
        (await unseal(h.deps, { holder: 'bo', passphrase: BO.passphrase }, NO_WAIT)).ok,
      ).toBe(true);
      const texts: string[] = [];
      for (const id of [...before.slice(0, 4), during, alsoDuring, after]) {
        const c = await h.deps.db
          .selectFrom('cases')
          .select('key_wrapped')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(wrapInfo(c.key_wrapped)).toEqual({ version: 2, keyId });
        const m = await h.deps.db
          .selectFrom('messages')
          .select(['id', 'body_enc'])
          .where('case_id', '=', id)
          .executeTakeFirstOrThrow();
        texts.push(h.deps.vault.caseKey(id, c.key_wrapped).open(`message:${m.id}`, m.body_enc));
      }
      expect(texts).toEqual([
        'before 0',
        'before 1',
        'before 2',
        'before 3',
        'during',
        'while re-wrapping',
        'after',
      ]);
      expect(() => h.deps.vault.caseKey(before[4]!, Buffer.alloc(0))).toThrow(DecryptionError);
      // Second factors moved too: a handler created before rotation signs in.
      const actions = (await auditActions(h, 'vault.rotation')).map((a) => a.action);
      expect(actions).toEqual(['vault.rotation_started', 'vault.rotation_finished']);
    });

    it('staff made before rotation still sign in after it', async () => {
      h = await sealedHarness(engine);
      await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT);
      const u = await createActiveUser(h.deps, {
        email: 'r@example.org',
        role: 'admin',
        displayName: 'R',
        password: 'correct horse battery staple',
      });
      await startRotation(h.deps, 'test');
      await finishRotation(h.deps);
      const row = await h.deps.db
        .selectFrom('users')
        .select('totp_secret_enc')
        .where('id', '=', u.userId)
        .executeTakeFirstOrThrow();
      expect(h.deps.vault.staffKeyId(row.totp_secret_enc!)).toBe(h.deps.vault.activeKeyId);
      const admin = await signInAs(h, 'admin');
      const page = await h.app.inject({ url: '/staff/vault', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('ana');
      expect(page.body).toContain('bo');
      const handler = await signInAs(h, 'handler');
      expect(
        (await h.app.inject({ url: '/staff/vault', headers: { cookie: handler.cookie } }))
          .statusCode,
      ).toBe(403);
    });

    it('an administrator rotates from /staff/vault while requests keep arriving; default mode refuses', async () => {
      h = await sealedHarness(engine);
      await sendRequest(h, 'before the rotation');
      expect((await unsealByForm(h, ANA)).statusCode).toBe(303);
      const admin = await signInAs(h, 'admin');
      const before = h.deps.vault.activeKeyId;
      const res = await h.app.inject({
        method: 'POST',
        url: '/staff/vault/rotate',
        ...form({ _csrf: admin.csrf }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie },
      });
      expect(res.statusCode).toBe(303);
      expect(h.deps.vault.activeKeyId).toBe(before + 1);
      await sendRequest(h, 'during the rotation');
      // The background re-wrap finishes on its own; wait for the old key to be retired.
      for (
        let i = 0;
        i < 100 &&
        (
          await h.deps.db
            .selectFrom('vault_keys')
            .select('id')
            .where('retired_at', 'is', null)
            .execute()
        ).length > 1;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const live = await h.deps.db
        .selectFrom('vault_keys')
        .select('id')
        .where('retired_at', 'is', null)
        .execute();
      expect(live.map((k) => k.id)).toEqual([before + 1]);
      const rows = await h.deps.db.selectFrom('cases').select(['id', 'key_wrapped']).execute();
      for (const r of rows)
        expect(wrapInfo(r.key_wrapped)).toEqual({ version: 2, keyId: before + 1 });
      const handler = await signInAs(h, 'handler');
      const forbidden = await h.app.inject({
        method: 'POST',
        url: '/staff/vault/rotate',
        ...form({ _csrf: handler.csrf }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: handler.cookie },
      });
      expect(forbidden.statusCode).toBe(403);
      const audit = (await auditActions(h, 'vault.rotation')).map((a) => a.detail?.by ?? a.action);
      expect(audit).toEqual([admin.userId, 'vault.rotation_finished']);

      // Forgetting HAVEN_SEALED=true must not quietly start a default-mode instance.
      await expect(
        openVault(
          { db: h.deps.db, config: { ...h.deps.config, sealed: false }, now: h.clock.now, dialect: h.deps.dialect },
          h.masterKey,
        ),
      ).rejects.toThrow(/HAVEN_SEALED=true/);
      await h.close();
      h = await createHarness(engine);
      const plain = await signInAs(h, 'admin');
      expect(
        (await h.app.inject({ url: '/staff', headers: { cookie: plain.cookie } })).statusCode,
      ).toBe(200);
      const refused = await h.app.inject({
        method: 'POST',
        url: '/staff/vault/rotate',
        ...form({ _csrf: plain.csrf }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: plain.cookie },
      });
      expect(refused.statusCode).toBe(409);
    });

    // A raw-file check: PostgreSQL keeps its files out of reach, so only SQLite has one.
    if (engine.name === 'sqlite') {
      it('the SQLite file and its WAL hold no marker text and no private key bytes', async () => {
        h = await sealedHarness(engine);
        await sendRequest(h, `Border seizure ${MARKER}`);
        await unseal(h.deps, { holder: 'ana', passphrase: ANA.passphrase }, NO_WAIT);
        const handler = await signInAs(h, 'handler');
        const caseId = await latestCaseId(h);
        await h.app.inject({
          method: 'POST',
          url: `/staff/cases/${caseId}/notes`,
          ...form({ _csrf: handler.csrf, body: `note ${MARKER}` }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: handler.cookie },
        });
        const row = await h.deps.db
          .selectFrom('unseal_holders')
          .selectAll()
          .where('holder', '=', 'ana')
          .executeTakeFirstOrThrow();
        const hk = await holderKeypair(ANA.passphrase, row.salt, {
          opslimit: row.opslimit,
          memlimit: row.memlimit,
        });
        const sk = Buffer.from(openHolderWrap(row.wrapped_sk, hk)!);
        const file = join(h.dataDir, 'haven.db');
        const bytes = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f));
        expect(bytes.length).toBeGreaterThan(0);
        for (const b of bytes) {
          expect(b.includes(Buffer.from(MARKER))).toBe(false);
          expect(b.includes(sk)).toBe(false);
          expect(b.includes(Buffer.from(ANA.passphrase))).toBe(false);
        }
      });
    }
  });
}
