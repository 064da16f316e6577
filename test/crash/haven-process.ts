import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/platform/paths.js';

/**
 * A real `haven serve` in a child process, for tests that must kill the whole process at a
 * random moment: nothing in-process can stand in for a SIGKILL. The child runs the sources
 * through tsx, as `bin/haven.js` does in a checkout, via serve-on-cue.ts: it is spawned ahead
 * (loading the code) and serves when told, so a restart costs only what a restart does.
 */

/** A port nothing listens on right now (the kernel's choice, released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface HavenProcess {
  origin: string;
  /** Resolves with the exit code or signal once the process has gone. */
  exited: Promise<string>;
  /** SIGKILL: no handler runs, nothing is flushed, no connection is closed politely. */
  kill(): Promise<string>;
  /** SIGTERM: the clean stop (`app.close()`, then the database). */
  stop(): Promise<string>;
  /** The last lines the process printed, for a failure message. */
  tail(): string;
}

const READY = /Haven is running at (\S+?)\/?\s*$/m;

/** A `haven serve` loaded and waiting for its cue; nothing is opened until `start`. */
export interface PreparedHaven {
  /** Starts serving; resolves once it prints that it is running. */
  start(opts?: { timeoutMs?: number }): Promise<HavenProcess>;
  /** Ends a prepared process that will not be used. */
  discard(): Promise<void>;
}

/** Spawns a `haven serve` with `env` on top of this process's environment, without starting it. */
export async function prepareHaven(env: Record<string, string>): Promise<PreparedHaven> {
  const root = projectRoot();
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'crash', 'serve-on-cue.ts')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const watched = watch(child, port);
  return {
    async start(opts = {}) {
      child.stdin!.write('serve\n');
      try {
        return await watched.ready(opts.timeoutMs ?? 60_000);
      } catch (e) {
        // Another process took the port between freePort() and listen: once more, elsewhere.
        if (!String(e).includes('EADDRINUSE')) throw e;
        return (await prepareHaven(env)).start(opts);
      }
    },
    async discard() {
      await watched.proc.kill();
    },
  };
}

/** Spawns and starts a `haven serve` (see prepareHaven). */
export async function startHaven(env: Record<string, string>): Promise<HavenProcess> {
  return (await prepareHaven(env)).start();
}

function watch(child: ChildProcess, port: number) {
  const lines: string[] = [];
  let out = '';
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const parts = out.split('\n');
    out = parts.pop()!;
    lines.push(...parts);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const tail = () => [...lines, out].join('\n').slice(-4000);
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    return exited;
  };
  const proc: HavenProcess = {
    origin: `http://127.0.0.1:${port}`,
    exited,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    tail,
  };
  const ready = (timeoutMs: number) =>
    new Promise<HavenProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        void proc.kill();
        reject(new Error(`haven serve did not start within ${timeoutMs} ms:\n${tail()}`));
      }, timeoutMs);
      const check = () => {
        if (!READY.test(lines.join('\n'))) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(proc);
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`haven serve stopped (${how}) before it was running:\n${tail()}`));
      });
    });
  return { proc, ready };
}
