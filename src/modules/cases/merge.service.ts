import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { LEAD_ROLES, mayKnow, whoMayKnow } from './access.js';
import { can } from './case.policy.js';
import * as repo from './case.repo.js';
import * as links from './link.repo.js';
import { resealMessageBody } from './message-body.js';
import { rewrapFileKey } from './attachment.service.js';

// Merging a duplicate into another case (ADR 38). In one transaction: the duplicate's messages
// (requester's, replies, notes) move to the other case, each body sealed again under that case's
// key, and its files' keys wrapped again under it; each moved message keeps the receipt it belongs
// to (`via_case_id`), so the duplicate's requester keeps reading their own conversation, and no
// one else's, through their receipt. The duplicate stays, closed and marked `merged_into`, for
// the audit trail, reports and retention. Both cases are audited, and `case.merged` tells the
// search index to index both again.

/** Thrown inside the transaction to roll all of it back (the spent token too). */
class Refuse extends Error {
  constructor(
    readonly code:
      | 'NOT_FOUND'
      | 'FORBIDDEN'
      | 'CONFLICT'
      | 'CASE_LINK_UNKNOWN'
      | 'CASE_MERGE_SELF'
      | 'CASE_MERGED'
      | 'CASE_MERGE_TARGET'
      | 'CASE_MERGE_WIDENS',
    readonly field?: string,
  ) {
    super(code);
  }
}

/** What a merge did. */
export interface MergeOutcome {
  /** The same form had been sent already: nothing was done this time. */
  repeated: boolean;
  /** The case merged into (for a repeated form, the one the duplicate was merged into, if it was). */
  into: number | null;
  messages: number;
  files: number;
}

/**
 * Whether everyone who may know case `into` may know case `dup` too: a merge must never let
 * more people read the duplicate's conversation than could before. An unrestricted duplicate:
 * always. A restricted one into an unrestricted case: never. Both restricted: the people listed
 * for `into` and every lead (the only ones a restricted case can be known to) are asked of both.
 */
async function mergeKeepsItsReaders(db: repo.Db, dup: { id: number; restricted: number }, into: { id: number; restricted: number }) {
  if (dup.restricted === 0) return true;
  if (into.restricted === 0) return false;
  const listed = await db.selectFrom('case_access').select('user_id').where('case_id', '=', into.id).execute();
  const leads = await db
    .selectFrom('users')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('users.role', 'in', LEAD_ROLES),
        eb.exists(eb.selectFrom('user_roles').select('user_roles.user_id').whereRef('user_roles.user_id', '=', 'users.id').where('user_roles.role', 'in', LEAD_ROLES)),
      ]),
    )
    .execute();
  const candidates = [...new Set([...listed.map((r) => r.user_id), ...leads.map((r) => r.id)])];
  const knowInto = await whoMayKnow(db, into.id, candidates);
  const knowDup = await whoMayKnow(db, dup.id, [...knowInto]);
  return [...knowInto].every((id) => knowDup.has(id));
}

/**
 * Merges case `dupId` into case `intoId` for `actor`, in one transaction (see above).
 *
 * Refusals, each writing nothing: NOT_FOUND when the actor may not know the duplicate; FORBIDDEN
 * unless they may merge it (`case.merge`: leads; a handler who holds it, into a case they hold or
 * nobody does); CASE_MERGE_SELF; CASE_MERGED when it was merged already; CONFLICT when its
 * personal data was deleted or it changed since `version` (when given), and for the loser of two
 * merges at once; CASE_LINK_UNKNOWN (field `into`) for a number naming no case the actor may know,
 * the same answer whether it exists or not; CASE_MERGE_TARGET when that case is not active (closed,
 * resolved, spam, merged, purged); CASE_MERGE_WIDENS when people who may know that case could not
 * know the duplicate (a restricted duplicate into a less restricted case). With `once`, the form's
 * token is spent here: the same form sent again answers `repeated`.
 */
