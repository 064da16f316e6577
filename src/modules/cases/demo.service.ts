import type { Deps } from '../../deps.js';
import { newReceipt, normalizeReceipt } from '../../platform/crypto/receipt.js';
import { CaseKey, randomBytes } from '../../platform/crypto/vault.js';
import { createDemoHandler } from '../accounts/index.js';
import { DEMO_DEFAULT_REQUESTS, demoPlan, type DemoCase } from './demo.js';
import * as repo from './demo.repo.js';

// Writes the demo year into the database with exactly the shape of real cases (a wrapped
// per-case key, a receipt hash, encrypted contact and messages, an audit entry), so the
// handler workspace opens them like any other. Streams in batches: memory stays flat
// whether the year has 200 requests or a million.

export interface DemoOptions {
  requests?: number;
  seed?: string;
  year?: number;
  /** Add demo cases even when the database holds cases that are not demo data. */
  force?: boolean;
  /** Cases per transaction. */
  batchSize?: number;
  /** The staff account that answers, takes notes and is assigned; null leaves cases unassigned. */
  handlerId: string | null;
  /** Called after every `progressEvery` batches, and once at the end. */
  onProgress?: (p: DemoProgress) => void;
  progressEvery?: number;
}

export interface DemoProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

export interface DemoSummary {
  requests: number;
  messages: number;
  seed: string;
  year: number;
  byUrgency: Record<string, number>;
  byRegion: Record<string, number>;
  byStatus: Record<string, number>;
  /** Answered within the first-response deadline, of those answered. */
  answeredInTime: number;
  answered: number;
  elapsedMs: number;
  /** One active case and its receipt, to try the requester's follow-up page. */
  sample: { caseId: number; receipt: string } | null;
}

export type DemoResult =
  | { ok: true; summary: DemoSummary }
  | { ok: false; code: 'DEMO_REAL_CASES_PRESENT'; realCases: number }
  | { ok: false; code: 'DEMO_YEAR_NOT_STARTED'; year: number };

/**
 * Time-ordered UUIDs (version 7: milliseconds, a counter, then random bits) for demo message
 * ids. Random version-4 ids, as single requests use, scatter a million-case load over every
 * page of the messages primary key, so each batch rewrites most of the index (measured: over
 * 50 KB written per case and falling throughput); ordered ids append to its end. Same shape:
 * a 36-character UUID the rest of Haven treats as opaque.
 */
