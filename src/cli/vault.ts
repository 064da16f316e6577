import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import {
  addHolder,
  leaveSealedMode,
  NotInSealedModeError,
  removeHolder,
  sealInit,
  unseal,
  VaultInputError,
  type PassphraseLimits,
} from '../modules/vault/index.js';
import { openRuntime, sharedI18n } from '../runtime.js';
import type { Io } from './backup.js';

/**
 * Sealed-mode commands (ADR 10). Passphrases come only from standard input, one per line (or
 * a hidden prompt per line on a terminal): never from arguments, which other users of the
 * machine can see in the process list, and never into any log.
 *
 * Each command is a function of the configuration, its options and the passphrase lines that
 * writes to an `Io` and returns the exit code, so tests run it without a terminal; the
 * commander actions only read standard input and call it.
 */

const terminal: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Where `readSecretLines` reads and prompts: standard input and standard error by default. */
export interface SecretStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  prompt: NodeJS.WritableStream;
}

/** A prompt for a passphrase; `fresh` marks a new one, typed twice on a terminal. */
export type SecretPrompt = string | { text: string; fresh: true };

/**
 * Reads one line per prompt from standard input; on a terminal, prompts on stderr without echo,
 * and asks for each new passphrase twice: a typo in a passphrase nobody has written down would
 * lock the case data away for good. Piped input gives each passphrase once.
 */
export async function readSecretLines(
  prompts: SecretPrompt[],
  streams: SecretStreams = { input: process.stdin, prompt: process.stderr },
): Promise<string[]> {
  const tty = streams.input.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) streams.prompt.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: streams.input, output: tty ? output : undefined, terminal: tty });
  const lines: string[] = [];
  const iter = rl[Symbol.asyncIterator]();
  try {
    const ask = async (prompt: string): Promise<string> => {
      if (tty) {
        streams.prompt.write(`${prompt}: `);
        muted = true;
      }
      const next = await iter.next();
      muted = false;
      if (tty) streams.prompt.write('\n');
      if (next.done) throw new Error(`standard input ended before: ${prompt}`);
      return String(next.value).replace(/\r$/, '');
    };
    for (const p of prompts) {
      const text = typeof p === 'string' ? p : p.text;
      const line = await ask(text);
      if (tty && typeof p !== 'string' && (await ask(`${text} (again)`)) !== line) {
        throw new Error(`the two entries of "${text}" differ: nothing was changed`);
      }
      lines.push(line);
    }
  } finally {
    rl.close();
  }
  return lines;
}

/** An error as one sentence for the terminal (English, like the rest of the CLI); never a stack. */
function explain(e: unknown): string {
  if (e instanceof VaultInputError) return sharedI18n().format('en', e.messageKey);
  return e instanceof Error ? e.message : String(e);
}

