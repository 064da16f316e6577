import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { FREE_FAILURES } from '../src/modules/accounts/user.js';
import { receiptIn, REQUEST_ANSWERS, tokenIn } from '../src/modules/intake/intake.test-helpers.js';
import { sealInit } from '../src/modules/vault/index.js';
import { ANA } from '../src/modules/vault/vault.test-helpers.js';
import { STAFF_COOKIE } from '../src/platform/auth/session.js';
import { totpNow } from '../src/platform/auth/totp.js';
import { normalizeReceipt } from '../src/platform/crypto/receipt.js';
import { TEST_PASSPHRASE_LIMITS } from '../src/platform/crypto/vault.js';
import { projectRoot } from '../src/platform/paths.js';
import { startHaven, type HavenProcess } from './crash/haven-process.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { hiddenField, TEST_PASSWORD } from './staff-session.js';

/**
 * Two real `haven serve` processes (test/crash/haven-process.ts) on one fresh PostgreSQL
 * database, with the same master key and a DATA_DIR each, behave as one Haven behind a
 * reverse proxy without sticky sessions (docs/operations.md, "Running several processes"):
 * the unseal throttle, scheduled jobs, the intake budget, staff sessions and the sign-in lock
 * all live in the database. What lives in a process is shown too: each one is unsealed on its
 * own. The harness (never listening) only seeds the database and reads it back.
 *
 * Without PostgreSQL this skips with the reason printed by test/engines.ts; with
 * HAVEN_REQUIRE_POSTGRES=1 (CI) a missing server fails the run instead.
 */

const postgres = engines.find((e) => e.name === 'postgres')!;

