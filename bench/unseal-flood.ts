// The public surface while someone floods the unseal form of a sealed Haven (ADR 15).
//
// A real server on a free port, sealed with production argon2id limits (256 MiB per
// derivation). Measures GET /request over HTTP, p50 and p95, first quiet (the baseline) and then
// while `FLOOD` clients keep posting wrong passphrases, each with a fresh form; and the
// process's peak resident memory over each phase. Only one derivation may run at a time, so
// the public pages stay close to their quiet latency and memory stays near one derivation.

import { sealInit } from '../src/modules/vault/index.js';
import type { Engine } from '../test/engines.js';
import { createHarness, restartHarness } from '../test/harness.js';

const FLOOD = 24;
const SAMPLES = 200;

export interface FloodResult {
  quiet: { p50: number; p95: number; rssMb: number };
  flood: { p50: number; p95: number; rssMb: number; attempts: number; checked: number; refused: number };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function sampleRequests(origin: string, n: number): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${origin}/request`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /request answered ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 0.5), p95: pct(times, 0.95) };
}

export async function unsealFlood(engine: Engine, samples = SAMPLES): Promise<FloodResult> {
  const first = await createHarness(engine, { LOG_LEVEL: 'silent' });
  await sealInit(first.deps, [{ name: 'ana', passphrase: 'river stone lantern 4812' }]);
  const h = await restartHarness(first, { HAVEN_SEALED: 'true' });
  // The bench runs on the real clock: the unseal waits are real.
  h.deps.now = Date.now;
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    let peak = process.memoryUsage().rss;
    const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const quiet = await sampleRequests(origin, samples);
    const quietRss = peak;

    peak = process.memoryUsage().rss;
    let stop = false;
    const counts = { attempts: 0, checked: 0, refused: 0 };
    const attacker = async () => {
      while (!stop) {
        const page = await (await fetch(`${origin}/staff/unseal`)).text();
        const token = /name="_form" value="([^"]+)"/.exec(page)?.[1] ?? '';
        const res = await fetch(`${origin}/staff/unseal`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _form: token, holder: 'ana', passphrase: 'wrong wrong wrong wrong' }).toString(),
        });
        await res.arrayBuffer();
        counts.attempts += 1;
        if (res.status === 401) counts.checked += 1;
        if (res.status === 429) counts.refused += 1;
      }
    };
    const attackers = Array.from({ length: FLOOD }, attacker);
    const flood = await sampleRequests(origin, samples);
    stop = true;
    await Promise.all(attackers);
    clearInterval(watch);
    return {
      quiet: { ...quiet, rssMb: quietRss / 2 ** 20 },
      flood: { ...flood, rssMb: peak / 2 ** 20, ...counts },
    };
  } finally {
    await h.close();
  }
}
