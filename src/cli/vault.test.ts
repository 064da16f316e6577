import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type Config } from '../config/index.js';
import { addRequesterMessage, purgeCasePersonalData, submitRequest } from '../modules/cases/index.js';
import { createActiveUser } from '../modules/accounts/index.js';
import { openVault, unseal } from '../modules/vault/index.js';
import { NO_WAIT } from '../modules/vault/vault.test-helpers.js';
import { UNSEAL_GUARD_KEY } from '../modules/vault/throttle.js';
import { resetAttempts } from '../platform/throttle/attempts.js';
import { DecryptionError, TEST_PASSPHRASE_LIMITS, wrapInfo } from '../platform/crypto/vault.js';
import { openRuntime } from '../runtime.js';
import { engines } from '../../test/engines.js';
import { createHarness, restartHarness, type Harness } from '../../test/harness.js';
import { signInAs, signInWith } from '../../test/staff-session.js';
import type { Io } from './backup.js';
import { buildCli } from './index.js';
import {
  readSecretLines,
  runHolderAdd,
  runHolderRemove,
  runSealInit,
  runSealOff,
  runUnseal,
  vaultCommands,
} from './vault.js';
import { ANA, BO, plainRequest, SEALED } from '../modules/vault/vault.test-helpers.js';

/**
 * The sealed-mode commands as an operator runs them: seal-init on an instance with data, unseal
 * against a server listening on 127.0.0.1, holders added and removed; each with the output and
 * exit code the operator sees, on both engines.
 */

const CY = { name: 'cy', passphrase: 'harbour violet engine 2291' };
const MARKER = 'MARKER-cli-5e1d-detained-at-border';

/** An Io that keeps what a command prints. */
function capture(): Io & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    text: () => [...lines, ...errors].join('\n'),
  };
}

/** The configuration a `haven` process would read for this harness's instance. */
function cliConfig(h: Harness, env: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: h.dataDir,
    DATABASE_URL: h.databaseUrl,
    HAVEN_MASTER_KEY: h.masterKey.toString('hex'),
    ...env,
  });
}

/**
 * Lets the next unseal attempt start at once, as if the wait after a wrong passphrase had
 * passed: the commands run on the real clock, which tests do not wait for.
 */
async function forgetUnsealAttempts(h: Harness): Promise<void> {
  await resetAttempts(h.deps.db, UNSEAL_GUARD_KEY);
}

/** Where the harness's app listens on 127.0.0.1 (a free port). */
async function listen(h: Harness): Promise<{ origin: string; port: number }> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, port };
}

async function audit(h: Harness, prefix: string) {
  const rows = await h.deps.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('action', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ action: r.action, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null }));
}

/** Whether a freshly started (sealed) vault opens with this holder's passphrase. */
async function unsealsFresh(h: Harness, who: { name: string; passphrase: string }): Promise<boolean> {
  await forgetUnsealAttempts(h);
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: h.dataDir, ...SEALED });
  const vault = await openVault({ db: h.deps.db, config, now: h.clock.now, dialect: h.deps.dialect }, h.masterKey);
  expect(vault.sealed).toBe(true);
  const res = await unseal({ ...h.deps, config, vault }, { holder: who.name, passphrase: who.passphrase }, NO_WAIT);
  return res.ok && !vault.sealed;
}

/** Every row seal-off may change, to show that a refused run changed none of them. */
async function vaultRows(h: Harness) {
  const db = h.deps.db;
  return {
    cases: await db.selectFrom('cases').select(['id', 'key_wrapped']).orderBy('id').execute(),
    users: await db.selectFrom('users').select(['id', 'totp_secret_enc']).orderBy('id').execute(),
    messages: await db.selectFrom('messages').select(['id', 'body_enc', 'sealed_to_key']).orderBy('id').execute(),
    keys: await db.selectFrom('vault_keys').selectAll().orderBy('id').execute(),
    holders: await db.selectFrom('unseal_holders').selectAll().orderBy('key_id').orderBy('holder').execute(),
  };
}