export function uuidV7Generator(): () => string {
  let lastMs = 0;
  let counter = 0;
  return () => {
    let ms = Date.now();
    if (ms <= lastMs) {
      counter++;
      if (counter > 0xfff) {
        // 4,096 ids in one millisecond: borrow the next one, keeping the order.
        lastMs++;
        counter = 0;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      counter = 0;
    }
    const b = randomBytes(16);
    b.writeUIntBE(ms, 0, 6);
    b[6] = 0x70 | (counter >> 8);
    b[7] = counter & 0xff;
    b[8] = 0x80 | (b[8]! & 0x3f);
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

export const DEMO_DEFAULT_SEED = 'haven';
export const DEMO_DEFAULT_YEAR = 2023;
const DEFAULT_BATCH = 5000;

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Fills the database with a synthetic year of requests. Refuses (typed result, nothing
 * written) when the database already holds cases that are not demo data, unless `force`.
 * The structured data depends only on the options; keys, receipts and nonces are random.
 */
export async function generateDemo(deps: Deps, opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const requests = opts.requests ?? DEMO_DEFAULT_REQUESTS;
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const year = opts.year ?? DEMO_DEFAULT_YEAR;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const progressEvery = Math.max(1, opts.progressEvery ?? 10);
  if (!Number.isInteger(requests) || requests < 0)
    throw new RangeError('requests must be a whole number ≥ 0');

  const from = Date.UTC(year, 0, 1);
  // A year still under way ends now: nothing is generated in the future.
  const to = Math.min(Date.UTC(year + 1, 0, 1), deps.now());
  if (to <= from) return { ok: false, code: 'DEMO_YEAR_NOT_STARTED', year };

  if (!opts.force) {
    const realCases = await repo.countNonDemoCases(deps.db);
    if (realCases > 0) return { ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases };
  }

  const summary: DemoSummary = {
    requests: 0,
    messages: 0,
    seed,
    year,
    byUrgency: {},
    byRegion: {},
    byStatus: {},
    answeredInTime: 0,
    answered: 0,
    elapsedMs: 0,
    sample: null,
  };
  const auditDetail = JSON.stringify({ source: 'demo', seed });
  const handlerId = opts.handlerId;
  const messageId = uuidV7Generator();

  /** Everything a batch writes, computed once its case ids are known. */
  const buildRows = async (
    plans: readonly DemoCase[],
    ids: readonly number[],
    yieldEvery: number,
  ) => {
    const cases: repo.Row[] = [];
    const messages: repo.Row[] = [];
    const audit: repo.Row[] = [];
    for (let i = 0; i < plans.length; i++) {
      // Encryption is synchronous; letting the event loop in now and then keeps the previous
      // batch's statements flowing to PostgreSQL meanwhile.
      if (i > 0 && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      const p = plans[i]!;
      const id = ids[i]!;
      const { raw, wrapped } = deps.vault.newCaseKey();
      const key = new CaseKey(raw, id);
      const receipt = newReceipt();
      cases.push([
        id,
        deps.vault.keyedHash('receipt', normalizeReceipt(receipt)!),
        wrapped,
        p.status,
        p.urgency,
        p.incidentType,
        p.severity,
        p.country,
        p.region,
        p.language,
        p.beneficiary,
        p.mandate,
        p.contactMethod,
        p.contact ? key.seal('contact', p.contact) : null,
        p.assigned ? handlerId : null,
        p.awaitingReply ? 1 : 0,
        p.createdAt,
        p.updatedAt,
        p.firstResponseDueAt,
        p.firstResponseAt,
        p.lastActivityAt,
        p.closedAt,
        p.version,
      ]);
      for (const m of p.messages) {
        const mid = messageId();
        messages.push([
          mid,
          id,
          m.kind,
          m.byHandler ? handlerId : null,
          key.seal(`message:${mid}`, m.text),
          m.at,
        ]);
      }
      audit.push([p.createdAt, 'system', null, 'case.created', id, auditDetail]);
      raw.fill(0);

      summary.requests++;
      summary.messages += p.messages.length;
      bump(summary.byUrgency, p.urgency);
      bump(summary.byRegion, p.region ?? 'unknown');
      bump(summary.byStatus, p.status);
      if (p.firstResponseAt !== null) {
        summary.answered++;
        if (p.firstResponseAt <= p.firstResponseDueAt) summary.answeredInTime++;
      }
      if (p.status === 'waiting' || p.status === 'open') summary.sample = { caseId: id, receipt };
    }
    return { cases, messages, audit };
  };

  const insert = async (
    db: repo.Db,
    rows: Awaited<ReturnType<typeof buildRows>>,
  ): Promise<void> => {
    await repo.insertRows(db, deps.dialect, 'cases', repo.CASE_COLUMNS, rows.cases);
    await repo.insertRows(db, deps.dialect, 'messages', repo.MESSAGE_COLUMNS, rows.messages);
    await repo.insertRows(db, deps.dialect, 'audit_log', repo.AUDIT_COLUMNS, rows.audit);
  };

  const plan = demoPlan({
    requests,
    seed,
    from,
    to,
    firstResponseMinutes: deps.config.firstResponseMinutes,
  });
  // On PostgreSQL the next batch is encrypted while the previous one commits; SQLite runs in
  // this process, so there is nothing to overlap and ids are reserved inside the write.
  let pending: Promise<void> | null = null;
  let batches = 0;
  await repo.withBulkLoadCache(deps.db, deps.dialect, async () => {
    for (;;) {
      const plans: DemoCase[] = [];
      for (let i = 0; i < batchSize; i++) {
        const next = plan.next();
        if (next.done) break;
        plans.push(next.value);
      }
      if (plans.length === 0) break;

      if (deps.dialect === 'postgres') {
        const ids = await repo.reserveCaseIds(deps.db, 'postgres', plans.length);
        const rows = await buildRows(plans, ids, 50);
        await pending;
        pending = deps.db.transaction().execute((trx) => insert(trx, rows));
        // Awaited before the next batch; this only keeps a failure from going unobserved meanwhile.
        pending.catch(() => undefined);
      } else {
        await deps.db.transaction().execute(async (trx) => {
          const ids = await repo.reserveCaseIds(trx, 'sqlite', plans.length);
          await insert(trx, await buildRows(plans, ids, Infinity));
        });
      }
      batches++;
      if (opts.onProgress && batches % progressEvery === 0) {
        opts.onProgress({
          done: summary.requests,
          total: requests,
          elapsedMs: performance.now() - started,
        });
      }
    }
    await pending;
  });
  await repo.refreshStatistics(deps.db, deps.dialect);
  summary.elapsedMs = performance.now() - started;
  opts.onProgress?.({ done: summary.requests, total: requests, elapsedMs: summary.elapsedMs });
  return { ok: true, summary };
}

export interface DemoHandlerCredentials {
  email: string;
  password: string;
  totpSecret: string;
}

/**
 * The `haven demo` use case: a demo handler with fresh credentials (replacing an earlier
 * one), then the demo year answered by that handler. The handler is only created once the
 * database is known to accept demo data.
 */
export async function runDemo(
  deps: Deps,
  opts: Omit<DemoOptions, 'handlerId'>,
): Promise<
  | Exclude<DemoResult, { ok: true }>
  | { ok: true; summary: DemoSummary; handler: DemoHandlerCredentials }
> {
  const year = opts.year ?? DEMO_DEFAULT_YEAR;
  if (Date.UTC(year, 0, 1) >= deps.now()) return { ok: false, code: 'DEMO_YEAR_NOT_STARTED', year };
  if (!opts.force) {
    const realCases = await repo.countNonDemoCases(deps.db);
    if (realCases > 0) return { ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases };
  }
  const handler = await createDemoHandler(deps);
  const handlerId = await repo.findUserIdByEmail(deps.db, handler.email);
  const res = await generateDemo(deps, { ...opts, handlerId, force: true });
  return res.ok ? { ...res, handler } : res;
}
