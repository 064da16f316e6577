import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { SealedError, DecryptionError } from '../../platform/crypto/vault.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { isSpent, spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { inTransaction } from '../../platform/storage/db.js';
import { listTeamRosters, staffNames, type TeamRoster } from '../accounts/index.js';
import { caseClock, teamActiveCases, type HandoverCase } from '../cases/index.js';
import * as repo from './handover.repo.js';
import { loadSchedules } from './schedule.service.js';
import './shift.errors.js';
import { incomingShift, shiftsEndingIn } from './shift.js';
import { shiftsPolicy } from './shift.policy.js';

// The handover at every shift's end (ADR 33): opened by a job a little before the shift ends,
// once per team and end across processes; the team's active cases listed as they are when the
// page is read, each reader seeing only the cases they may know exist; notes from the outgoing
// shift, sealed by the vault; the incoming lead's acknowledgement, audited.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A handover opens this long before its shift ends, so the outgoing people can write before they go. */
export const HANDOVER_OPENS_BEFORE_MS = 30 * MINUTE_MS;
/** Shifts that ended this long ago still get their handover (a worker that was down). */
export const HANDOVER_LOOKBACK_MS = 12 * 60 * MINUTE_MS;
/** Notes are deleted this long after their shift ended: they may name cases and people. */
export const NOTE_KEEP_MS = 30 * DAY_MS;
/** Most cases a handover lists; beyond them it says there are more (the queue has them all). */
export const HANDOVER_CASES_MAX = 200;

/** The vault context of a note's ciphertext: binds it to its note. */
const noteContext = (noteId: string) => `handover-note:${noteId}`;

/**
 * Opens the handovers of every team's shifts that end within the next HANDOVER_OPENS_BEFORE_MS
 * (or ended within HANDOVER_LOOKBACK_MS and have none), each in its own transaction with its
 * outbox event. Two processes running this at once make one handover per team and end (the
 * unique key). A handover not yet due whose people changed since (an exception) is brought up
 * to date. Returns how many it opened.
 */
export async function openDueHandovers(deps: Deps, pace?: Pace): Promise<number> {
  const now = deps.now();
  const from = now - HANDOVER_LOOKBACK_MS;
  const to = now + HANDOVER_OPENS_BEFORE_MS;
  // The incoming shift may start up to a week after the outgoing one ends.
  const schedules = await loadSchedules(deps, { from, to: to + 8 * DAY_MS });
  const known = await repo.endingIn(deps.db, from, to);
  let opened = 0;
  for (const schedule of schedules) {
    for (const shift of shiftsEndingIn(schedule, from, to)) {
      const key = `${schedule.teamId}:${shift.endsAt}`;
      // Made already, and past or acknowledged: nothing to do (most runs end here).
      if (known.has(key) && (shift.endsAt <= now || known.get(key) === true)) continue;
      const slot = schedule.slots.find((s) => s.id === shift.slotId);
      // A slot added after this occurrence ended has no handover for it.
      if (slot?.createdAt !== undefined && slot.createdAt > shift.endsAt) continue;
      const incoming = incomingShift(schedule, shift);
      const people = {
        outgoingLeadId: shift.leadId,
        outgoingIds: shift.memberIds,
        incomingLeadId: incoming?.leadId ?? null,
        incomingIds: incoming?.memberIds ?? [],
      };
      const id = crypto.randomUUID();
      const added =
        !known.has(key) &&
        (await deps.db.transaction().execute(async (trx) => {
          const inserted = await repo.insertHandover(trx, {
            id,
            teamId: schedule.teamId,
            slotId: shift.slotId,
            startsAt: shift.startsAt,
            endsAt: shift.endsAt,
            createdAt: now,
            ...people,
          });
          if (inserted) {
            await recordEvent(
              trx,
              {
                type: 'shifts.handover_opened',
                payload: { handover: id, team: schedule.teamId, ends_at: shift.endsAt },
              },
              now,
            );
          }
          return inserted;
        }));
      if (added) opened += 1;
      else if (shift.endsAt > now) {
        const existing = await repo.findByTeamEnd(deps.db, schedule.teamId, shift.endsAt);
        if (existing && existing.acknowledgedAt === null && !samePeople(existing, people)) {
          await repo.updatePeople(deps.db, existing.id, now, people);
        }
      }
      await pace?.breathe();
    }
  }
  return opened;
}

function samePeople(
  a: Pick<repo.HandoverRow, 'outgoingLeadId' | 'outgoingIds' | 'incomingLeadId' | 'incomingIds'>,
  b: typeof a,
): boolean {
  return (
    a.outgoingLeadId === b.outgoingLeadId &&
    a.incomingLeadId === b.incomingLeadId &&
    JSON.stringify(a.outgoingIds) === JSON.stringify(b.outgoingIds) &&
    JSON.stringify(a.incomingIds) === JSON.stringify(b.incomingIds)
  );
}

