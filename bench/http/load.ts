// The client side of the HTTP benchmark: starts bench/http/server.ts (compiled) in its own process, talks
// to it over IPC, and drives it over loopback HTTP with closed-loop clients (each sends its next
// request when the previous answer has arrived), bounded by a count and a time, whichever comes
// first. Latencies are whole requests: from sending to the last byte of the answer.

import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { summarize } from '../results.js';
import type { JobRun, ServerRequest, SessionInfo } from './server.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Op = WithoutId<ServerRequest>;

export interface BenchServer {
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  call<T>(op: Op, timeoutMs?: number): Promise<T>;
  session(): Promise<SessionInfo>;
  job(name: string, timeoutMs?: number): Promise<JobRun>;
  /** The server's resident memory now, in MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  /** Sends SIGTERM and resolves with the milliseconds until the process has exited. */
  terminate(limitMs?: number): Promise<number>;
  /** Ends the server (SIGTERM, then SIGKILL after a while) if it is still running. */
  close(): Promise<void>;
}

/** VmRSS of a process, in MB; NaN when it cannot be read (not Linux, or the process is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const BUILD = join(ROOT, 'bench', '.cache', 'build');
let built: string | undefined;

/**
 * The server compiled to JavaScript (tsconfig.bench.json: bench/http/server.ts and what it
 * imports, into bench/.cache/build), built once per benchmark run.
 */
export function compiledServer(): string {
  if (built) return built;
  rmSync(BUILD, { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.bench.json')], {
    stdio: 'inherit',
  });
  built = join(BUILD, 'bench', 'http', 'server.js');
  return built;
}

/** Starts Haven in a child process with `env` (DATA_DIR, HAVEN_MASTER_KEY, DATABASE_URL?). */
export async function startServer(
  env: Record<string, string>,
  startTimeoutMs = 120_000,
): Promise<BenchServer> {
  const script = compiledServer();
  const child = fork(script, [], {
    // Compiled like `npm start` runs Haven, not through tsx, whose loader (a thread of its own)
    // would add its memory and time to every figure.
    execArgv: process.env.HAVEN_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HAVEN_BENCH_PROFILE}`] : [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error('the server process exited'));
      pending.clear();
      resolve();
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the server did not start in time')),
      startTimeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited at start (code ${code})`));
    });
    child.on(
      'message',
      (m: {
        ready?: boolean;
        port?: number;
        id?: number;
        ok?: boolean;
        value?: unknown;
        error?: string;
      }) => {
        if (m.ready) {
          clearTimeout(timer);
          resolve(m.port!);
          return;
        }
        const p = m.id === undefined ? undefined : pending.get(m.id);
        if (!p) return;
        pending.delete(m.id!);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error ?? 'failed'));
      },
    );
  });
  const call = <T>(op: Op, timeoutMs = 30 * 60_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${op.op}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, ...op });
    });
  const terminate = async (limitMs = 30_000): Promise<number> => {
    if (exited) return 0;
    const t = performance.now();
    child.kill('SIGTERM');
    const killed = await Promise.race([
      exit.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), limitMs).unref()),
    ]);
    const ms = performance.now() - t;
    if (killed) {
      child.kill('SIGKILL');
      await exit;
    }
    return ms;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    call,
    session: () => call<SessionInfo>({ op: 'session' }),
    job: (name, timeoutMs) => call<JobRun>({ op: 'job', name }, timeoutMs),
    rssMb: () => rssOf(child.pid!),
    terminate,
    close: async () => {
      await terminate(10_000);
    },
  };
}

export interface GetResult {
  status: number;
  ms: number;
  body: string;
}

/** One GET over a keep-alive agent; resolves with status, time and body. */
export function get(
  agent: http.Agent,
  url: string,
  headers: Record<string, string> = {},
): Promise<GetResult> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent, headers: { 'accept-language': 'en', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

export interface LoadStats {
  /** Answers with the expected status. */
  ok: number;
  /** Other answers, and requests that failed without one. */
  failed: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * `clients` closed-loop clients sending GETs to the URLs `next(i)` gives, until `count` requests
 * were sent in all or `durationMs` has passed, whichever comes first. A request is ok when it is
 * answered with `expect` (default 200).
 */
export async function closedLoop(opts: {
  clients: number;
  count: number;
  durationMs: number;
  next: (i: number) => string;
  headers?: Record<string, string>;
  expect?: number;
}): Promise<LoadStats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const times: number[] = [];
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const client = async () => {
    while (sent < opts.count && performance.now() < deadline) {
      const i = sent++;
      try {
        const r = await get(agent, opts.next(i), opts.headers);
        times.push(r.ms);
        if (r.status === (opts.expect ?? 200)) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = summarize(times);
  return { ok, failed, perSecond: ok / seconds, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
}

/** Samples a process's RSS every `everyMs` until stopped; `peak` is the highest seen. */
export function watchRss(pid: number, everyMs = 100): { peak(): number; stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    const v = rssOf(pid);
    if (Number.isFinite(v)) peak = Math.max(Number.isFinite(peak) ? peak : 0, v);
  }, everyMs);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
