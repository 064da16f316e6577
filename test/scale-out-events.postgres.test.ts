import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../src/platform/events/outbox.js';
import { projectRoot } from '../src/platform/paths.js';
import { migrateToLatest } from '../src/platform/storage/migrate.js';
import type { Storage } from '../src/platform/storage/db.js';
import { engines } from './engines.js';

/**
 * The outbox across processes (ADR 19): events written once are delivered once per
 * subscriber when two worker processes on one PostgreSQL dispatch at the same time, each with
 * the real dispatcher (test/scale-out/dispatch-worker.ts) and small batches so their claims
 * interleave. Companion of scale-out.postgres.test.ts, which runs two `haven serve`.
 *
 * Without PostgreSQL this skips with the reason printed by test/engines.ts; with
 * HAVEN_REQUIRE_POSTGRES=1 (CI) a missing server fails the run instead.
 */

const postgres = engines.find((e) => e.name === 'postgres')!;
const EVENTS = 120;

function worker(url: string, name: string, startAt: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'test', 'scale-out', 'dispatch-worker.ts')], {
      cwd: projectRoot(),
      env: { ...process.env, DATABASE_URL: url, WORKER_NAME: name, START_AT: String(startAt) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe.skipIf(!postgres.available)('the outbox across two processes on PostgreSQL', () => {
  let storage: Storage;
  let url: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const created = await postgres.create();
    ({ storage, dispose } = created);
    url = created.url!;
    await migrateToLatest(storage);
    await sql`CREATE TABLE scaleout_handled (event_id text NOT NULL, worker text NOT NULL)`.execute(storage.db);
    for (let i = 0; i < EVENTS; i += 1) await recordEvent(storage.db, { type: 'probe.happened', payload: { n: i } }, Date.now());
  });
  afterAll(async () => dispose?.());

  it('delivers each event once to the subscriber, whichever process claims it', async () => {
    // Both start their first round at the same moment, after tsx has loaded in each.
    const startAt = Date.now() + 4000;
    const codes = await Promise.all([worker(url, 'a', startAt), worker(url, 'b', startAt)]);
    expect(codes).toEqual([0, 0]);
    const rows = (await sql<{ event_id: string; worker: string }>`SELECT event_id, worker FROM scaleout_handled`.execute(storage.db)).rows;
    expect(rows).toHaveLength(EVENTS);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(EVENTS);
    const byWorker = { a: rows.filter((r) => r.worker === 'a').length, b: rows.filter((r) => r.worker === 'b').length };
    console.log(`outbox across processes: ${EVENTS} events, handled by a ${byWorker.a}, by b ${byWorker.b}`);
    const left = await storage.db.selectFrom('event_deliveries').select('state').where('state', '!=', 'done').execute();
    expect(left).toEqual([]);
  }, 60_000);
});
