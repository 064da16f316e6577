import type { Deps } from '../../deps.js';
import { actorOf, auditWrite, type AuditEntry } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { SealedError } from '../../platform/crypto/vault.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { caseTextsForIndex, searchResultRows, visibleCaseIds, type QueueRow } from '../cases/index.js';
import * as repo from './search.repo.js';
import { SEARCH_LIMIT, type SearchQuery } from './search.schema.js';
import { CASE_TOKENS_MAX, caseNumberOf, documentTokens, queryTokens, type Token } from './tokens.js';

// The search index's use cases (ADR 37): indexing a case (after each change, from the cases
// module's events), the walk that indexes every case under the active key (a new install, a
// restore, a key rotation), and the search itself, limited to the cases the person may know.

/** The purpose string every search token is hashed under (Vault.searchToken). */
const PURPOSE = 'search-token';
/** How many index entries the look for a query's rarest token reads per token at most. */
const RARITY_CAP = 2_000;
/**
 * Cases one walk transaction indexes: about 1.4 ms each (open, tokenise, hash, write), so a batch
 * holds the event loop some 35 ms on SQLite, within background work's budget (ADR 23).
 */
export const WALK_BATCH = 25;

/** What indexing a case did. */
export type IndexOutcome = 'indexed' | 'dropped' | 'stale';

/** The distinct tokens of a case's texts, at most CASE_TOKENS_MAX. */
function caseTokens(texts: readonly string[]): Token[] {
  const out = new Set<Token>();
  for (const text of texts) {
    for (const t of documentTokens(text)) {
      out.add(t);
      if (out.size >= CASE_TOKENS_MAX) return [...out];
    }
  }
  return [...out];
}

/** Distinct hashes (two tokens that hash alike under the cut are one row). */
function distinctHashes(hashes: Buffer[]): Buffer[] {
  const seen = new Map<string, Buffer>();
  for (const h of hashes) seen.set(h.toString('hex'), h);
  return [...seen.values()];
}

/**
 * Indexes case `caseId` as it is now, in one transaction: its tokens (words and indicators of its
 * messages, replies, notes and contact) replace what the index had, under the active content
 * key's search subkey. A purged or unknown case leaves the index. While the instance is sealed
 * (no key to open the case or to hash with) the case is marked stale instead, and the index job
 * indexes it after an unseal. Idempotent: events are delivered at least once.
 */
export async function indexCase(deps: Deps, caseId: number): Promise<IndexOutcome> {
  const now = deps.now();
  try {
    return await deps.db.transaction().execute((trx) => indexIn(deps, trx, caseId, now));
  } catch (e) {
    if (!(e instanceof SealedError)) throw e;
    await repo.markStale(deps.db, caseId, now);
    return 'stale';
  }
}

/** Indexes one case inside `trx` (see indexCase); SealedError while sealed. */
async function indexIn(deps: Deps, trx: repo.Db, caseId: number, now: number): Promise<IndexOutcome> {
  const doc = await caseTextsForIndex(deps, trx, caseId);
  if (!doc || doc.purged) {
    await repo.dropCase(trx, caseId);
    return 'dropped';
  }
  const keyId = deps.vault.searchKeyId();
  const hashes = distinctHashes(caseTokens(doc.texts).map((t) => deps.vault.searchToken(keyId, PURPOSE, t)));
  await repo.replaceCaseTokens(trx, caseId, keyId, hashes, now);
  return 'indexed';
}

/**
 * Indexes `caseIds` in one transaction (the walk's batch: one commit for many cases); false when
 * the instance is sealed, and then nothing of the batch is written.
 */
async function indexBatch(deps: Deps, caseIds: readonly number[]): Promise<boolean> {
  const now = deps.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      for (const id of caseIds) await indexIn(deps, trx, id, now);
    });
    return true;
  } catch (e) {
    if (e instanceof SealedError) return false;
    throw e;
  }
}

/** What one run of the index job did. */
export interface IndexRun {
  /** Cases indexed by the walk and from the stale marks. */
  indexed: number;
  /** The walk under the active key reached the last case (every case is under it). */
  finished: boolean;
  /** Nothing could be done: the instance is sealed. */
  sealed: boolean;
}

/**
 * The index job's work: cases marked stale first, then the walk under the active key from where
 * it stopped, in transactions of WALK_BATCH cases, breathing between them (pace.ts) and ending at
 * a transaction boundary when the process stops; the walk's position is saved with each batch, so
 * a stopped or crashed walk resumes, in any process. A finished walk drops what other keys left.
 * While sealed it does nothing. `maxCases` bounds one run (0: no bound).
 */
