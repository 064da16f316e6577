import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startServer, type BenchServer } from '../bench/http/load.js';
import {
  checkRecords,
  markdownTable,
  percentile,
  ratioOf,
  Results,
  summarize,
  writeResults,
} from '../bench/results.js';

// The benchmark's pieces that can be checked cheaply: the record format of
// bench/results/latest.json, ratios, percentiles, and the server process's IPC (a staff session,
// a job run under the event-loop monitor, SIGTERM) against a tiny database. Correctness only:
// no timing target is checked here.

describe('benchmark results', () => {
  it('takes the nearest-rank percentile', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 0.5)).toBe(50);
    expect(percentile(s, 0.95)).toBe(95);
    expect(percentile(s, 0.99)).toBe(99);
    expect(percentile(s, 1)).toBe(100);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3], 0.5)).toBe(2);
    expect(percentile([], 0.5)).toBeNaN();
    expect(summarize([5, 1, 4, 2, 3])).toMatchObject({ p50: 3, max: 5, n: 5 });
  });

  it('reads ratios as times worse than the baseline: value/baseline for costs, baseline/value for rates', () => {
    expect(ratioOf(30, 10, 'ms')).toBe(3);
    expect(ratioOf(400, 100, 'MB')).toBe(4);
    expect(ratioOf(250, 1000, 'commits/s')).toBe(4);
    expect(ratioOf(500, 1000, 'submissions/s')).toBe(2);
    expect(ratioOf(1, 0, 'ms')).toBeUndefined();
    expect(ratioOf(Number.NaN, 1, 'ms')).toBeUndefined();
  });

  it('records { name, db, size, value, unit, baseline?, ratio? } with ratios from the same db and size', () => {
    const lines: string[] = [];
    const r = new Results((l) => lines.push(l));
    r.add({ name: 'db.raw_commits_per_s', db: 'sqlite', size: 10, value: 2000, unit: 'commits/s' });
    r.add({ name: 'http.trivial.p95_ms', db: 'sqlite', size: 10, value: 2, unit: 'ms' });
    const intake = r.add({
      name: 'intake.submissions_per_s.c64',
      db: 'sqlite',
      size: 10,
      value: 1000,
      unit: 'submissions/s',
      baseline: 'db.raw_commits_per_s',
    });
    const queue = r.add({
      name: 'http.queue.main.p95_ms',
      db: 'sqlite',
      size: 10,
      value: 5,
      unit: 'ms',
      baseline: 'http.trivial.p95_ms',
    });
    // A baseline measured for another size or engine is not used.
    const other = r.add({
      name: 'http.case.p95_ms',
      db: 'postgres',
      size: 10,
      value: 5,
      unit: 'ms',
      baseline: 'http.trivial.p95_ms',
    });
    const nan = r.add({
      name: 'jobs.retention.max_stall_ms',
      db: 'sqlite',
      size: 10,
      value: Number.NaN,
      unit: 'ms',
    });
    expect(intake).toEqual({
      name: 'intake.submissions_per_s.c64',
      db: 'sqlite',
      size: 10,
      value: 1000,
      unit: 'submissions/s',
      baseline: 'db.raw_commits_per_s',
      ratio: 2,
    });
    expect(queue?.ratio).toBe(2.5);
    expect(other).toEqual({
      name: 'http.case.p95_ms',
      db: 'postgres',
      size: 10,
      value: 5,
      unit: 'ms',
    });
    expect(nan).toBeUndefined();
    expect(r.records).toHaveLength(5);
    expect(lines.some((l) => l.includes('not measured'))).toBe(true);
    expect(checkRecords(r.records)).toEqual([]);
    expect(checkRecords([{ name: 'x', db: 'mysql', size: -1, value: '1', unit: '' }])).toEqual([
      '0: db',
      '0: size',
      '0: value',
      '0: unit',
    ]);

    const table = markdownTable(r.records).split('\n');
    expect(table[0]).toBe('| name | size | sqlite | postgres | baseline |');
    expect(table).toContain(
      '| `intake.submissions_per_s.c64` | 10 | 1,000 submissions/s (×2.00) | – | `db.raw_commits_per_s` |',
    );

    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-format-'));
    try {
      const file = join(dir, 'results', 'latest.json');
      writeResults(file, r.records);
      const back = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      expect(back).toEqual(r.records);
      expect(checkRecords(back)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the benchmark server process', () => {
  let dir: string;
  let server: BenchServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haven-bench-server-'));
    server = await startServer({
      DATA_DIR: dir,
      HAVEN_MASTER_KEY: randomBytes(32).toString('hex'),
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mints a staff session that opens the queue over HTTP', async () => {
    const s = await server.session();
    expect(s.cookie).toMatch(/^haven_staff=/);
    expect(s.maxCaseId).toBe(0);
    const agent = new http.Agent();
    const queue = await get(agent, `${server.baseUrl}/staff`, { cookie: s.cookie });
    expect(queue.status).toBe(200);
    const anonymous = await get(agent, `${server.baseUrl}/staff`);
    expect(anonymous.status).not.toBe(200);
    agent.destroy();
  });

  it('runs a job under the event-loop monitor and reports the longest stall', async () => {
    const rule = await server.call<{ days: number; due: number }>({
      op: 'retention-rule',
      spanDays: 2,
    });
    expect(rule.due).toBe(0);
    const results = new Results();
    const idle = await server.call<number>({ op: 'idle-stall', ms: 50 });
    results.add({ name: 'jobs.idle.max_stall_ms', db: 'sqlite', size: 0, value: idle, unit: 'ms' });
    for (const name of ['retention', 'backup-keys']) {
      const run = await server.job(name);
      expect(run.outcome).toBe('done');
      expect(Number.isFinite(run.durationMs)).toBe(true);
      results.add({
        name: `jobs.${name.replace('-', '_')}.max_stall_ms`,
        db: 'sqlite',
        size: 0,
        value: run.maxStallMs,
        unit: 'ms',
        baseline: 'jobs.idle.max_stall_ms',
      });
    }
    const stall = results.find('jobs.retention.max_stall_ms', 'sqlite', 0);
    expect(stall).toBeDefined();
    expect(Number.isFinite(stall!.value)).toBe(true);
    expect(stall!.value).toBeGreaterThanOrEqual(0);
    expect(results.find('jobs.backup_keys.max_stall_ms', 'sqlite', 0)?.baseline).toBe(
      'jobs.idle.max_stall_ms',
    );
    expect((await server.job('no-such-job')).outcome).toBe('no such job');
  });

  it('reads the server’s RSS and measures SIGTERM to exit', async () => {
    expect(server.rssMb()).toBeGreaterThan(10);
    await server.call({ op: 'job-start', name: 'retention' });
    const ms = await server.terminate(20_000);
    expect(Number.isFinite(ms)).toBe(true);
    expect(server.child.exitCode).toBe(0);
  });
});
