import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import { isStepAction, type Ladder, type Step } from './escalation.js';

// The only SQL for escalation_ladders, escalation_steps and case_escalations.

type Db = Kysely<Database>;

/** Every saved ladder with its steps in order. */
export async function listLadders(db: Db): Promise<Ladder[]> {
  const [ladders, steps] = await Promise.all([
    db.selectFrom('escalation_ladders').selectAll().orderBy('id').execute(),
    db.selectFrom('escalation_steps').selectAll().orderBy('ladder_id').orderBy('position').execute(),
  ]);
  return ladders.map((l) => ({
    id: l.id,
    teamId: l.team_id,
    resolutionHours: Number(l.resolution_hours),
    version: Number(l.version),
    steps: steps
      .filter((s) => s.ladder_id === l.id)
      .flatMap((s): Step[] =>
        isStepAction(s.action)
          ? [{ id: s.id, minutes: Number(s.minutes), action: s.action, urgency: s.urgency, severity: s.severity }]
          : [],
      ),
  }));
}

/** A saved ladder's version and team, or undefined. */
export async function ladderHead(db: Db, id: string) {
  return db.selectFrom('escalation_ladders').select(['id', 'team_id', 'version']).where('id', '=', id).executeTakeFirst();
}

/** Inserts a ladder; false when its id or team already has one (nothing written). */
export async function insertLadder(
  db: Db,
  p: { id: string; teamId: string | null; resolutionHours: number; at: number; by: string | null },
): Promise<boolean> {
  const rows = await db
    .insertInto('escalation_ladders')
    .values({ id: p.id, team_id: p.teamId, resolution_hours: p.resolutionHours, version: 1, updated_at: p.at, updated_by: p.by })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Moves a ladder to the next version when it is at `version`; false when it is not (saved meanwhile). */
export async function bumpLadder(db: Db, id: string, p: { version: number; resolutionHours: number; at: number; by: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('escalation_ladders')
    .set({ version: p.version + 1, resolution_hours: p.resolutionHours, updated_at: p.at, updated_by: p.by })
    .where('id', '=', id)
    .where('version', '=', p.version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replaces a ladder's steps with `steps`, in order. */
export async function replaceSteps(db: Db, ladderId: string, steps: readonly Step[]): Promise<void> {
  await db.deleteFrom('escalation_steps').where('ladder_id', '=', ladderId).execute();
  if (steps.length === 0) return;
  await db
    .insertInto('escalation_steps')
    .values(
      steps.map((s, i) => ({
        id: s.id,
        ladder_id: ladderId,
        position: i,
        minutes: s.minutes,
        action: s.action,
        urgency: s.urgency,
        severity: s.severity,
      })),
    )
    .execute();
}

/** Ids among `ids` that name a step of another ladder than `ladderId` (a forged form). */
export async function stepsOfOtherLadders(db: Db, ladderId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('escalation_steps').select('id').where('id', 'in', [...ids]).where('ladder_id', '<>', ladderId).execute();
  return rows.map((r) => r.id);
}

/** Deletes a team's ladder (its steps go with it); false when there was none. */
export async function deleteLadder(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('escalation_ladders').where('id', '=', id).where('team_id', 'is not', null).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The keys `<case>:<step>:<wait start>` of the escalations already recorded for `caseIds`. */
export async function recordedKeys(db: Db, caseIds: readonly number[]): Promise<Set<string>> {
  const out = new Set<string>();
  const unique = [...new Set(caseIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('case_escalations')
      .select(['case_id', 'step_id', 'wait_started_at'])
      .where('case_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.add(escalationKey(r.case_id, r.step_id, Number(r.wait_started_at)));
  }
  return out;
}

export const escalationKey = (caseId: number, stepId: string, waitStartedAt: number): string => `${caseId}:${stepId}:${waitStartedAt}`;

export interface NewEscalation {
  case_id: number;
  step_id: string;
  wait_started_at: number;
  ladder_id: string;
  minutes: number;
  action: string;
  reached_at: number;
  notified: string;
}

/**
 * Records that a case reached a step in a wait; false when it was already recorded (the primary
 * key: another process, a rerun). On PostgreSQL a second insert of the same key waits for the
 * first transaction, then finds it there.
 */
export async function insertEscalation(db: Db, row: NewEscalation): Promise<boolean> {
  const rows = await db
    .insertInto('case_escalations')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'step_id', 'wait_started_at']).doNothing())
    .returning('case_id')
    .execute();
  return rows.length === 1;
}

/** What `caseIds` reached, every wait: the case, the wait's start, the step's action and minutes, when. */
export async function reachedBy(db: Db, caseIds: readonly number[]) {
  const out: { caseId: number; waitStartedAt: number; minutes: number; action: string; reachedAt: number }[] = [];
  const unique = [...new Set(caseIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('case_escalations')
      .select(['case_id', 'wait_started_at', 'minutes', 'action', 'reached_at'])
      .where('case_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows)
      out.push({ caseId: r.case_id, waitStartedAt: Number(r.wait_started_at), minutes: Number(r.minutes), action: r.action, reachedAt: Number(r.reached_at) });
  }
  return out;
}

/** A case's escalations, the latest first. */
export async function listCaseEscalations(db: Db, caseId: number, limit = 50) {
  const rows = await db
    .selectFrom('case_escalations')
    .select(['step_id', 'wait_started_at', 'minutes', 'action', 'reached_at', 'notified'])
    .where('case_id', '=', caseId)
    .orderBy('reached_at', 'desc')
    .orderBy('minutes', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    stepId: r.step_id,
    waitStartedAt: Number(r.wait_started_at),
    minutes: Number(r.minutes),
    action: r.action,
    reachedAt: Number(r.reached_at),
    notified: parseIds(r.notified),
  }));
}

function parseIds(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
