import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';

// The only SQL for the SLA read model: case_sla and case_sla_teams (ADR 34).

type Db = Kysely<Database>;

/** A case's row as first written: when it arrived, its urgency, its targets, and its teams with their shifts. */
export interface NewSlaRow {
  case_id: number;
  arrived_at: number;
  urgency: string;
  first_response_due_at: number;
  resolution_due_at: number;
  teams: { team_id: string; shift_starts_at: number | null; shift_ends_at: number | null }[];
}

/** Whether case `caseId` has its row yet. */
export async function hasRow(db: Db, caseId: number): Promise<boolean> {
  return (await db.selectFrom('case_sla').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined;
}

/** Writes a case's first row and its teams; nothing when another delivery wrote them first. */
export async function insertRow(db: Db, row: NewSlaRow, at: number): Promise<void> {
  const inserted = await db
    .insertInto('case_sla')
    .values({
      case_id: row.case_id,
      arrived_at: row.arrived_at,
      urgency: row.urgency,
      first_response_due_at: row.first_response_due_at,
      first_response_at: null,
      resolution_due_at: row.resolution_due_at,
      resolved_at: null,
      excluded: 0,
      updated_at: at,
    })
    .onConflict((oc) => oc.column('case_id').doNothing())
    .returning('case_id')
    .execute();
  if (inserted.length === 0) return;
  await db
    .insertInto('case_sla_teams')
    .values(row.teams.map((t) => ({ case_id: row.case_id, arrived_at: row.arrived_at, ...t })))
    .onConflict((oc) => oc.columns(['case_id', 'team_id']).doNothing())
    .execute();
}

/**
 * Brings a case's row up to date: its first response (the earliest one known), whether it is
 * (suspected) spam, and, when `resolvedAt` is given and none is recorded yet, when it was
 * first resolved. Running it again with the same facts changes nothing.
 */
export async function updateRow(
  db: Db,
  caseId: number,
  p: { firstResponseAt: number | null; excluded: boolean; resolvedAt: number | null; at: number },
): Promise<void> {
  await db
    .updateTable('case_sla')
    .set((eb) => ({
      first_response_at:
        p.firstResponseAt === null
          ? eb.ref('first_response_at')
          : eb.fn.coalesce(eb.ref('first_response_at'), eb.val(p.firstResponseAt)),
      resolved_at: p.resolvedAt === null ? eb.ref('resolved_at') : eb.fn.coalesce(eb.ref('resolved_at'), eb.val(p.resolvedAt)),
      excluded: p.excluded ? 1 : 0,
      updated_at: p.at,
    }))
    .where('case_id', '=', caseId)
    .execute();
}

/** One group of the figures: a team (`''` for none) and the shift on at arrival. */
export interface FigureRow {
  team_id: string;
  shift_starts_at: number | null;
  shift_ends_at: number | null;
  cases: number;
  fr_met: number;
  fr_missed: number;
  res_met: number;
  res_missed: number;
}

/**
 * Met and missed counts of the cases that arrived in [from, to), not spam, by team and shift:
 * a first response (or resolution) is met when made by its due moment, missed when made later
 * or not made while its due moment has passed (`now`); the rest are still open.
 */
export async function figureRows(db: Db, p: { from: number; to: number; teamId?: string; now: number }): Promise<FigureRow[]> {
  let q = db
    .selectFrom('case_sla_teams as t')
    .innerJoin('case_sla as s', 's.case_id', 't.case_id')
    .select([
      't.team_id',
      't.shift_starts_at',
      't.shift_ends_at',
      sql<number>`count(*)`.as('cases'),
      sql<number>`sum(case when s.first_response_at is not null and s.first_response_at <= s.first_response_due_at then 1 else 0 end)`.as('fr_met'),
      sql<number>`sum(case when (s.first_response_at is not null and s.first_response_at > s.first_response_due_at) or (s.first_response_at is null and s.first_response_due_at < ${p.now}) then 1 else 0 end)`.as(
        'fr_missed',
      ),
      sql<number>`sum(case when s.resolved_at is not null and s.resolved_at <= s.resolution_due_at then 1 else 0 end)`.as('res_met'),
      sql<number>`sum(case when (s.resolved_at is not null and s.resolved_at > s.resolution_due_at) or (s.resolved_at is null and s.resolution_due_at < ${p.now}) then 1 else 0 end)`.as(
        'res_missed',
      ),
    ])
    .where('t.arrived_at', '>=', p.from)
    .where('t.arrived_at', '<', p.to)
    .where('s.excluded', '=', 0);
  if (p.teamId !== undefined) q = q.where('t.team_id', '=', p.teamId);
  const rows = await q.groupBy(['t.team_id', 't.shift_starts_at', 't.shift_ends_at']).orderBy('t.team_id').orderBy('t.shift_starts_at').execute();
  return rows.map((r) => ({
    team_id: r.team_id,
    shift_starts_at: r.shift_starts_at === null ? null : Number(r.shift_starts_at),
    shift_ends_at: r.shift_ends_at === null ? null : Number(r.shift_ends_at),
    cases: Number(r.cases),
    fr_met: Number(r.fr_met),
    fr_missed: Number(r.fr_missed),
    res_met: Number(r.res_met),
    res_missed: Number(r.res_missed),
  }));
}