/** A small hourly intake budget, so that both processes together spend it. */
const BUDGET = 4;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function get(origin: string, path: string, cookie?: string): Promise<Response> {
  return fetch(`${origin}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

/** POSTs a form as a browser with JavaScript off would; redirects are not followed. */
function post(origin: string, path: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: cookie ? { ...FORM, cookie } : FORM,
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** The staff session cookie an answer sets, ready for a `cookie` header. */
function staffCookie(res: Response): string {
  const c = res.headers.getSetCookie().find((x) => x.startsWith(`${STAFF_COOKIE}=`))?.split(';')[0];
  if (!c || c === `${STAFF_COOKIE}=`) throw new Error(`no staff session cookie (${res.status})`);
  return c;
}

/** The password step of the staff sign-in, on a fresh sign-in form of the same process. */
async function passwordStep(origin: string, email: string, password: string): Promise<Response> {
  const page = await get(origin, '/staff/sign-in');
  return post(origin, '/staff/sign-in', { _form: hiddenField(await page.text(), '_form'), email, password });
}

/** One unseal attempt through /staff/unseal, on a fresh form of the same process. */
async function unsealAttempt(origin: string, passphrase: string): Promise<Response> {
  const page = await get(origin, '/staff/unseal');
  return post(origin, '/staff/unseal', { _form: hiddenField(await page.text(), '_form'), holder: ANA.name, passphrase });
}

/** Runs the `haven` command (bin/haven.js, as an operator would) to its end. */
function havenCommand(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'haven.js'), ...args], {
      cwd: projectRoot(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe.skipIf(!postgres.available)('two haven serve processes on one PostgreSQL', () => {
  let h: Harness;
  let a: HavenProcess;
  let b: HavenProcess;
  let shared: Record<string, string>;
  const dirs: string[] = [];
  const staff = { email: 'amal.scale@example.org', totpSecret: '' };
  const guessed = { email: 'diego.scale@example.org' };
  /** When the unseal wait that the first test starts is over (the processes' real clock). */
  let unsealRetryAt = 0;

  /** A DATA_DIR of its own (backup keys and deletion lists), as every process has. */
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'haven-scale-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    h = await createHarness(postgres);
    // The processes run on the real clock; what the harness writes must not be in their future.
    h.clock.ms = Date.now();
    staff.totpSecret = (
      await createActiveUser(h.deps, { email: staff.email, role: 'handler', displayName: 'Amal', password: TEST_PASSWORD })
    ).totpSecret;
    await createActiveUser(h.deps, { email: guessed.email, role: 'handler', displayName: 'Diego', password: TEST_PASSWORD });
    // Sealed mode, so that the unseal throttle (shared) and the unsealed key (per process) show.
    await sealInit(h.deps, [ANA], TEST_PASSPHRASE_LIMITS);
    shared = {
      DATABASE_URL: h.databaseUrl!,
      HAVEN_MASTER_KEY: h.masterKey.toString('hex'),
      HAVEN_SEALED: 'true',
      INTAKE_BUDGET_PER_HOUR: String(BUDGET),
      INTAKE_MIN_FILL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    };
    [a, b] = await Promise.all([startHaven({ ...shared, DATA_DIR: dataDir() }), startHaven({ ...shared, DATA_DIR: dataDir() })]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await h?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('counts unseal attempts on both: one derivation at a time, and the wait after a failure holds on both', async () => {
    const wrong = await Promise.all([a, b].map((p) => unsealAttempt(p.origin, 'a wrong passphrase, on two processes')));
    expect(wrong.map((r) => r.status).sort()).toEqual([401, 429]);
    // The wait after the failure holds on both processes, even for the right passphrase.
    const right = await Promise.all([a, b].map((p) => unsealAttempt(p.origin, ANA.passphrase)));
    expect(right.map((r) => r.status)).toEqual([429, 429]);
    const wait = Math.max(...right.map((r) => Number(r.headers.get('retry-after'))));
    expect(wait).toBeGreaterThanOrEqual(1);
    unsealRetryAt = Date.now() + wait * 1000;
    const failed = await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'vault.unseal_failed').execute();
    expect(failed).toHaveLength(1);
  });

  it('runs a scheduled job once when `haven jobs run-due` runs twice at the same time', async () => {
    // The servers' own workers tick once as they start (then every minute, after this test):
    // once no job is held any more, every job is made due again for the two commands.
    await expect
      .poll(async () => (await h.deps.db.selectFrom('jobs').select('name').where('locked_until', '>', 0).execute()).length, {
        timeout: 20_000,
      })
      .toBe(0);
    await h.deps.db.updateTable('jobs').set({ next_run_at: 0 }).execute();
    const runs = await Promise.all([0, 1].map(() => havenCommand(['jobs', 'run-due'], { ...shared, DATA_DIR: dataDir() })));
    for (const r of runs) expect(r.code, r.out).toBe(0);
    const outcomes = new Map<string, string[]>();
    for (const r of runs) {
      for (const m of r.out.matchAll(/^([\w.-]+): (done|failed|not_due|locked)/gm)) {
        outcomes.set(m[1]!, [...(outcomes.get(m[1]!) ?? []), m[2]!]);
      }
    }
    const jobs = await h.deps.db.selectFrom('jobs').selectAll().execute();
    expect(jobs.length).toBeGreaterThan(0);
    expect([...outcomes.keys()].sort()).toEqual(jobs.map((j) => j.name).sort());
    for (const [name, seen] of outcomes) {
      // One of the two ran it; the other found it held (locked) or already done (not_due).
      expect(seen.filter((o) => o === 'done'), `${name}: ${seen.join(', ')}`).toHaveLength(1);
      expect(seen.filter((o) => o !== 'done').every((o) => o === 'locked' || o === 'not_due'), `${name}: ${seen.join(', ')}`).toBe(true);
    }
    for (const j of jobs) {
      expect(j.last_run_at, j.name).not.toBeNull();
      expect(j.locked_until, j.name).toBe(0);
      expect(j.last_error, j.name).toBeNull();
    }
  }, 60_000);

  it('shares the hourly intake budget: requests accepted on both add up to it, the rest wait as suspected spam', async () => {
    // While sealed, the public form works. Each form is shown by one process and sent to the
    // other, as a proxy without sticky sessions may do.
    const sent: { by: 'a' | 'b'; receipt: string }[] = [];
    for (let i = 0; i < BUDGET + 2; i++) {
      const [shows, takes, by] = i % 2 === 0 ? ([a, b, 'b'] as const) : ([b, a, 'a'] as const);
      const page = await get(shows.origin, '/request');
      const res = await post(takes.origin, '/request', { _csrf: tokenIn(await page.text()), ...REQUEST_ANSWERS });
      const html = await res.text();
      expect(res.status, html.slice(0, 500)).toBe(201);
      sent.push({ by, receipt: receiptIn(html) });
    }
    const cases = await h.deps.db.selectFrom('cases').select(['id', 'receipt_hash', 'suspected_spam', 'spam_reason']).orderBy('id').execute();
    expect(cases).toHaveLength(BUDGET + 2);
    const byHash = new Map(cases.map((c) => [c.receipt_hash, c]));
    const accepted = { a: 0, b: 0 };
    for (const s of sent) {
      const c = byHash.get(h.deps.vault.keyedHash('receipt', normalizeReceipt(s.receipt)!))!;
      if (c.suspected_spam === 0) accepted[s.by] += 1;
    }
    expect(accepted.a).toBeGreaterThan(0);
    expect(accepted.b).toBeGreaterThan(0);
    expect(accepted.a + accepted.b).toBe(BUDGET);
    // The first BUDGET in the order they arrived, whichever process took them.
    expect(cases.map((c) => c.suspected_spam)).toEqual([...Array<number>(BUDGET).fill(0), 1, 1]);
    expect(cases.slice(BUDGET).map((c) => c.spam_reason)).toEqual(['over_budget', 'over_budget']);
  });

  it('holds the unsealed key in each process: unsealing one leaves the other sealed until it is unsealed too', async () => {
    // What is left of the wait the first test started, on the processes' clock.
    const left = unsealRetryAt - Date.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    const first = await unsealAttempt(a.origin, ANA.passphrase);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/staff/sign-in');
    // The other process still has no key: its staff pages give way to the unseal form.
    const other = await get(b.origin, '/staff/sign-in');
    expect(other.status).toBe(303);
    expect(other.headers.get('location')).toBe('/staff/unseal');
    expect((await unsealAttempt(b.origin, ANA.passphrase)).status).toBe(303);
    expect((await get(b.origin, '/staff/sign-in')).status).toBe(200);
    const unsealed = await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'vault.unsealed').execute();
    expect(unsealed).toHaveLength(2);
  });

  it('carries a staff session across processes: password on one, code on the other, signed out everywhere at once', async () => {
    const first = await passwordStep(a.origin, staff.email, TEST_PASSWORD);
    expect(first.status).toBe(303);
    const partial = staffCookie(first);
    const codePage = await get(b.origin, '/staff/sign-in/second-factor', partial);
    expect(codePage.status).toBe(200);
    const second = await post(
      b.origin,
      '/staff/sign-in/second-factor',
      { _csrf: hiddenField(await codePage.text(), '_csrf'), code: totpNow(staff.totpSecret, Date.now()) },
      partial,
    );
    expect(second.status).toBe(303);
    const cookie = staffCookie(second);
    for (const p of [a, b]) {
      const account = await get(p.origin, '/staff/account', cookie);
      expect(account.status, p.origin).toBe(200);
      expect(await account.text()).toContain(staff.email);
    }
    const page = await get(a.origin, '/staff/account', cookie);
    const out = await post(b.origin, '/staff/sign-out', { _csrf: hiddenField(await page.text(), '_csrf') }, cookie);
    expect(out.status).toBe(303);
    const after = await get(a.origin, '/staff/account', cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/staff/sign-in');
  });

  it(`adds up failed sign-ins on both: ${FREE_FAILURES} wrong passwords split between them lock the address as on one`, async () => {
    for (let i = 0; i < FREE_FAILURES; i++) {
      const p = i % 2 === 0 ? a : b;
      expect((await passwordStep(p.origin, guessed.email, `wrong guess ${i}`)).status, `guess ${i}`).toBe(401);
    }
    // Locked on both: even the right password is refused unchecked.
    for (const p of [a, b]) expect((await passwordStep(p.origin, guessed.email, TEST_PASSWORD)).status, p.origin).toBe(429);
    const user = await h.deps.db.selectFrom('users').select('id').where('email', '=', guessed.email).executeTakeFirstOrThrow();
    const audit = await h.deps.db.selectFrom('audit_log').select('action').where('action', 'like', 'account.%').where('detail', 'like', `%${user.id}%`).execute();
    expect(audit.filter((x) => x.action === 'account.sign_in_failed')).toHaveLength(FREE_FAILURES);
    expect(audit.filter((x) => x.action === 'account.locked')).toHaveLength(1);
  });

  // An event delivered once across processes: test/scale-out-events.postgres.test.ts, with two
  // worker processes dispatching the same outbox (no module subscribes to events yet, so two
  // `haven serve` would have nothing to deliver).
});
