import type { Deps } from '../../deps.js';
import { listTeamRosters } from '../accounts/index.js';
import { caseClockFacts } from '../cases/index.js';
import { onShiftNow } from '../shifts/index.js';
import { resolutionHoursFor } from './escalation.js';
import { loadLadders, teamsOf } from './escalation.service.js';
import * as repo from './sla.repo.js';

// The SLA read model (ADR 34): per case, the teams that covered it when it arrived and the
// shift each had on then, its first-response and resolution targets, and when each was met;
// fed by the cases module's events (at least once, in any order: every handling reads the
// case as it is now and writes what follows from it, so a redelivery changes nothing). Only
// structured fields: the figures outlive retention.

/** Statuses whose first entry is the case's resolution. */
const RESOLVING = new Set(['resolved', 'closed', 'referred']);

/**
 * Brings case `caseId`'s SLA row up to date after one of its events. Its first handling writes
 * the row: its teams (those covering its region or language; '' for none), each with the shift
 * on at the case's arrival, its first-response due moment (the case's own) and its resolution
 * due moment (arrival plus the strictest resolution target of the ladders governing it). Every
 * handling then records the first response, whether it is spam, and, for `resolvedAt` (a move
 * to resolved, closed or referred), its first resolution. A case that no longer exists is left
 * as it was recorded.
 */
export async function updateCaseSla(deps: Deps, caseId: number, resolvedAt: number | null = null): Promise<void> {
  const c = await caseClockFacts(deps, caseId);
  if (!c) return;
  const now = deps.now();
  if (!(await repo.hasRow(deps.db, caseId))) {
    const [rosters, ladders, shifts] = await Promise.all([listTeamRosters(deps), loadLadders(deps), onShiftNow(deps, c.created_at)]);
    const teamIds = teamsOf(rosters, c);
    const teams = (teamIds.length > 0 ? teamIds : ['']).map((team_id) => {
      const shift = shifts.find((s) => s.teamId === team_id);
      return { team_id, shift_starts_at: shift?.startsAt ?? null, shift_ends_at: shift?.endsAt ?? null };
    });
    await deps.db.transaction().execute((trx) =>
      repo.insertRow(
        trx,
        {
          case_id: caseId,
          arrived_at: c.created_at,
          urgency: c.urgency,
          first_response_due_at: c.first_response_due_at,
          resolution_due_at: c.created_at + resolutionHoursFor(ladders, teamIds) * 3_600_000,
          teams,
        },
        now,
      ),
    );
  }
  await repo.updateRow(deps.db, caseId, {
    firstResponseAt: c.first_response_at,
    excluded: c.suspected_spam === 1 || c.status === 'spam',
    resolvedAt,
    at: now,
  });
}

/** The resolution moment a status change gives: its moment when it moves to a resolving status. */
export function resolvedAtOf(to: unknown, occurredAt: number): number | null {
  return typeof to === 'string' && RESOLVING.has(to) ? occurredAt : null;
}

/** Met, missed and still open. */
export interface MetMissed {
  met: number;
  missed: number;
  open: number;
}

/** The figures of one group of cases. */
export interface SlaCounts {
  cases: number;
  firstResponse: MetMissed;
  resolution: MetMissed;
}

/** SLA figures of the cases that arrived in a period, per team and per team's shift. */
export interface SlaFigures {
  /** Per team (null: cases no team covered), by team id. */
  teams: ({ teamId: string | null } & SlaCounts)[];
  /** Per team and the shift it had on when the cases arrived (null moments: no shift on). */
  shifts: ({ teamId: string | null; shiftStartsAt: number | null; shiftEndsAt: number | null } & SlaCounts)[];
}

function counts(r: Pick<repo.FigureRow, 'cases' | 'fr_met' | 'fr_missed' | 'res_met' | 'res_missed'>): SlaCounts {
  return {
    cases: r.cases,
    firstResponse: { met: r.fr_met, missed: r.fr_missed, open: r.cases - r.fr_met - r.fr_missed },
    resolution: { met: r.res_met, missed: r.res_missed, open: r.cases - r.res_met - r.res_missed },
  };
}

/**
 * For the reports module: met and missed first responses and resolutions of the cases that
 * arrived in [from, to) (spam left out), per team and per team and shift, optionally of one
 * team. A case covered by two teams counts once for each. A target not met whose due moment has
 * not passed yet is `open`.
 */
export async function slaFigures(deps: Deps, p: { from: number; to: number; teamId?: string }): Promise<SlaFigures> {
  const rows = await repo.figureRows(deps.db, { from: p.from, to: p.to, ...(p.teamId !== undefined ? { teamId: p.teamId } : {}), now: deps.now() });
  const byTeam = new Map<string, repo.FigureRow>();
  for (const r of rows) {
    const t = byTeam.get(r.team_id);
    if (!t) byTeam.set(r.team_id, { ...r, shift_starts_at: null, shift_ends_at: null });
    else
      for (const k of ['cases', 'fr_met', 'fr_missed', 'res_met', 'res_missed'] as const) t[k] += r[k];
  }
  const teamOf = (id: string): string | null => (id === '' ? null : id);
  return {
    teams: [...byTeam.values()].map((r) => ({ teamId: teamOf(r.team_id), ...counts(r) })),
    shifts: rows.map((r) => ({ teamId: teamOf(r.team_id), shiftStartsAt: r.shift_starts_at, shiftEndsAt: r.shift_ends_at, ...counts(r) })),
  };
}