/** Deletes the notes of handovers whose shift ended more than NOTE_KEEP_MS ago. How many went. */
export async function purgeOldNotes(deps: Deps): Promise<number> {
  return repo.deleteNotesEndedBefore(deps.db, deps.now() - NOTE_KEEP_MS);
}

// ---- Reading -------------------------------------------------------------------------------

/** A handover as the pages show it: team and people by name. */
export interface HandoverSummary extends repo.HandoverRow {
  teamName: string;
  /** Ended (due) and nobody acknowledged it yet. */
  waiting: boolean;
}

/** Names of everyone a list of handovers mentions. */
export async function namesFor(
  deps: Pick<Deps, 'db'>,
  handovers: readonly repo.HandoverRow[],
): Promise<Map<string, string>> {
  const ids = handovers.flatMap((h) => [
    ...h.outgoingIds,
    ...h.incomingIds,
    ...[h.outgoingLeadId, h.incomingLeadId, h.acknowledgedBy].filter(
      (x): x is string => x !== null,
    ),
  ]);
  return staffNames(deps, ids);
}

/** The page size of /staff/handovers. */
export const HANDOVERS_PAGE = 50;

/**
 * Recent handovers, newest end first (those not yet due too, once open), or only the
 * unacknowledged ones that are due; with the names they mention and whether there is a next page.
 */
export async function listRecentHandovers(
  deps: Deps,
  p: { unacknowledgedOnly: boolean; before?: { endsAt: number; id: string } },
): Promise<{ handovers: HandoverSummary[]; names: Map<string, string>; more: boolean }> {
  const now = deps.now();
  const rows = await repo.listHandovers(deps.db, {
    limit: HANDOVERS_PAGE + 1,
    now,
    opensBy: now + HANDOVER_OPENS_BEFORE_MS,
    unacknowledgedOnly: p.unacknowledgedOnly,
    ...(p.before ? { before: p.before } : {}),
  });
  const page = rows.slice(0, HANDOVERS_PAGE);
  const teams = new Map(
    (await listTeamRosters(deps, [...new Set(page.map((h) => h.teamId))])).map((t) => [
      t.id,
      t.name,
    ]),
  );
  return {
    handovers: page.map((h) => ({
      ...h,
      teamName: teams.get(h.teamId) ?? '',
      waiting: h.acknowledgedAt === null && h.endsAt <= now,
    })),
    names: await namesFor(deps, page),
    more: rows.length > HANDOVERS_PAGE,
  };
}

/** How many handovers are due and unacknowledged, for coordinators and administrators only (0 for others). */
export async function countWaitingHandovers(
  deps: Pick<Deps, 'db' | 'now'>,
  actor: Principal,
  max: number,
): Promise<number> {
  if (!shiftsPolicy.can(actor, 'shift.edit')) return 0;
  return repo.countUnacknowledged(deps.db, deps.now(), max);
}

