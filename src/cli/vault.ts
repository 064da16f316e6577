import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { addHolder, removeHolder, sealInit, unseal, UnsealThrottle, VaultInputError } from '../modules/vault/index.js';
import { openRuntime } from '../runtime.js';

/**
 * Sealed-mode commands (ADR 10). Passphrases come only from standard input, one per line (or
 * a hidden prompt per line on a terminal): never from arguments, which other users of the
 * machine can see in the process list, and never into any log.
 */

/** Reads one line per prompt from standard input; on a terminal, prompts on stderr without echo. */
export async function readSecretLines(prompts: string[]): Promise<string[]> {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: tty ? output : undefined, terminal: tty });
  const lines: string[] = [];
  const iter = rl[Symbol.asyncIterator]();
  try {
    for (const prompt of prompts) {
      if (tty) {
        process.stderr.write(`${prompt}: `);
        muted = true;
      }
      const next = await iter.next();
      muted = false;
      if (tty) process.stderr.write('\n');
      if (next.done) throw new Error(`standard input ended before: ${prompt}`);
      lines.push(String(next.value).replace(/\r$/, ''));
    }
  } finally {
    rl.close();
  }
  return lines;
}

function explain(rt: { i18n: { format(locale: string, key: string): string } }, e: unknown): never {
  if (e instanceof VaultInputError) throw new Error(rt.i18n.format('en', e.messageKey));
  throw e;
}

function localUrl(config: Config): string {
  const host = ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Unseals this process's own copy of the vault (for holder changes, which only write rows). */
async function unsealHere(rt: Awaited<ReturnType<typeof openRuntime>>, holder: string, passphrase: string): Promise<void> {
  if (!rt.config.sealed) throw new Error('HAVEN_SEALED is not true: holders exist only in sealed mode');
  const res = await unseal(rt, new UnsealThrottle(), { holder, passphrase });
  if (!res.ok) throw new Error(rt.i18n.format('en', 'vault.error.unseal_failed'));
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `haven seal-init`, `haven unseal`, `haven seal-holder add|remove`. */
export function vaultCommands(): Command[] {
  const init = new Command('seal-init')
    .description('switch this instance to sealed mode (run with Haven stopped); passphrases on stdin, one line per --holder')
    .option('--holder <name>', 'a person who can unseal (repeat for several)', collect, [] as string[])
    .action(async (opts: { holder: string[] }) => {
      if (opts.holder.length === 0) throw new Error('name at least one --holder');
      const passphrases = await readSecretLines(opts.holder.map((h) => `Unseal passphrase for ${h}`));
      // The conversion runs from the default vault (the key file opens today's wraps).
      const rt = await openRuntime({ ...loadConfig(), sealed: false });
      try {
        const started = Date.now();
        const res = await sealInit(rt, opts.holder.map((name, i) => ({ name, passphrase: passphrases[i]! }))).catch((e: unknown) => explain(rt, e));
        console.log(`sealed mode initialised: key ${res.keyId}, ${res.caseKeys} case keys and ${res.staffSecrets} second factors re-wrapped in ${Date.now() - started} ms`);
        console.log('Now set HAVEN_SEALED=true and start Haven; unseal it after every start (haven unseal or /staff/unseal).');
      } finally {
        await rt.close();
      }
    });

  const unsealCmd = new Command('unseal')
    .description('unseal the running Haven (passphrase on stdin)')
    .requiredOption('--holder <name>', 'your holder name')
    .option('--url <url>', 'where Haven listens (default: this configuration, on 127.0.0.1)')
    .action(async (opts: { holder: string; url?: string }) => {
      const base = (opts.url ?? localUrl(loadConfig())).replace(/\/$/, '');
      const [passphrase] = await readSecretLines([`Unseal passphrase for ${opts.holder}`]);
      const page = await fetch(`${base}/staff/unseal`, { redirect: 'manual' });
      if (page.status === 303) {
        console.log('Haven is not sealed.');
        return;
      }
      const token = /name="_form" value="([^"]+)"/.exec(await page.text())?.[1];
      if (!token) throw new Error(`no unseal form at ${base}/staff/unseal (status ${page.status})`);
      const started = Date.now();
      const res = await fetch(`${base}/staff/unseal`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _form: token, holder: opts.holder, passphrase: passphrase! }).toString(),
      });
      if (res.status !== 303) throw new Error(res.status === 401 ? 'that holder name and passphrase did not unseal Haven' : `unseal failed with status ${res.status}`);
      console.log(`Haven is unsealed (${Date.now() - started} ms).`);
    });

  const holder = new Command('seal-holder').description('add or remove someone who can unseal (sealed mode)');
  holder
    .command('add')
    .description('add a holder; stdin: your passphrase, then the new holder\'s passphrase')
    .requiredOption('--holder <name>', 'the new holder')
    .requiredOption('--as <name>', 'an existing holder, to unseal the key')
    .action(async (opts: { holder: string; as: string }) => {
      const [mine, theirs] = await readSecretLines([`Unseal passphrase for ${opts.as}`, `New passphrase for ${opts.holder}`]);
      const rt = await openRuntime(loadConfig());
      try {
        await unsealHere(rt, opts.as, mine!);
        await addHolder(rt, { name: opts.holder, passphrase: theirs!, by: opts.as }).catch((e: unknown) => explain(rt, e));
        console.log(`${opts.holder} can now unseal Haven.`);
      } finally {
        await rt.close();
      }
    });
  holder
    .command('remove')
    .description('remove a holder (never the last one); stdin: your passphrase')
    .requiredOption('--holder <name>', 'the holder to remove')
    .requiredOption('--as <name>', 'an existing holder, to authorise the change')
    .action(async (opts: { holder: string; as: string }) => {
      const [mine] = await readSecretLines([`Unseal passphrase for ${opts.as}`]);
      const rt = await openRuntime(loadConfig());
      try {
        await unsealHere(rt, opts.as, mine!);
        await removeHolder(rt, { name: opts.holder, by: opts.as }).catch((e: unknown) => explain(rt, e));
        console.log(`${opts.holder} can no longer unseal Haven.`);
      } finally {
        await rt.close();
      }
    });
  return [init, unsealCmd, holder];
}
