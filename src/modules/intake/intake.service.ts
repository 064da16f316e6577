import type { SpamReason } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { newToken } from '../../platform/auth/session.js';
import {
  addRequesterMessage,
  caseIdForReceipt,
  submitRequests,
  type NewRequestInput,
  type StagedAttachment,
} from '../cases/index.js';
import { addCount, countSince, purgeCounts } from '../../platform/throttle/counts.js';
import { oneTimeToken, purgeSpentTokens, spendTokens, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { CommitGroup } from '../../platform/storage/group-commit.js';
import { budgetWindowStart, suspicion } from './intake.abuse.js';
import * as repo from './intake.repo.js';

/** Purposes that bind each public form token to its form. */
export const REQUEST_FORM = 'intake-request';
export const FOLLOWUP_FORM = 'intake-followup';
export const MESSAGE_FORM = 'intake-message';

/** The follow-up cookie: HttpOnly, SameSite=Strict, Path=/followup, no Max-Age (gone when the browser closes). */
export const FOLLOWUP_COOKIE = 'haven_followup';
/** A follow-up session ends after 30 minutes without a page load, and after 4 hours in any case. */
export const FOLLOWUP_IDLE_MS = 30 * 60 * 1000;
export const FOLLOWUP_MAX_MS = 4 * 60 * 60 * 1000;

export type SubmitOutcome =
  | { ok: true; receipt: string; suspectedSpam: SpamReason | null }
  | { ok: false; reason: 'already_sent' };

/** The intake budget's counter (accepted requests per minute, shared by every process). */
const BUDGET_COUNTER = 'intake.accepted';

/**
 * One shared transaction's view of the hourly budget of accepted requests: the count in the
 * database when it began, and the places its requests took. Counted in the database, in that
 * transaction, so every process and restart shares it and a request that is not saved takes
 * no place.
 */
interface Budget {
  counted: number;
  /** This process's `committed` when the transaction read `counted` (see InFlight). */
  committedBefore: number;
  taken: number;
}

/**
 * Places taken by this process's transactions that the database does not show a transaction
 * yet: those still in flight (`pending`), and those committed since it read its count
 * (`committed` grows; each transaction remembers where it stood). With them, transactions in
 * flight at the same time in one process never give out the same place; one that commits
 * just as another reads may be counted twice, which only flags a request too many near the
 * limit. Across processes the budget is soft (ADR 13): two at the same instant may both take
 * the last place.
 */
interface InFlight {
  pending: number;
  committed: number;
}

/** A request on its way to the shared transaction. */
interface Submission {
  token: OneTimeToken;
  input: NewRequestInput;
  /** Why it looks automated, decided before it was queued; null when it looks like a person's. */
  suspected: SpamReason | null;
  /** Files streamed in with it (ADR 26), attached in the shared transaction. */
  attachments?: readonly StagedAttachment[];
}

type IntakeGroup = CommitGroup<Budget, Submission, SubmitOutcome>;

/**
 * Requests are saved in shared transactions (platform/storage/group-commit.ts, ADR 22): those
 * that arrive while one commits are saved together in the next, with a few statements for all
 * of them and one durable commit. One group per database and process: one transaction at a
 * time on SQLite (one writer), a few overlapping on PostgreSQL, each on its own connection.
 */
const groups = new WeakMap<object, { group: IntakeGroup; flight: InFlight }>();

function intakeGroup(deps: Deps): { group: IntakeGroup; flight: InFlight } {
  let entry = groups.get(deps.db);
  if (!entry) {
    const flight: InFlight = { pending: 0, committed: 0 };
    const group: IntakeGroup = new CommitGroup(deps.db, {
      concurrency: deps.dialect === 'postgres' ? 4 : 1,
      open: async (trx) => {
        const committedBefore = flight.committed;
        const counted = await countSince(trx, BUDGET_COUNTER, budgetWindowStart(deps.now()));
        return { counted, committedBefore, taken: 0 };
      },
      work: (trx, budget, items) => saveSubmissions({ ...deps, db: trx }, flight, budget, items),
      close: async (trx, budget) => {
        if (budget.taken > 0) await addCount(trx, BUDGET_COUNTER, deps.now(), budget.taken);
      },
      settle: (budget, committed) => {
        flight.pending -= budget.taken;
        if (committed) flight.committed += budget.taken;
      },
    });
    entry = { group, flight };
    groups.set(deps.db, entry);
  }
  return entry;
}

/**
 * The work of one shared transaction: the batch's form tokens spent with one statement (a
 * copy of a form already sent, or sent twice in the batch, finds its token spent), a place in
 * the budget for each request that looks like a person's, in order, and the cases saved.
 */
async function saveSubmissions(
  deps: Deps,
  flight: InFlight,
  budget: Budget,
  items: Submission[],
): Promise<SubmitOutcome[]> {
  const spent = await spendTokens(
    deps.db,
    items.map((i) => i.token),
  );
  const toSave: { at: number; suspectedSpam: SpamReason | null }[] = [];
  items.forEach((item, at) => {
    if (!spent[at]) return;
    const counted = item.suspected === null && takePlace(flight, budget, deps.config.intakeBudgetPerHour);
    toSave.push({ at, suspectedSpam: item.suspected ?? (counted ? null : 'over_budget') });
  });
  const saved = await submitRequests(
    deps,
    toSave.map((s) => ({
      input: items[s.at]!.input,
      suspectedSpam: s.suspectedSpam,
      ...(items[s.at]!.attachments ? { attachments: items[s.at]!.attachments } : {}),
    })),
  );
  const outcomes: SubmitOutcome[] = items.map(() => ({ ok: false, reason: 'already_sent' }));
  toSave.forEach((s, k) => {
    outcomes[s.at] = { ok: true, receipt: saved[k]!.receipt, suspectedSpam: s.suspectedSpam };
  });
  return outcomes;
}

/**
 * Takes a place in the hourly budget for a request about to be saved, at once (so a request
 * deciding in another transaction meanwhile sees it taken), or returns false when none is left.
 * A transaction that does not commit gives its places back (`settle`).
 */
function takePlace(flight: InFlight, budget: Budget, perHour: number): boolean {
  const used = budget.counted + (flight.committed - budget.committedBefore) + flight.pending;
  if (used >= perHour) return false;
  budget.taken++;
  flight.pending++;
  return true;
}

/** The shared transactions intake has committed so far on this database (benchmarks, tests). */
export function intakeCommitStats(deps: Deps): IntakeGroup['stats'] | undefined {
  return groups.get(deps.db)?.group.stats;
}

/** Housekeeping runs at most this often per database and process: it decides nothing. */
const HOUSEKEEPING_MS = 10_000;
const lastHousekeeping = new WeakMap<object, number>();

async function housekeeping(deps: Deps, now: number): Promise<void> {
  const last = lastHousekeeping.get(deps.db);
  if (last !== undefined && now >= last && now - last < HOUSEKEEPING_MS) return;
  lastHousekeeping.set(deps.db, now);
  await purgeSpentTokens(deps.db, now);
  await purgeCounts(deps.db, BUDGET_COUNTER, budgetWindowStart(now));
}

/**
 * Saves a request once per form. Everything happens in one transaction: the form token is
 * spent, the budget counted and the case saved together, so a crash at any instant leaves
 * either all of it or none, and a form whose request was not saved can always be sent again.
 * That transaction may hold other people's requests too (group commit, ADR 22): one that
 * cannot be saved fails the shared transaction, and each of its requests is saved again in a
 * transaction of its own, so only that one fails; the answer comes only once the commit is
 * durable. A second copy of the same form (a reload of the receipt page, a
 * double click, a retry on a slow link) finds its token spent and opens no second case; a
 * parallel copy waits for the first to commit (or, in the same transaction, finds it spent).
 * The spent token is kept only until it would have expired anyway. A request that looks
 * automated (see `suspicion`) or comes beyond the hourly budget is saved as suspected spam;
 * the person is answered exactly the same either way.
 */
export async function submitOnce(
  deps: Deps,
  formToken: string,
  issuedAt: number,
  input: NewRequestInput,
  honeypot = '',
  attachments: readonly StagedAttachment[] = [],
): Promise<SubmitOutcome> {
  const now = deps.now();
  // Housekeeping outside the transaction: it decides nothing and may be repeated.
  await housekeeping(deps, now);
  const token = oneTimeToken(deps.vault, 'intake-form-token', formToken, issuedAt);
  // Suspicious or beyond the budget: saved all the same, in the suspected-spam queue. Only
  // a request that looks like a person's takes a place in the budget (saveSubmissions), so a
  // robot filling the honeypot cannot use it up.
  const suspected = suspicion({
    honeypot,
    issuedAt,
    now,
    minFillMs: deps.config.intakeMinFillSeconds * 1000,
  });
  // Files streamed in beforehand are attached in the same transaction as the case (ADR 26).
  return intakeGroup(deps).group.run({ token, input, suspected, ...(attachments.length ? { attachments } : {}) });
}

export interface FollowupSession {
  idHash: string;
  caseId: number;
  csrfToken: string;
}

function sessionHash(deps: Deps, cookie: string): string {
  return deps.vault.keyedHash('requester-session', cookie);
}

/**
 * Opens a follow-up session for a receipt, or returns null for any wrong receipt (malformed,
 * unknown, or anything else): the caller cannot tell why, and neither can the person.
 */
export async function openFollowup(
  deps: Deps,
  receipt: string,
): Promise<{ cookie: string; session: FollowupSession } | null> {
  const now = deps.now();
  // The same work before the answer is known: the purge, one lookup, two tokens.
  await repo.purgeExpiredSessions(deps.db, now);
  const caseId = await caseIdForReceipt(deps, receipt);
  const cookie = newToken();
  const csrfToken = newToken();
  const idHash = sessionHash(deps, cookie);
  if (caseId === null) return null;
  await repo.insertSession(deps.db, {
    id_hash: idHash,
    case_id: caseId,
    csrf_token: csrfToken,
    created_at: now,
    expires_at: now + FOLLOWUP_IDLE_MS,
  });
  return { cookie, session: { idHash, caseId, csrfToken } };
}

/** The live session behind a cookie, its idle timer restarted; null when absent or ended. */
export async function resumeFollowup(
  deps: Deps,
  cookie: string | undefined,
): Promise<FollowupSession | null> {
  if (!cookie || cookie.length > 100) return null;
  const now = deps.now();
  const row = await repo.findSession(deps.db, sessionHash(deps, cookie), now);
  if (!row) return null;
  const expiresAt = Math.min(now + FOLLOWUP_IDLE_MS, row.created_at + FOLLOWUP_MAX_MS);
  if (expiresAt <= now) return null;
  await repo.extendSession(deps.db, row.id_hash, expiresAt);
  return { idHash: row.id_hash, caseId: row.case_id, csrfToken: row.csrf_token };
}

/**
 * Adds the requester's message to their case. With the form's token, the pair (token,
 * message) is spent in the message's own transaction: a resend of the same form with the same
 * text adds nothing, while a different text written on the same page (after going back) is
 * a new message and is saved.
 */
export async function sendFollowupMessage(
  deps: Deps,
  session: FollowupSession,
  body: string,
  once?: { token: string; issuedAt: number; form?: string },
  attachments: readonly StagedAttachment[] = [],
): Promise<'added' | 'already_added'> {
  const files = attachments.length ? { attachments } : {};
  if (!once) return addRequesterMessage(deps, session.caseId, body, files);
  const token = oneTimeToken(deps.vault, `${once.form ?? MESSAGE_FORM}-token`, `${once.token}\0${body}`, once.issuedAt);
  return addRequesterMessage(deps, session.caseId, body, { once: token, ...files });
}

/** Ends whatever session a cookie still points to, so re-entering a code never leaves two behind. */
export async function endFollowupCookie(deps: Deps, cookie: string | undefined): Promise<void> {
  if (cookie && cookie.length <= 100) await repo.deleteSession(deps.db, sessionHash(deps, cookie));
}

/** Ends a follow-up session ("leave"). */
export async function leaveFollowup(deps: Deps, session: FollowupSession): Promise<void> {
  await repo.deleteSession(deps.db, session.idHash);
}