function localUrl(config: Config): string {
  const host = ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

type Runtime = Awaited<ReturnType<typeof openRuntime>>;

/**
 * Opens the runtime, runs `body` and closes it; any failure (opening included) is one line on
 * `io.err` and exit code 1. `explainOpen` words a failure to open for this command.
 */
async function withRuntime(
  config: Config,
  io: Io,
  body: (rt: Runtime) => Promise<number>,
  explainOpen: (e: unknown) => string = explain,
): Promise<number> {
  let rt: Runtime;
  try {
    rt = await openRuntime(config);
  } catch (e) {
    io.err(explainOpen(e));
    return 1;
  }
  try {
    return await body(rt);
  } catch (e) {
    io.err(explain(e));
    return 1;
  } finally {
    await rt.close();
  }
}

/** An unseal attempt the throttle refused to check (see modules/vault/throttle.ts). */
function notChecked(seconds: number): string {
  const wait = `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `not checked: another unseal attempt is running, or a wrong passphrase was entered just before; try again in ${wait}`;
}

/** Unseals this process's own copy of the vault (for holder changes, which only write rows). */
async function unsealHere(rt: Runtime, holder: string, passphrase: string): Promise<void> {
  if (!rt.config.sealed) throw new Error('HAVEN_SEALED is not true: holders exist only in sealed mode');
  const res = await unseal(rt, { holder, passphrase });
  if (res.ok) return;
  if (res.code === 'RATE_LIMITED') {
    throw new Error(notChecked(Math.max(1, Math.ceil((res.retryAt - rt.now()) / 1000))));
  }
  throw new Error(rt.i18n.format('en', 'vault.error.unseal_failed'));
}

/** The lines, or a message naming the first prompt standard input did not answer. */
function enough(lines: string[], prompts: SecretPrompt[], io: Io): boolean {
  if (lines.length >= prompts.length) return true;
  const missing = prompts[lines.length]!;
  io.err(`standard input ended before: ${typeof missing === 'string' ? missing : missing.text}`);
  return false;
}

/** An existing holder's passphrase: the one line unseal, seal-holder remove and seal-off read. */
const unsealPrompts = (holder: string): SecretPrompt[] => [`Unseal passphrase for ${holder}`];
const sealInitPrompts = (holders: string[]): SecretPrompt[] => holders.map((h) => ({ text: `Unseal passphrase for ${h}`, fresh: true }));
const addPrompts = (o: { holder: string; as: string }): SecretPrompt[] => [...unsealPrompts(o.as), { text: `New passphrase for ${o.holder}`, fresh: true }];

/**
 * `haven seal-init --holder A [--holder B…]`; one passphrase line per holder. `limits` is
 * argon2id's cost for the holders' passphrases: unset (the production default) except in tests.
 * Returns the exit code.
 */
export async function runSealInit(
  config: Config,
  o: { holder: string[] },
  passphrases: string[],
  io: Io = terminal,
  limits?: PassphraseLimits,
): Promise<number> {
  if (o.holder.length === 0) {
    io.err('name at least one --holder');
    return 1;
  }
  if (!enough(passphrases, sealInitPrompts(o.holder), io)) return 1;
  // The conversion runs from the default vault (the key file opens today's wraps).
  return withRuntime({ ...config, sealed: false }, io, async (rt) => {
    const started = Date.now();
    const res = await sealInit(
      rt,
      o.holder.map((name, i) => ({ name, passphrase: passphrases[i]! })),
      limits,
    );
    io.out(
      `sealed mode initialised: key ${res.keyId}, ${res.caseKeys} case keys and ${res.staffSecrets} second factors re-wrapped in ${Date.now() - started} ms`,
    );
    io.out('Now set HAVEN_SEALED=true and start Haven; unseal it after every start (haven unseal or /staff/unseal).');
    return 0;
  });
}

/** Why a request to Haven failed, in words (fetch's own message is only "fetch failed"). */
function unreachable(base: string, e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : explain(e);
  return `could not reach Haven at ${base}: ${cause}`;
}

/**
 * `haven unseal --holder A [--url U]`: posts the running server's own /staff/unseal form, so
 * the command line and the browser share one path (the same throttle and audit). Returns the
 * exit code.
 */
export async function runUnseal(
  config: Config,
  o: { holder: string; url?: string | undefined },
  lines: string[],
  io: Io = terminal,
): Promise<number> {
  const base = (o.url ?? localUrl(config)).replace(/\/$/, '');
  if (!enough(lines, unsealPrompts(o.holder), io)) return 1;
  const passphrase = lines[0]!;
  try {
    const page = await fetch(`${base}/staff/unseal`, { redirect: 'manual' });
    if (page.status === 303) {
      io.out('Haven is not sealed.');
      return 0;
    }
    const token = /name="_form" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!token) {
      io.err(`no unseal form at ${base}/staff/unseal (status ${page.status})`);
      return 1;
    }
    const started = Date.now();
    const res = await fetch(`${base}/staff/unseal`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _form: token, holder: o.holder, passphrase }).toString(),
    });
    if (res.status === 429) {
      io.err(notChecked(Number(res.headers.get('retry-after') ?? 1)));
      return 1;
    }
    if (res.status !== 303) {
      const why: Record<number, string> = {
        401: 'that holder name and passphrase did not unseal Haven',
        422: 'Haven refused the form: the holder name or the passphrase is empty or too long',
      };
      io.err(why[res.status] ?? `unseal failed with status ${res.status}`);
      return 1;
    }
    io.out(`Haven is unsealed (${Date.now() - started} ms).`);
    return 0;
  } catch (e) {
    io.err(unreachable(base, e));
    return 1;
  }
}

/**
 * `haven seal-holder add --holder B --as A`; lines: A's passphrase, then B's new one. `limits`
 * as for `runSealInit`. Returns the exit code.
 */
export async function runHolderAdd(
  config: Config,
  o: { holder: string; as: string },
  lines: string[],
  io: Io = terminal,
  limits?: PassphraseLimits,
): Promise<number> {
  if (!enough(lines, addPrompts(o), io)) return 1;
  const [mine, theirs] = lines as [string, string];
  return withRuntime(config, io, async (rt) => {
    await unsealHere(rt, o.as, mine);
    await addHolder(rt, { name: o.holder, passphrase: theirs, by: o.as }, limits);
    io.out(`${o.holder} can now unseal Haven.`);
    return 0;
  });
}

/** `haven seal-holder remove --holder B --as A`; lines: A's passphrase. Returns the exit code. */
export async function runHolderRemove(
  config: Config,
  o: { holder: string; as: string },
  lines: string[],
  io: Io = terminal,
): Promise<number> {
  if (!enough(lines, unsealPrompts(o.as), io)) return 1;
  const [mine] = lines as [string];
  return withRuntime(config, io, async (rt) => {
    await unsealHere(rt, o.as, mine);
    await removeHolder(rt, { name: o.holder, by: o.as });
    io.out(`${o.holder} can no longer unseal Haven.`);
    return 0;
  });
}

/**
 * `haven seal-off --as A`; lines: A's passphrase. Leaves sealed mode (run with Haven stopped):
 * unseals with A's passphrase (a wrong one is refused and audited, and changes nothing), then
 * in one transaction re-wraps every case key and second factor to the key file's keypair,
 * retires the sealed keys and deletes every holder. Returns the exit code.
 */
export async function runSealOff(
  config: Config,
  o: { as: string },
  lines: string[],
  io: Io = terminal,
): Promise<number> {
  if (!enough(lines, unsealPrompts(o.as), io)) return 1;
  const [mine] = lines as [string];
  // Sealed whatever the environment says: the operator may have removed HAVEN_SEALED already.
  const sealed = { ...config, sealed: true };
  const notSealed = (e: unknown) =>
    e instanceof NotInSealedModeError
      ? 'this instance is not in sealed mode: there is nothing to leave (haven seal-off undoes haven seal-init)'
      : explain(e);
  return withRuntime(
    sealed,
    io,
    async (rt) => {
      const started = Date.now();
      await unsealHere(rt, o.as, mine);
      const res = await leaveSealedMode(rt, { by: o.as });
      const key = config.masterKeyHex ? 'HAVEN_MASTER_KEY' : `the key file ${join(config.dataDir, 'keys', 'master.key')}`;
      const retired = `${res.retiredKeys.length === 1 ? 'key' : 'keys'} ${res.retiredKeys.join(', ')}`;
      io.out(
        `sealed mode left in ${Date.now() - started} ms: ${res.caseKeys} case keys and ${res.staffSecrets} second factors re-wrapped to the master key's keypair (key 0), ${res.messages} messages moved under their case keys; sealed ${retired} retired, ${res.holders} holders removed`,
      );
      io.out(`Warning: from now on ${key} can read every case again; whoever holds it and the database can read them all. Guard it as you guard the database.`);
      io.out('Next: start Haven without HAVEN_SEALED (remove HAVEN_SEALED=true from its environment); nobody needs to unseal it any more. To seal it again later, run haven seal-init.');
      return 0;
    },
    notSealed,
  );
}