export async function runIndexing(deps: Deps, pace: Pace, maxCases = 0): Promise<IndexRun> {
  let keyId: number;
  try {
    keyId = deps.vault.searchKeyId();
  } catch (e) {
    if (e instanceof SealedError) return { indexed: 0, finished: false, sealed: true };
    throw e;
  }
  let indexed = 0;
  const room = () => maxCases === 0 || indexed < maxCases;
  // Changes made while sealed.
  for (let stale = await repo.staleCases(deps.db, WALK_BATCH); stale.length > 0 && room(); stale = await repo.staleCases(deps.db, WALK_BATCH)) {
    if (!(await indexBatch(deps, stale))) return { indexed, finished: false, sealed: true };
    indexed += stale.length;
    await pace.breathe();
  }
  await repo.startWalk(deps.db, keyId, deps.now());
  for (;;) {
    const walk = await repo.walkOf(deps.db, keyId);
    if (!walk) return { indexed, finished: false, sealed: false };
    if (!room()) return { indexed, finished: false, sealed: false };
    // After its first end the walk goes on from its last case at every run: cases written
    // without an event (the demo's bulk load, a restore) are indexed too; the others are skipped.
    const { ids, lastSeen, full } = await repo.casesToWalk(deps.db, keyId, walk.after_id, WALK_BATCH);
    if (ids.length > 0) {
      if (!(await indexBatch(deps, ids))) return { indexed, finished: false, sealed: true };
      indexed += ids.length;
    }
    if (!full) {
      if (walk.finished_at === null) {
        // The first end under this key: every case is under it, so what other keys left goes.
        await deps.db.transaction().execute(async (trx) => {
          await repo.dropOtherKeys(trx, keyId);
          await repo.advanceWalk(trx, keyId, lastSeen ?? walk.after_id, deps.now());
        });
      } else if (lastSeen !== null) {
        await repo.advanceWalk(deps.db, keyId, lastSeen, null);
      }
      return { indexed, finished: true, sealed: false };
    }
    await repo.advanceWalk(deps.db, keyId, lastSeen!, null);
    await pace.breathe();
  }
}

/** A page of search results. */
export interface SearchPage {
  /** The query was a case number the person may know: its page. */
  jump: number | null;
  rows: QueueRow[];
  /** The next page's cursor (the last id shown), or null. */
  nextCursor: string | null;
}

/**
 * Searches the cases `actor` may know for `query`: cases having every token of the query (AND),
 * newest first, SEARCH_LIMIT a page. A query that is only a case number the person may know
 * jumps to it. Each search is audited (`search.searched`) with what kind of tokens it had and how
 * many cases it showed — never its words, nor their hashes — and each case shown is audited as
 * found (`search.matched`), in one statement, before the page is answered.
 */
export async function searchCases(deps: Deps, actor: Principal, query: SearchQuery): Promise<Result<SearchPage>> {
  const number = caseNumberOf(query.q);
  if (number !== null && query.cursor === undefined && (await visibleCaseIds(deps.db, actor, [number])).has(number)) {
    await auditWrite(deps.db, deps.now(), {
      ...actorOf(actor),
      action: 'search.searched',
      caseId: null,
      detail: { kinds: 'case_number', results: 1 },
    }).execute();
    return ok({ jump: number, rows: await searchResultRows(deps, [number]), nextCursor: null });
  }
  const tokens = queryTokens(query.q);
  // A case number too short to be a word ("#7") that names no case the person may know: none found.
  if (tokens.length === 0 && number === null) return fail('VALIDATION_FAILED', 'q');
  const range = await repo.keyRange(deps.db);
  let ids: number[] = [];
  if (range && tokens.length > 0) {
    const keys = deps.vault.searchKeyIds().filter((k) => k >= range.min && k <= range.max);
    const terms = tokens.map((t) => keys.map((k) => deps.vault.searchToken(k, PURPOSE, t)));
    if (keys.length > 0) {
      const counts = await Promise.all(terms.map((hashes) => repo.countUpTo(deps.db, hashes, RARITY_CAP)));
      const driver = counts.indexOf(Math.min(...counts));
      if (counts[driver]! > 0)
        ids = await repo.matchingCases(deps.db, actor, terms, driver, query.cursor ?? null, SEARCH_LIMIT + 1);
    }
  }
  const more = ids.length > SEARCH_LIMIT;
  const shown = more ? ids.slice(0, SEARCH_LIMIT) : ids;
  const kinds = [...new Set(tokens.map((t) => t.slice(0, t.indexOf(':'))))].sort().join(',');
  const entries: [AuditEntry, ...AuditEntry[]] = [
    { ...actorOf(actor), action: 'search.searched', caseId: null, detail: { kinds, tokens: tokens.length, results: shown.length } },
    ...shown.map((caseId) => ({ ...actorOf(actor), action: 'search.matched', caseId })),
  ];
  const [, rows] = await Promise.all([auditWrite(deps.db, deps.now(), ...entries).execute(), searchResultRows(deps, shown)]);
  return ok({ jump: null, rows, nextCursor: more ? String(shown[shown.length - 1]) : null });
}

/** The index's size (rows, cases, bytes where the engine tells): for `npm run bench`. */
export async function searchIndexSize(deps: Deps) {
  return repo.indexSize(deps.db, deps.dialect === 'postgres');
}