describe('the sealed-mode command line', () => {
  it('keeps its documented names and options, and takes no passphrase as an argument', () => {
    const shape = (c: ReturnType<typeof vaultCommands>[number]): unknown => ({
      name: c.name(),
      options: c.options.map((o) => `${o.flags}${o.mandatory ? ' (required)' : ''}`),
      ...(c.commands.length ? { commands: c.commands.map(shape) } : {}),
    });
    expect(vaultCommands().map(shape)).toEqual([
      { name: 'seal-init', options: ['--holder <name>'] },
      { name: 'unseal', options: ['--holder <name> (required)', '--url <url>'] },
      {
        name: 'seal-holder',
        options: [],
        commands: [
          { name: 'add', options: ['--holder <name> (required)', '--as <name> (required)'] },
          { name: 'remove', options: ['--holder <name> (required)', '--as <name> (required)'] },
        ],
      },
      { name: 'seal-off', options: ['--as <name> (required)'] },
    ]);
    // --holder repeats for seal-init.
    const init = vaultCommands()[0]!;
    init.action(() => undefined);
    init.parse(['--holder', 'ana', '--holder', 'bo'], { from: 'user' });
    expect(init.opts()).toEqual({ holder: ['ana', 'bo'] });
  });
});

describe('readSecretLines', () => {
  it('reads one line per prompt from a piped stream, without prompting, across chunks and CRLF', async () => {
    const input = Readable.from(['river stone ', 'lantern 4812\r\nquiet orchard', ' copper 7731\nleft over\n']);
    const prompt = new PassThrough();
    const shown: string[] = [];
    prompt.on('data', (c: Buffer) => shown.push(c.toString()));
    const lines = await readSecretLines(['Unseal passphrase for ana', 'Unseal passphrase for bo'], { input, prompt });
    expect(lines).toEqual([ANA.passphrase, BO.passphrase]);
    expect(shown).toEqual([]);
  });

  it('says which prompt standard input did not answer', async () => {
    const input = Readable.from(['only one line\n']);
    await expect(
      readSecretLines(['Unseal passphrase for ana', 'New passphrase for cy'], { input, prompt: new PassThrough() }),
    ).rejects.toThrow('standard input ended before: New passphrase for cy');
  });

  it('on a terminal prompts on the prompt stream and never echoes the passphrase', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const prompt = new PassThrough();
    let shown = '';
    prompt.on('data', (c: Buffer) => (shown += c.toString()));
    const reading = readSecretLines(['Unseal passphrase for ana'], { input, prompt });
    input.write(`${ANA.passphrase}\r`);
    expect(await reading).toEqual([ANA.passphrase]);
    expect(shown).toContain('Unseal passphrase for ana: ');
    expect(shown).not.toContain('river');
  });

  it('on a terminal asks for a new passphrase twice and refuses two different entries', async () => {
    const fresh = { text: 'Unseal passphrase for ana', fresh: true } as const;
    const tty = () => Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const input = tty();
    let shown = '';
    const prompt = new PassThrough();
    prompt.on('data', (c: Buffer) => (shown += c.toString()));
    const reading = readSecretLines([fresh, 'Other'], { input, prompt });
    input.write(`${ANA.passphrase}\r${ANA.passphrase}\rsecond\r`);
    expect(await reading).toEqual([ANA.passphrase, 'second']);
    expect(shown).toContain('Unseal passphrase for ana (again): ');
    expect(shown).not.toContain('river');

    const typo = tty();
    const refused = readSecretLines([fresh], { input: typo, prompt: new PassThrough() });
    typo.write(`${ANA.passphrase}\r${ANA.passphrase}x\r`);
    await expect(refused).rejects.toThrow(/differ: nothing was changed/);

    // Piped input (no terminal) gives each passphrase once, as scripts expect.
    const piped = new PassThrough();
    const once = readSecretLines([fresh, 'Other'], { input: piped, prompt: new PassThrough() });
    piped.end(`${ANA.passphrase}\nsecond\n`);
    expect(await once).toEqual([ANA.passphrase, 'second']);
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`sealed-mode commands on ${engine.name}`, () => {
    let h: Harness;
    afterEach(async () => {
      await h?.close();
    });

    it('haven migrate brings a fresh database up before anything reads the vault\'s tables', async () => {
      const db = await engine.create();
      const saved = { ...process.env };
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        Object.assign(process.env, { DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' });
        if (db.url) process.env.DATABASE_URL = db.url;
        else delete process.env.DATABASE_URL;
        await buildCli().parseAsync(['node', 'haven', 'migrate']);
        expect(log.mock.calls[0]?.[0]).toMatch(/^applied: .*vault-keys/);
        await buildCli().parseAsync(['node', 'haven', 'migrate']);
        expect(log.mock.calls[1]?.[0]).toBe('the database is up to date');
      } finally {
        log.mockRestore();
        process.env = saved;
        await db.dispose();
      }
    });

    it('seal-init converts an instance with a case, prints the counts, and refuses a second time', async () => {
      h = await createHarness(engine);
      const { caseId } = await submitRequest(h.deps, plainRequest(`Laptop seized ${MARKER}`));
      await createActiveUser(h.deps, {
        email: 'early@example.org',
        role: 'handler',
        displayName: 'Early',
        password: 'correct horse battery staple',
      });

      const io = capture();
      const code = await runSealInit(cliConfig(h), { holder: ['ana', 'bo'] }, [ANA.passphrase, BO.passphrase], io, TEST_PASSPHRASE_LIMITS);
      expect(code, io.text()).toBe(0);
      expect(io.lines[0]).toMatch(/^sealed mode initialised: key \d+, 1 case keys and 1 second factors re-wrapped in \d+ ms$/);
      expect(io.lines[1]).toContain('HAVEN_SEALED=true');
      expect(io.text()).not.toContain(ANA.passphrase);
      expect((await audit(h, 'vault.sealed_mode')).map((a) => a.detail)).toEqual([
        expect.objectContaining({ holders: 2, caseKeys: 1, staffSecrets: 1 }),
      ]);

      // A second run refuses, in words, and changes nothing.
      const again = capture();
      expect(await runSealInit(cliConfig(h), { holder: ['cy'] }, [CY.passphrase], again, TEST_PASSPHRASE_LIMITS)).toBe(1);
      expect(again.errors).toEqual([expect.stringContaining('this instance is in sealed mode (haven seal-init ran)')]);
      expect(again.lines).toEqual([]);
      expect(await h.deps.db.selectFrom('unseal_holders').select('holder').distinct().orderBy('holder').execute()).toEqual([
        { holder: 'ana' },
        { holder: 'bo' },
      ]);

      // The case written before sealing reads again after an unseal with either passphrase.
      h = await restartHarness(h, SEALED);
      const { origin } = await listen(h);
      const un = capture();
      expect(await runUnseal(cliConfig(h, SEALED), { holder: 'bo', url: origin }, [BO.passphrase], un), un.text()).toBe(0);
      const handler = await signInAs(h, 'handler');
      const view = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: handler.cookie } });
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain(MARKER);
    });

    it('seal-init refuses no holder, a short passphrase, a bad name, duplicates and missing lines, and stays in the default mode', async () => {
      h = await createHarness(engine);
      const cases: [{ holder: string[] }, string[], string][] = [
        [{ holder: [] }, [], 'name at least one --holder'],
        [{ holder: ['ana'] }, ['too short'], 'A passphrase has between 12 and 1024 characters.'],
        [{ holder: ['-ana'] }, [ANA.passphrase], 'A holder name has 1 to 64 letters'],
        [{ holder: ['ana', 'ana'] }, [ANA.passphrase, BO.passphrase], 'There is already a holder with that name.'],
        [{ holder: ['ana', 'bo'] }, [ANA.passphrase], 'standard input ended before: Unseal passphrase for bo'],
      ];
      for (const [opts, lines, message] of cases) {
        const io = capture();
        expect(await runSealInit(cliConfig(h), opts, lines, io, TEST_PASSPHRASE_LIMITS), message).toBe(1);
        expect(io.errors.join('\n')).toContain(message);
        expect(io.lines).toEqual([]);
      }
      expect(await h.deps.db.selectFrom('vault_keys').select('id').execute()).toEqual([]);
      expect(await h.deps.db.selectFrom('unseal_holders').select('holder').execute()).toEqual([]);
    });

    it('unseal posts the running server\'s form: a wrong passphrase fails and is audited, the right one unseals, then "not sealed"', async () => {
      h = await createHarness(engine);
      expect(await runSealInit(cliConfig(h), { holder: ['ana'] }, [ANA.passphrase], capture(), TEST_PASSPHRASE_LIMITS)).toBe(0);
      h = await restartHarness(h, SEALED);
      const { origin, port } = await listen(h);
      // Without --url it finds the server from the configuration (HOST and PORT), on 127.0.0.1.
      const config = cliConfig(h, { ...SEALED, HOST: '0.0.0.0', PORT: String(port) });

      const wrong = capture();
      expect(await runUnseal(config, { holder: 'ana' }, ['not the passphrase at all'], wrong)).toBe(1);
      expect(wrong.errors.join('\n')).toContain('did not unseal');
      expect(wrong.lines).toEqual([]);
      expect(h.deps.vault.sealed).toBe(true);
      const failed = await audit(h, 'vault.unseal');
      expect(failed).toEqual([{ action: 'vault.unseal_failed', detail: { holder: 'ana', failures: 1 } }]);
      expect(JSON.stringify(failed)).not.toContain('not the passphrase');
      expect((await fetch(`${origin}/staff/sign-in`, { redirect: 'manual' })).headers.get('location')).toBe('/staff/unseal');

      // Straight after a failure the server refuses to check another attempt, and says when to try.
      const early = capture();
      expect(await runUnseal(config, { holder: 'ana' }, [ANA.passphrase], early)).toBe(1);
      expect(early.errors).toEqual(['not checked: another unseal attempt is running, or a wrong passphrase was entered just before; try again in 1 second']);
      expect(h.deps.vault.sealed).toBe(true);
      h.clock.advance(1000);
      const right = capture();
      expect(await runUnseal(config, { holder: 'ana' }, [ANA.passphrase], right), right.text()).toBe(0);
      expect(right.lines).toEqual([expect.stringMatching(/^Haven is unsealed \(\d+ ms\)\.$/)]);
      expect(h.deps.vault.sealed).toBe(false);
      expect((await audit(h, 'vault.unseal')).map((a) => a.action)).toEqual(['vault.unseal_failed', 'vault.unsealed']);
      const signIn = await fetch(`${origin}/staff/sign-in`, { redirect: 'manual' });
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).toContain('name="password"');

      // An empty line is refused by the form before any passphrase work.
      h = await restartHarness(h, SEALED);
      const again = await listen(h);
      const empty = capture();
      expect(await runUnseal(config, { holder: 'ana', url: again.origin }, [''], empty)).toBe(1);
      expect(empty.errors).toEqual(['Haven refused the form: the holder name or the passphrase is empty or too long']);
      expect(h.deps.vault.sealed).toBe(true);
      expect(await runUnseal(config, { holder: 'ana', url: again.origin }, [ANA.passphrase], capture())).toBe(0);

      const twice = capture();
      expect(await runUnseal(config, { holder: 'ana', url: `${again.origin}/` }, [ANA.passphrase], twice)).toBe(0);
      expect(twice.lines).toEqual(['Haven is not sealed.']);
    });

    it('unseal says so when nothing listens, or no passphrase came on standard input', async () => {
      h = await createHarness(engine);
      const { origin } = await listen(h);
      await h.app.close();
      const io = capture();
      expect(await runUnseal(cliConfig(h), { holder: 'ana', url: origin }, [ANA.passphrase], io)).toBe(1);
      expect(io.errors).toEqual([expect.stringMatching(new RegExp(`^could not reach Haven at ${origin}: .*ECONNREFUSED`))]);
      const none = capture();
      expect(await runUnseal(cliConfig(h), { holder: 'ana', url: origin }, [], none)).toBe(1);
      expect(none.errors).toEqual(['standard input ended before: Unseal passphrase for ana']);
    });

    it('seal-holder add lets the new holder unseal and is audited; remove stops a holder, never the last', async () => {
      h = await createHarness(engine);
      expect(await runSealInit(cliConfig(h), { holder: ['ana', 'bo'] }, [ANA.passphrase, BO.passphrase], capture(), TEST_PASSPHRASE_LIMITS)).toBe(0);
      const config = cliConfig(h, SEALED);
      expect(await unsealsFresh(h, CY)).toBe(false);

      // A wrong passphrase for --as changes nothing.
      const refused = capture();
      expect(await runHolderAdd(config, { holder: 'cy', as: 'ana' }, [BO.passphrase, CY.passphrase], refused, TEST_PASSPHRASE_LIMITS)).toBe(1);
      expect(refused.errors.join('\n')).toContain('did not unseal');
      expect(await unsealsFresh(h, CY)).toBe(false);
      await forgetUnsealAttempts(h);

      const add = capture();
      expect(await runHolderAdd(config, { holder: 'cy', as: 'ana' }, [ANA.passphrase, CY.passphrase], add, TEST_PASSPHRASE_LIMITS), add.text()).toBe(0);
      expect(add.lines).toEqual(['cy can now unseal Haven.']);
      expect(await unsealsFresh(h, CY)).toBe(true);
      expect((await audit(h, 'vault.holder')).map((a) => [a.action, a.detail])).toEqual([
        ['vault.holder_added', { holder: 'cy', by: 'ana' }],
      ]);
      const taken = capture();
      expect(await runHolderAdd(config, { holder: 'cy', as: 'bo' }, [BO.passphrase, CY.passphrase], taken, TEST_PASSPHRASE_LIMITS)).toBe(1);
      expect(taken.errors).toEqual(['There is already a holder with that name.']);

      const remove = capture();
      expect(await runHolderRemove(config, { holder: 'bo', as: 'cy' }, [CY.passphrase], remove), remove.text()).toBe(0);
      expect(remove.lines).toEqual(['bo can no longer unseal Haven.']);
      expect(await unsealsFresh(h, BO)).toBe(false);
      expect(await unsealsFresh(h, ANA)).toBe(true);
      const unknown = capture();
      expect(await runHolderRemove(config, { holder: 'bo', as: 'cy' }, [CY.passphrase], unknown)).toBe(1);
      expect(unknown.errors).toEqual(['There is no holder with that name.']);

      expect(await runHolderRemove(config, { holder: 'ana', as: 'cy' }, [CY.passphrase], capture())).toBe(0);
      const last = capture();
      expect(await runHolderRemove(config, { holder: 'cy', as: 'cy' }, [CY.passphrase], last)).toBe(1);
      expect(last.errors).toEqual([expect.stringContaining('This is the last holder')]);
      expect(await unsealsFresh(h, CY)).toBe(true);
      expect((await audit(h, 'vault.holder')).map((a) => a.action)).toEqual([
        'vault.holder_added',
        'vault.holder_removed',
        'vault.holder_removed',
      ]);

      // Without HAVEN_SEALED=true the holder commands refuse in words, not with a stack trace.
      const plain = capture();
      expect(await runHolderRemove(cliConfig(h), { holder: 'cy', as: 'cy' }, [CY.passphrase], plain)).toBe(1);
      expect(plain.errors).toEqual([expect.stringContaining('HAVEN_SEALED=true')]);
    });

    it('seal-off: a wrong passphrase changes nothing; the right one returns every case and second factor to the key file, and seal-init works again', async () => {
      h = await createHarness(engine);
      const before = await submitRequest(h.deps, plainRequest(`Written before sealing ${MARKER}`));
      const shredded = await submitRequest(h.deps, plainRequest('MARKER-shredded-9a0c'));
      const staff = await signInAs(h, 'handler');
      expect(await runSealInit(cliConfig(h), { holder: ['ana', 'bo'] }, [ANA.passphrase, BO.passphrase], capture(), TEST_PASSPHRASE_LIMITS)).toBe(0);
      const firstKey = (await h.deps.db.selectFrom('vault_keys').select('id').executeTakeFirstOrThrow()).id;

      // While sealed: a new case, a follow-up on the old one, and a case shredded.
      h = await restartHarness(h, SEALED);
      const during = await submitRequest(h.deps, plainRequest('MARKER-written-while-sealed-case-51f2'));
      await addRequesterMessage(h.deps, before.caseId, 'MARKER-follow-up-while-sealed-07be');
      expect(await purgeCasePersonalData(h.deps, shredded.caseId, { kind: 'requester' })).toBe('purged');
      expect(
        await h.deps.db.selectFrom('messages').select('sealed_to_key').where('sealed_to_key', 'is not', null).execute(),
      ).toEqual([{ sealed_to_key: firstKey }]);

      // A wrong passphrase is refused and audited, and changes no row.
      const rows = await vaultRows(h);
      const wrong = capture();
      expect(await runSealOff(cliConfig(h, SEALED), { as: 'bo' }, ['not the passphrase at all'], wrong)).toBe(1);
      expect(wrong.errors).toEqual([expect.stringContaining('did not unseal')]);
      expect(wrong.lines).toEqual([]);
      await forgetUnsealAttempts(h);
      expect(await vaultRows(h)).toEqual(rows);
      expect(await audit(h, 'vault.')).toEqual([
        { action: 'vault.sealed_mode_initialised', detail: expect.anything() },
        { action: 'vault.unseal_failed', detail: { holder: 'bo', failures: 1 } },
      ]);
      const none = capture();
      expect(await runSealOff(cliConfig(h, SEALED), { as: 'bo' }, [], none)).toBe(1);
      expect(none.errors).toEqual(['standard input ended before: Unseal passphrase for bo']);

      // The right one, even with HAVEN_SEALED already gone from the environment.
      const off = capture();
      expect(await runSealOff(cliConfig(h), { as: 'bo' }, [BO.passphrase], off), off.text()).toBe(0);
      expect(off.lines[0]).toMatch(
        new RegExp(
          `^sealed mode left in \\d+ ms: 2 case keys and 1 second factors re-wrapped to the master key's keypair \\(key 0\\), 0 messages moved under their case keys; sealed key ${firstKey} retired, 2 holders removed$`,
        ),
      );
      expect(off.lines[1]).toContain('from now on HAVEN_MASTER_KEY can read every case again');
      expect(off.lines[2]).toContain('start Haven without HAVEN_SEALED');
      expect(off.text()).not.toContain(BO.passphrase);
      const left = (await audit(h, 'vault.')).slice(2);
      expect(left).toEqual([
        { action: 'vault.unsealed', detail: { holder: 'bo', keys: 1 } },
        { action: 'vault.sealed_messages_moved', detail: { messages: 1 } },
        {
          action: 'vault.sealed_mode_left',
          detail: { by: 'bo', caseKeys: 2, staffSecrets: 1, messages: 0, moduleData: 0, retired: String(firstKey), holders: 2 },
        },
      ]);
      expect(await h.deps.db.selectFrom('unseal_holders').selectAll().execute()).toEqual([]);
      const keys = await h.deps.db.selectFrom('vault_keys').select(['id', 'retired_at']).execute();
      expect(keys).toEqual([{ id: firstKey, retired_at: expect.anything() }]);
      expect(keys.every((k) => k.retired_at !== null)).toBe(true);
      const wraps = await h.deps.db.selectFrom('cases').select(['id', 'key_wrapped']).orderBy('id').execute();
      expect(wraps.map((c) => [c.id, wrapInfo(c.key_wrapped)])).toEqual([
        [before.caseId, { version: 2, keyId: 0 }],
        [shredded.caseId, { version: 0 }],
        [during.caseId, { version: 2, keyId: 0 }],
      ]);

      // Started without HAVEN_SEALED: the handler signs in with their second factor and reads every case.
      h = await restartHarness(h);
      expect(h.deps.vault.sealedMode).toBe(false);
      h.clock.advance(60_000); // a fresh code: the one used at the first sign-in cannot be replayed
      const session = await signInWith(h, staff);
      for (const [caseId, texts] of [
        [before.caseId, [MARKER, 'MARKER-follow-up-while-sealed-07be']],
        [during.caseId, ['MARKER-written-while-sealed-case-51f2']],
      ] as const) {
        const view = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: session.cookie } });
        expect(view.statusCode).toBe(200);
        for (const text of texts) expect(view.body).toContain(text);
      }
      // The shredded case stays shredded.
      const gone = await h.app.inject({ url: `/staff/cases/${shredded.caseId}`, headers: { cookie: session.cookie } });
      expect(gone.body).not.toContain('MARKER-shredded-9a0c');
      expect(() => h.deps.vault.caseKey(shredded.caseId, wraps[1]!.key_wrapped)).toThrow(DecryptionError);

      // Started with HAVEN_SEALED=true: refused, in words.
      await expect(openRuntime(cliConfig(h, SEALED), { migrate: false })).rejects.toThrow(
        /HAVEN_SEALED is true but this instance is not in sealed mode: run `haven seal-init` first/,
      );
      const unsealed = capture();
      expect(await runHolderRemove(cliConfig(h, SEALED), { holder: 'ana', as: 'bo' }, [BO.passphrase], unsealed)).toBe(1);
      expect(unsealed.errors).toEqual([expect.stringContaining('not in sealed mode')]);

      // A second seal-off has nothing to leave.
      const again = capture();
      expect(await runSealOff(cliConfig(h, SEALED), { as: 'bo' }, [BO.passphrase], again)).toBe(1);
      expect(again.errors).toEqual([
        'this instance is not in sealed mode: there is nothing to leave (haven seal-off undoes haven seal-init)',
      ]);

      // Sealing again works, with a key id never used before, and new holders only.
      const init = capture();
      expect(await runSealInit(cliConfig(h), { holder: ['cy'] }, [CY.passphrase], init, TEST_PASSPHRASE_LIMITS), init.text()).toBe(0);
      const live = await h.deps.db.selectFrom('vault_keys').select('id').where('retired_at', 'is', null).execute();
      expect(live).toEqual([{ id: expect.any(Number) }]);
      expect(live[0]!.id).toBeGreaterThan(firstKey);
      expect(init.lines[0]).toMatch(new RegExp(`^sealed mode initialised: key ${live[0]!.id}, 2 case keys and 1 second factors`));
      expect(await unsealsFresh(h, BO)).toBe(false);
      expect(await unsealsFresh(h, CY)).toBe(true);
      h = await restartHarness(h, SEALED);
      expect(await unsealsFresh(h, CY)).toBe(true);
    });

    it('seal-off on an instance that was never sealed refuses, in words', async () => {
      h = await createHarness(engine);
      for (const env of [{}, SEALED]) {
        const io = capture();
        expect(await runSealOff(cliConfig(h, env), { as: 'ana' }, [ANA.passphrase], io)).toBe(1);
        expect(io.errors).toEqual([
          'this instance is not in sealed mode: there is nothing to leave (haven seal-off undoes haven seal-init)',
        ]);
        expect(io.lines).toEqual([]);
      }
      expect(await h.deps.db.selectFrom('audit_log').select('action').where('action', 'like', 'vault.%').execute()).toEqual([]);
    });
  });
}