/** Where a case stands at handover; each case is listed once, in the first section that applies. */
export const SECTIONS = ['overdue', 'escalated', 'waiting', 'open'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * A case's section: overdue (no first reply and its deadline passed), escalated (the requester
 * has waited unanswered past the shift lead's point), waiting (on the requester), else open.
 */
export function sectionOf(
  c: HandoverCase,
  now: number,
  leadMinutes: number,
  directorMinutes: number,
): Section {
  const clock = caseClock(c, now, leadMinutes, directorMinutes);
  if (clock.first.kind === 'overdue') return 'overdue';
  if (clock.escalation !== 'none') return 'escalated';
  if (c.status === 'waiting') return 'waiting';
  return 'open';
}

/** A team's active cases by section, those `actor` may know exist, and whether there were more. */
export async function caseBoard(
  deps: Deps,
  actor: Principal,
  roster: TeamRoster,
  now: number,
): Promise<{ sections: Record<Section, HandoverCase[]>; more: boolean }> {
  const cases = await teamActiveCases(deps, actor, roster, HANDOVER_CASES_MAX + 1);
  const sections: Record<Section, HandoverCase[]> = {
    overdue: [],
    escalated: [],
    waiting: [],
    open: [],
  };
  for (const c of cases.slice(0, HANDOVER_CASES_MAX)) {
    sections[
      sectionOf(c, now, deps.config.escalateLeadMinutes, deps.config.escalateDirectorMinutes)
    ].push(c);
  }
  return { sections, more: cases.length > HANDOVER_CASES_MAX };
}

/** A note as the page shows it: its text, or null when the vault cannot open it now (sealed). */
export interface ShownNote {
  id: string;
  authorId: string | null;
  createdAt: number;
  text: string | null;
}

/** Everything the handover page shows. */
export interface HandoverView {
  handover: HandoverSummary;
  roster: TeamRoster;
  names: Map<string, string>;
  sections: Record<Section, HandoverCase[]>;
  moreCases: boolean;
  notes: ShownNote[];
  /** The reader may write a note / acknowledge it (policy with the facts). */
  canNote: boolean;
  canAcknowledge: boolean;
}

/** Whether `actor` is on the handover's team or either of its shifts. */
function involved(actor: Principal, h: repo.HandoverRow, roster: TeamRoster | undefined): boolean {
  return (
    h.outgoingIds.includes(actor.userId) ||
    h.incomingIds.includes(actor.userId) ||
    (roster?.memberIds.includes(actor.userId) ?? false)
  );
}

/**
 * The handover page: the handover, its team's active cases the reader may know exist, by
 * section, and its notes opened (audited as `handover.viewed` when there are notes, since they
 * may name cases; not when the page is shown again after a refused form, which writes
 * nothing). NOT_FOUND for an unknown handover.
 */
export async function viewHandover(
  deps: Deps,
  actor: Principal,
  id: string,
  opts: { audit: boolean } = { audit: true },
): Promise<Result<HandoverView>> {
  const allowed = shiftsPolicy.authorize(actor, 'handover.view');
  if (!allowed.ok) return allowed;
  const h = await repo.findHandover(deps.db, id);
  if (!h) return fail('NOT_FOUND');
  const now = deps.now();
  const [roster] = await listTeamRosters(deps, [h.teamId]);
  if (!roster) return fail('NOT_FOUND');
  const [board, stored, names] = await Promise.all([
    caseBoard(deps, actor, roster, now),
    repo.listNotes(deps.db, id),
    namesFor(deps, [h]),
  ]);
  const notes: ShownNote[] = stored.map((n) => {
    try {
      return {
        id: n.id,
        authorId: n.authorId,
        createdAt: n.createdAt,
        text: deps.vault.openToKey(noteContext(n.id), n.bodyEnc),
      };
    } catch (e) {
      if (e instanceof SealedError || e instanceof DecryptionError)
        return { id: n.id, authorId: n.authorId, createdAt: n.createdAt, text: null };
      throw e;
    }
  });
  const authors = await staffNames(
    deps,
    notes.map((n) => n.authorId).filter((a): a is string => a !== null),
  );
  for (const [k, v] of authors) names.set(k, v);
  if (opts.audit && notes.some((n) => n.text !== null)) {
    await recordAudit(deps.db, now, {
      ...actorOf(actor),
      action: 'handover.viewed',
      caseId: null,
      detail: { handover: id, notes: notes.length },
    });
  }
  const facts = {
    involved: involved(actor, h, roster),
    incomingLead: h.incomingLeadId === actor.userId,
  };
  return ok({
    handover: {
      ...h,
      teamName: roster.name,
      waiting: h.acknowledgedAt === null && h.endsAt <= now,
    },
    roster,
    names,
    sections: board.sections,
    moreCases: board.more,
    notes,
    canNote: shiftsPolicy.can(actor, 'handover.note', facts),
    canAcknowledge:
      h.acknowledgedAt === null && shiftsPolicy.can(actor, 'handover.acknowledge', facts),
  });
}

// ---- Changing ------------------------------------------------------------------------------

/**
 * Re-seals, under the vault's active key, every handover note sealed to an older one, in
 * batches (the module contract's `resealToActiveKey`): the vault runs it before a rotation or
 * leaving sealed mode retires the older keys, so every note still opens afterwards. Needs the
 * vault unsealed (SealedError otherwise). A note changed or deleted meanwhile is skipped; one
 * that no key opens (damaged) is left as it is, shown as unreadable as before. Given a
 * transaction, it runs inside it; otherwise each batch is its own. Returns how many moved.
 */
export async function resealHandoverNotes(deps: Pick<Deps, 'db' | 'vault'>, batchSize = 200): Promise<number> {
  const active = deps.vault.activeKeyId;
  let after = '';
  let moved = 0;
  for (;;) {
    const page = await repo.notePage(deps.db, after, batchSize);
    if (page.length === 0) return moved;
    after = page.at(-1)!.id;
    const changes: { id: string; before: Buffer; after: Buffer }[] = [];
    for (const n of page) {
      const keyId = deps.vault.toKeyId(n.bodyEnc);
      if (keyId === null || keyId === active) continue;
      let text: string;
      try {
        text = deps.vault.openToKey(noteContext(n.id), n.bodyEnc);
      } catch (e) {
        if (e instanceof DecryptionError) continue;
        throw e;
      }
      changes.push({ id: n.id, before: n.bodyEnc, after: deps.vault.sealToKey(noteContext(n.id), text).sealed });
    }
    if (changes.length === 0) continue;
    await inTransaction(deps.db, async (db) => {
      for (const c of changes) if (await repo.swapNoteBody(db, c.id, c.before, c.after)) moved += 1;
    });
  }
}

/**
 * Adds a note to a handover, sealed by the vault (it may name cases and people; it works while
 * sealed, and is read after an unseal); audited as `handover.note_added` (never its text). The
 * form's one-time token is spent in the same transaction: the same form sent twice adds one
 * note (`repeated`). NOT_FOUND for an unknown handover; FORBIDDEN for a handler who is neither
 * on its team nor on either shift.
 */
export async function addNote(
  deps: Deps,
  actor: Principal,
  id: string,
  text: string,
  once: OneTimeToken,
): Promise<Result<{ repeated: boolean }>> {
  const allowed = shiftsPolicy.authorize(actor, 'handover.note');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const h = await repo.findHandover(trx, id, deps.dialect);
    if (!h) return fail<{ repeated: boolean }>('NOT_FOUND');
    const [roster] = await listTeamRosters({ db: trx }, [h.teamId]);
    const may = shiftsPolicy.authorize(actor, 'handover.note', {
      involved: involved(actor, h, roster),
    });
    if (!may.ok) return may;
    if (!(await spendToken(trx, once))) return ok({ repeated: true });
    // To the key the database names active (ADR 21): a rotation started in another process
    // waits for this transaction before it re-seals the notes and retires the older key.
    await deps.vault.refresh(trx);
    const noteId = crypto.randomUUID();
    await repo.insertNote(trx, {
      id: noteId,
      handoverId: id,
      authorId: actor.userId,
      bodyEnc: deps.vault.sealToKey(noteContext(noteId), text).sealed,
      createdAt: now,
    });
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'handover.note_added',
      caseId: null,
      detail: { handover: id, note: noteId },
    });
    return ok({ repeated: false });
  });
}

