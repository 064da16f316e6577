import type { Deps } from '../../deps.js';
import { createDemoHandler } from '../accounts/index.js';
import { countNonDemoCases, insertDemoCases } from '../cases/index.js';
import { DEMO_DEFAULT_REQUESTS, demoPlan } from './demo.js';

// The demo year, written through the modules' public functions: the handler through
// accounts, the cases through the cases module's bulk load (one call per batch of thousands,
// each case with exactly the shape of a real one), so the handler workspace opens them like
// any other. Streams in batches: memory stays flat whether the year has 200 requests or a
// million.

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
    const realCases = await countNonDemoCases(deps);
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
  let batches = 0;
  await insertDemoCases(
    deps,
    demoPlan({
      requests,
      seed,
      from,
      to,
      firstResponseMinutes: deps.config.firstResponseMinutes,
    }),
    {
      handlerId: opts.handlerId,
      seed,
      batchSize,
      onCase: (p, caseId, receipt) => {
        summary.requests++;
        summary.messages += p.messages.length;
        bump(summary.byUrgency, p.urgency);
        bump(summary.byRegion, p.region ?? 'unknown');
        bump(summary.byStatus, p.status);
        if (p.firstResponseAt !== null) {
          summary.answered++;
          if (p.firstResponseAt <= p.firstResponseDueAt) summary.answeredInTime++;
        }
        if (p.status === 'waiting' || p.status === 'open') summary.sample = { caseId, receipt };
      },
      onBatch: () => {
        batches++;
        if (opts.onProgress && batches % progressEvery === 0) {
          opts.onProgress({
            done: summary.requests,
            total: requests,
            elapsedMs: performance.now() - started,
          });
        }
      },
    },
  );
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
    const realCases = await countNonDemoCases(deps);
    if (realCases > 0) return { ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases };
  }
  const { userId, ...handler } = await createDemoHandler(deps);
  const res = await generateDemo(deps, { ...opts, handlerId: userId, force: true });
  return res.ok ? { ...res, handler } : res;
}
