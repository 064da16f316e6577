import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Deps } from '../src/deps.js';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { FREE_FAILURES } from '../src/modules/accounts/user.js';
import { ANA, sealedHarness } from '../src/modules/vault/vault.test-helpers.js';
import { openPostgres, openSqlite, type Storage } from '../src/platform/storage/db.js';
import { engines } from './engines.js';
import { type Harness } from './harness.js';
import { form, hiddenField, TEST_PASSWORD } from './staff-session.js';
import { createHarness } from './harness.js';

// Parallel attacks on the two secrets that guard Haven: staff passwords and unseal
// passphrases. Every attempt is counted in the database before it is checked, so a burst of
// parallel guesses, spread over two Haven processes on one database, gets exactly as many
// checks as a patient guesser, and an address without an account answers exactly like one
// with an account. Unseal attempts run one at a time: a burst derives one key, not twenty.

const PARALLEL_SIGN_INS = 100;
const PARALLEL_UNSEALS = 20;

/** A second Haven process on the same database: its own connection (pool) and its own app. */
async function secondProcess(h: Harness): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const storage: Storage = h.databaseUrl ? openPostgres(h.databaseUrl, 5) : openSqlite(join(h.dataDir, 'haven.db'));
  const deps: Deps = { ...h.deps, storage, db: storage.db };
  const app = await createApp(deps);
  return {
    app,
    async close() {
      await app.close();
      await storage.close();
    },
  };
}

async function signInForms(app: FastifyInstance, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(hiddenField((await app.inject({ url: '/staff/sign-in' })).body, '_form'));
  return out;
}

/** `n` sign-ins with `password` for `email`, all at once, alternating between the two processes. */
async function burst(apps: FastifyInstance[], email: string, password: string, n: number): Promise<number[]> {
  const tokens = await signInForms(apps[0]!, n);
  const answers = await Promise.all(
    tokens.map((token, i) =>
      apps[i % apps.length]!.inject({ method: 'POST', url: '/staff/sign-in', ...form({ _form: token, email, password }) }),
    ),
  );
  return answers.map((a) => a.statusCode);
}

const tally = (codes: number[]) => codes.reduce<Record<number, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`parallel attacks on ${engine.name}`, () => {
    let h: Harness;
    let other: Awaited<ReturnType<typeof secondProcess>>;
    beforeAll(async () => {
      h = await createHarness(engine);
      other = await secondProcess(h);
    });
    afterAll(async () => {
      await other?.close();
      await h?.close();
    });

    it(`${PARALLEL_SIGN_INS} parallel wrong passwords lock an account after ${FREE_FAILURES}, and an address without an account answers the same`, async () => {
      const email = 'amal.parallel@example.org';
      await createActiveUser(h.deps, { email, role: 'handler', displayName: 'Amal', password: TEST_PASSWORD });
      const apps = [h.app, other.app];

      const known = await burst(apps, email, 'wrong password, guessed in parallel', PARALLEL_SIGN_INS);
      const unknown = await burst(apps, 'nobody.parallel@example.org', 'wrong password, guessed in parallel', PARALLEL_SIGN_INS);
      console.log(`parallel sign-in on ${engine.name}: account ${JSON.stringify(tally(known))}, no account ${JSON.stringify(tally(unknown))}`);
      expect(tally(known)).toEqual({ 401: FREE_FAILURES, 429: PARALLEL_SIGN_INS - FREE_FAILURES });
      expect(tally(unknown)).toEqual(tally(known));

      // Locked: even the right password is refused, without being checked, until the lock ends.
      expect(await burst(apps, email, TEST_PASSWORD, 1)).toEqual([429]);
      h.clock.advance(60_000);
      expect(await burst(apps, email, TEST_PASSWORD, 1)).toEqual([303]);
      expect(await burst(apps, 'nobody.parallel@example.org', TEST_PASSWORD, 1)).toEqual([401]);

      // The failures and the lock are in the account's audit trail, not the refusals (a flood
      // cannot fill the log); nothing names the other address.
      const audit = await h.deps.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'account.%').execute();
      const actions = audit.map((a) => a.action).filter((a) => a !== 'account.created');
      expect(actions.sort()).toEqual(['account.locked', ...Array<string>(FREE_FAILURES).fill('account.sign_in_failed')]);
      expect(JSON.stringify(audit)).not.toContain('nobody.parallel');
    });
  });

  describe.skipIf(!engine.available)(`parallel unseal attempts on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await sealedHarness(engine);
    });
    afterAll(async () => h?.close());

    async function unsealForms(n: number): Promise<string[]> {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(hiddenField((await h.app.inject({ url: '/staff/unseal' })).body, '_form'));
      return out;
    }

    const attempt = (token: string, passphrase: string) =>
      h.app.inject({ method: 'POST', url: '/staff/unseal', ...form({ _form: token, holder: ANA.name, passphrase }) });

    it(`${PARALLEL_UNSEALS} parallel wrong passphrases run one derivation; the rest are told to wait, unaudited`, async () => {
      const tokens = await unsealForms(PARALLEL_UNSEALS);
      const answers = await Promise.all(tokens.map((t) => attempt(t, 'a wrong passphrase, in parallel')));
      const codes = tally(answers.map((a) => a.statusCode));
      console.log(`parallel unseal on ${engine.name}: ${JSON.stringify(codes)}`);
      expect(codes).toEqual({ 401: 1, 429: PARALLEL_UNSEALS - 1 });
      const refused = answers.find((a) => a.statusCode === 429)!;
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.body).toContain('id="unseal-wait"');
      const failed = await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'vault.unseal_failed').execute();
      expect(failed).toHaveLength(1);

      // The same form sent many times at once is one attempt; the copies are refused as used.
      h.clock.advance(1_000);
      const [token] = await unsealForms(1);
      const copies = await Promise.all(Array.from({ length: 5 }, () => attempt(token!, 'another wrong passphrase')));
      expect(tally(copies.map((a) => a.statusCode))).toEqual({ 401: 1, 403: 4 });

      // The holder, once the wait is over, unseals.
      h.clock.advance(2_000);
      const [mine] = await unsealForms(1);
      expect((await attempt(mine!, ANA.passphrase)).statusCode).toBe(303);
      expect(h.deps.vault.sealed).toBe(false);
    });
  });
}