export async function mergeCase(
  deps: Deps,
  actor: Principal,
  dupId: number,
  intoId: number,
  opts: { once?: OneTimeToken | undefined; version?: number | undefined } = {},
): Promise<Result<MergeOutcome>> {
  const now = deps.now();
  const postgres = deps.dialect === 'postgres';
  try {
    return await deps.db.transaction().execute(async (trx): Promise<Result<MergeOutcome>> => {
      // Both rows held, in id order, until the end: two merges at once (of the same case, or
      // of each into the other) run one after the other, and the second sees the first's work.
      if (postgres && intoId !== dupId)
        await sql`select id from cases where id in (${dupId}, ${intoId}) order by id for update`.execute(trx);
      const dup = await repo.getCaseRow(trx, dupId);
      if (!dup || !(await mayKnow(trx, actor, dup))) throw new Refuse('NOT_FOUND');
      if (opts.once && !(await spendToken(trx, opts.once)))
        return ok({ repeated: true, into: dup.merged_into, messages: 0, files: 0 });
      if (!can(actor, 'case.merge', dup)) throw new Refuse('FORBIDDEN');
      if (intoId === dupId) throw new Refuse('CASE_MERGE_SELF', 'into');
      if (dup.merged_into !== null) throw new Refuse('CASE_MERGED');
      if (dup.purged_at !== null || dup.status === 'spam') throw new Refuse('CONFLICT');
      const into = await repo.getCaseRow(trx, intoId);
      if (!into || !(await mayKnow(trx, actor, into))) throw new Refuse('CASE_LINK_UNKNOWN', 'into');
      // A handler merges into a case they hold, or that nobody holds yet.
      if (!can(actor, 'case.merge', { assignee_id: into.assignee_id ?? actor.userId })) throw new Refuse('FORBIDDEN', 'into');
      if (into.merged_into !== null || into.purged_at !== null || !(ACTIVE_STATUSES as readonly string[]).includes(into.status))
        throw new Refuse('CASE_MERGE_TARGET', 'into');
      if (!(await mergeKeepsItsReaders(trx, dup, into))) throw new Refuse('CASE_MERGE_WIDENS', 'into');
      // The page's version, once the other case is known to be one this person may know.
      if (opts.version !== undefined && dup.version !== opts.version) throw new Refuse('CONFLICT');

      // The duplicate first, at the version read: of two merges at once, the second stops here.
      if (!(await links.markMerged(trx, dupId, intoId, dup.version, now))) throw new Refuse('CONFLICT');
      const fromKey = deps.vault.caseKey(dupId, dup.key_wrapped);
      const toKey = deps.vault.caseKey(intoId, into.key_wrapped);
      const moving = await links.messagesToMove(trx, dupId);
      for (const m of moving)
        await links.moveMessage(trx, m.id, intoId, resealMessageBody(deps.vault, fromKey, toKey, m), m.via_case_id ?? dupId);
      const files = await links.attachmentsToMove(trx, dupId);
      for (const f of files) await links.moveAttachment(trx, f.id, intoId, rewrapFileKey(deps.vault, fromKey, toKey, f));

      // The case merged into: it may now need a reply (the duplicate's requester was waiting).
      const awaiting = dup.awaiting_reply === 1 && (ACTIVE_STATUSES as readonly string[]).includes(dup.status);
      if (
        !(await repo.updateCaseIfVersion(trx, intoId, undefined, {
          updated_at: now,
          last_activity_at: Math.max(Number(into.last_activity_at), Number(dup.last_activity_at)),
          ...(awaiting ? { awaiting_reply: 1 } : {}),
        }))
      )
        throw new Refuse('CONFLICT');
      const counts = { messages: moving.length, files: files.length };
      await recordAudit(trx, now, { ...actorOf(actor), action: 'case.merged', caseId: dupId, detail: { case: intoId, ...counts } });
      if (dup.status !== 'closed')
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.status_changed', caseId: dupId, detail: { from: dup.status, to: 'closed' } });
      await recordAudit(trx, now, { ...actorOf(actor), action: 'case.merged_in', caseId: intoId, detail: { case: dupId, ...counts } });
      // Identifiers only: the search index reads both cases again after commit (ADR 37).
      await recordEvent(trx, { type: 'case.merged', payload: { caseId: dupId, into: intoId, by: actor.userId } }, now);
      if (dup.status !== 'closed')
        await recordEvent(trx, { type: 'case.status_changed', payload: { caseId: dupId, from: dup.status, to: 'closed' } }, now);
      return ok({ repeated: false, into: intoId, ...counts });
    });
  } catch (e) {
    if (e instanceof Refuse) return fail(e.code, e.field);
    throw e;
  }
}
