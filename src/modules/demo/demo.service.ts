import type { Deps } from '../../deps.js';
import { createDemoHandler } from '../accounts/index.js';
import { countNonDemoCases, insertDemoCases } from '../cases/index.js';
import { listRules } from '../retention/index.js';
import { seedDemoPartners } from '../referrals/index.js';
import { runIndexing } from '../search/index.js';
import { createPace } from '../../platform/jobs/pace.js';
import { DEMO_DEFAULT_REQUESTS, demoPlan, demoWindow } from './demo.js';

// The demo's requests, written through the modules' public functions: the handler through
// accounts, the cases through the cases module's bulk load (one call per batch of thousands,
// each case with exactly the shape of a real one), so the handler workspace opens them like
// any other. Streams in batches: memory stays flat whether the year has 200 requests or a
// million.

export interface DemoOptions {
  requests?: number;
  seed?: string;
  /**
   * A calendar year (ending at the clock's now when still under way), written whole. Without
   * it, the 12 months up to now, as a live helpline holds them under its retention rules.
   */
  year?: number;
  /** With the 12 months up to now: also write whole the cases retention would have emptied. */
  allMessages?: boolean;
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
  /** The calendar year asked for; null for the 12 months up to now. */
  year: number | null;
  /** When the requests arrive: [from, to). */
  from: number;
  to: number;
  /** Cases written as the retention rules had already left them (no messages, contact or country). */
  emptiedByRetention: number;
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
const DEFAULT_BATCH = 5000;

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Fills the database with a synthetic year of requests: by default the 12 months up to the
 * clock's now, as a live helpline holds them (see DemoOptions.year and allMessages). Refuses
 * (typed result, nothing written) when the database already holds cases that are not demo
 * data, unless `force`. The structured data depends only on the options, the clock and (by
 * default) the retention rules in force; keys, receipts and nonces are random.
 */
export async function generateDemo(deps: Deps, opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const requests = opts.requests ?? DEMO_DEFAULT_REQUESTS;
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const year = opts.year ?? null;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const progressEvery = Math.max(1, opts.progressEvery ?? 10);
  if (!Number.isInteger(requests) || requests < 0)
    throw new RangeError('requests must be a whole number ≥ 0');

  // Nothing is generated in the future: the window ends at the clock's now at the latest.
  const window = demoWindow(deps.now(), year ?? undefined);
  if (!window) return { ok: false, code: 'DEMO_YEAR_NOT_STARTED', year: year ?? 0 };
  const { from, to } = window;

  if (!opts.force) {
    const realCases = await countNonDemoCases(deps);
    if (realCases > 0) return { ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases };
  }

  // A live helpline has been applying its retention rules all along: in the 12 months up to
  // now, cases they would already have emptied are written that way, so the first run of the
  // retention job does not delete most of the demo (a calendar year is written whole).
  const retention =
    year === null && !opts.allMessages
      ? (await listRules(deps)).map((r) => ({
          status: r.status,
          incidentType: r.incidentType,
          basis: r.basis,
          days: r.days,
          enabled: r.enabled,
        }))
      : undefined;

  const summary: DemoSummary = {
    requests: 0,
    messages: 0,
    seed,
    year,
    from,
    to,
    emptiedByRetention: 0,
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
      ...(retention ? { retention } : {}),
      // The 12 months up to now end at a live helpline's now, with its backlog; a year is as it was.
      live: year === null,
    }),
    {
      handlerId: opts.handlerId,
      seed,
      batchSize,
      onCase: (p, caseId, receipt) => {
        summary.requests++;
        summary.messages += p.messages.length;
        if (retention && p.messages.length === 0) summary.emptiedByRetention++;
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
  if (opts.year !== undefined && !demoWindow(deps.now(), opts.year))
    return { ok: false, code: 'DEMO_YEAR_NOT_STARTED', year: opts.year };
  if (!opts.force) {
    const realCases = await countNonDemoCases(deps);
    if (realCases > 0) return { ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases };
  }
  const { userId, ...handler } = await createDemoHandler(deps);
  // A few example partners to refer the demo's cases to (ADR 36); never in production migrations.
  await seedDemoPartners(deps);
  const res = await generateDemo(deps, { ...opts, handlerId: userId, force: true });
  // The search index (ADR 37) of the cases just written, as the index job's walk would make it.
  if (res.ok) await runIndexing(deps, createPace());
  return res.ok ? { ...res, handler } : res;
}