/** Reads the passphrase lines from standard input, then runs the command and sets the exit code. */
async function fromStdin(prompts: SecretPrompt[], run: (lines: string[]) => Promise<number>): Promise<void> {
  let lines: string[];
  try {
    lines = await readSecretLines(prompts);
  } catch (e) {
    terminal.err(explain(e));
    process.exitCode = 1;
    return;
  }
  process.exitCode = await run(lines);
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `haven seal-init`, `haven unseal`, `haven seal-holder add|remove`, `haven seal-off`. */
export function vaultCommands(): Command[] {
  const init = new Command('seal-init')
    .description('switch this instance to sealed mode (run with Haven stopped); passphrases on stdin, one line per --holder')
    .option('--holder <name>', 'a person who can unseal (repeat for several)', collect, [] as string[])
    .action(async (opts: { holder: string[] }) => {
      const config = loadConfig();
      if (opts.holder.length === 0) {
        process.exitCode = await runSealInit(config, opts, []);
        return;
      }
      await fromStdin(sealInitPrompts(opts.holder), (lines) => runSealInit(config, opts, lines));
    });

  const unsealCmd = new Command('unseal')
    .description('unseal the running Haven (passphrase on stdin)')
    .requiredOption('--holder <name>', 'your holder name')
    .option('--url <url>', 'where Haven listens (default: this configuration, on 127.0.0.1)')
    .action(async (opts: { holder: string; url?: string }) => {
      const config = loadConfig();
      await fromStdin(unsealPrompts(opts.holder), (lines) => runUnseal(config, opts, lines));
    });

  const holder = new Command('seal-holder').description('add or remove someone who can unseal (sealed mode)');
  holder
    .command('add')
    .description('add a holder; stdin: your passphrase, then the new holder\'s passphrase')
    .requiredOption('--holder <name>', 'the new holder')
    .requiredOption('--as <name>', 'an existing holder, to unseal the key')
    .action(async (opts: { holder: string; as: string }) => {
      const config = loadConfig();
      await fromStdin(addPrompts(opts), (lines) => runHolderAdd(config, opts, lines));
    });
  holder
    .command('remove')
    .description('remove a holder (never the last one); stdin: your passphrase')
    .requiredOption('--holder <name>', 'the holder to remove')
    .requiredOption('--as <name>', 'an existing holder, to authorise the change')
    .action(async (opts: { holder: string; as: string }) => {
      const config = loadConfig();
      await fromStdin(unsealPrompts(opts.as), (lines) => runHolderRemove(config, opts, lines));
    });

  const off = new Command('seal-off')
    .description('leave sealed mode: the key file reads every case again (run with Haven stopped); stdin: your passphrase')
    .requiredOption('--as <name>', 'a holder, to unseal the key')
    .action(async (opts: { as: string }) => {
      const config = loadConfig();
      await fromStdin(unsealPrompts(opts.as), (lines) => runSealOff(config, opts, lines));
    });
  return [init, unsealCmd, holder, off];
}