/**
 * The incoming lead (or a coordinator or administrator) acknowledges a handover: one
 * transaction that spends the form's one-time token, marks it acknowledged and audits
 * `handover.acknowledged` with how many of the team's cases the acknowledger could see in each
 * section, and records the event. The same form sent twice: `repeated`. HANDOVER_ACKNOWLEDGED
 * when someone acknowledged it already; NOT_FOUND for an unknown handover; FORBIDDEN for a
 * handler who is not its incoming lead.
 */
export async function acknowledgeHandover(
  deps: Deps,
  actor: Principal,
  id: string,
  once: OneTimeToken,
): Promise<Result<{ repeated: boolean }>> {
  const allowed = shiftsPolicy.authorize(actor, 'handover.acknowledge');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const h = await repo.findHandover(trx, id, deps.dialect);
    if (!h) return fail<{ repeated: boolean }>('NOT_FOUND');
    const asLead = h.incomingLeadId === actor.userId;
    const may = shiftsPolicy.authorize(actor, 'handover.acknowledge', { incomingLead: asLead });
    if (!may.ok) return may;
    // Acknowledged already: this very form sent again, or someone else's; either way nothing is written.
    if (h.acknowledgedAt !== null) {
      return (await isSpent(trx, once.tokenHash))
        ? ok({ repeated: true })
        : fail<{ repeated: boolean }>('HANDOVER_ACKNOWLEDGED');
    }
    if (!(await spendToken(trx, once))) return ok({ repeated: true });
    // The row is locked (PostgreSQL) or the writer is alone (SQLite): it is still unacknowledged.
    if (!(await repo.acknowledge(trx, id, actor.userId, now)))
      throw new Error('handover acknowledged under its lock');
    const [roster] = await listTeamRosters({ db: trx }, [h.teamId]);
    const board = roster ? await caseBoard({ ...deps, db: trx }, actor, roster, now) : null;
    const count = (s: 'overdue' | 'escalated' | 'waiting' | 'open') =>
      board?.sections[s].length ?? 0;
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'handover.acknowledged',
      caseId: null,
      detail: {
        handover: id,
        team: h.teamId,
        as: asLead ? 'incoming_lead' : 'coordinator',
        overdue: count('overdue'),
        escalated: count('escalated'),
        waiting: count('waiting'),
        open: count('open'),
      },
    });
    await recordEvent(
      trx,
      { type: 'shifts.handover_acknowledged', payload: { handover: id, team: h.teamId } },
      now,
    );
    return ok({ repeated: false });
  });
}
