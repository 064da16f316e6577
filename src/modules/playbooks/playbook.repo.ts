import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Texts } from './playbook.js';

// The only SQL for playbooks, playbook_names, playbook_steps, playbook_step_texts,
// case_playbooks and case_tasks (migration 2026-12-07-013).

type Db = Kysely<Database>;

/** How many ids one statement takes (SQLite's bound parameters are limited). */
const CHUNK = 500;

export interface PlaybookRow {
  id: string;
  incidentType: string | null;
  active: boolean;
  sort: number;
  updatedAt: number;
}

export interface StepText {
  title: string;
  guidance: string;
}

export interface StepRow {
  id: string;
  playbookId: string;
  position: number;
  required: boolean;
  dueMinutes: number | null;
  texts: Texts<StepText>;
}

export interface TaskRow {
  id: string;
  caseId: number;
  playbookId: string;
  stepId: string | null;
  position: number;
  title: string;
  titleLanguage: string;
  required: boolean;
  assigneeId: string | null;
  dueAt: number | null;
  doneAt: number | null;
  doneBy: string | null;
  createdAt: number;
}

const num = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));

// ---- Playbooks -----------------------------------------------------------------------------

/** Every playbook (retired ones only when asked), in offered order. */
export async function listPlaybooks(db: Db, opts: { includeRetired: boolean }): Promise<PlaybookRow[]> {
  let q = db.selectFrom('playbooks').selectAll().orderBy('sort').orderBy('id');
  if (!opts.includeRetired) q = q.where('active', '=', 1);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    incidentType: r.incident_type,
    active: r.active === 1,
    sort: Number(r.sort),
    updatedAt: Number(r.updated_at),
  }));
}

/** One playbook, or undefined; locked until the transaction ends on PostgreSQL when `lock`. */
export async function findPlaybook(
  db: Db,
  id: string,
  lock?: Dialect,
): Promise<PlaybookRow | undefined> {
  let q = db.selectFrom('playbooks').selectAll().where('id', '=', id);
  if (lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r
    ? { id: r.id, incidentType: r.incident_type, active: r.active === 1, sort: Number(r.sort), updatedAt: Number(r.updated_at) }
    : undefined;
}

/** The names of `ids`, by playbook and language. */
export async function playbookNames(db: Db, ids: readonly string[]): Promise<Map<string, Texts<string>>> {
  const out = new Map<string, Texts<string>>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('playbook_names')
      .select(['playbook_id', 'language', 'name'])
      .where('playbook_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      const names = out.get(r.playbook_id) ?? {};
      names[r.language] = r.name;
      out.set(r.playbook_id, names);
    }
  }
  return out;
}

/** How many steps each of `ids` has. */
export async function stepCounts(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('playbook_steps')
    .select(['playbook_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('playbook_id', 'in', [...ids])
    .groupBy('playbook_id')
    .execute();
  for (const r of rows) out.set(r.playbook_id, Number(r.n));
  return out;
}

/** The next place at the end of the list. */
export async function nextSort(db: Db): Promise<number> {
  const row = await db.selectFrom('playbooks').select((eb) => eb.fn.max('sort').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0) + 10;
}

export async function insertPlaybook(
  db: Db,
  row: { id: string; incidentType: string | null; sort: number; at: number },
): Promise<void> {
  await db
    .insertInto('playbooks')
    .values({ id: row.id, incident_type: row.incidentType, active: 1, sort: row.sort, created_at: row.at, updated_at: row.at })
    .execute();
}

/** Changes a playbook's incident type or active flag; touches updated_at. */
export async function updatePlaybook(
  db: Db,
  id: string,
  changes: { incidentType?: string | null; active?: boolean },
  at: number,
): Promise<void> {
  await db
    .updateTable('playbooks')
    .set({
      ...(changes.incidentType !== undefined ? { incident_type: changes.incidentType } : {}),
      ...(changes.active !== undefined ? { active: changes.active ? 1 : 0 } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/** Replaces a playbook's names with `names` (by language). */
export async function replaceNames(db: Db, id: string, names: Readonly<Record<string, string>>): Promise<void> {
  await db.deleteFrom('playbook_names').where('playbook_id', '=', id).execute();
  const rows = Object.entries(names).map(([language, name]) => ({ playbook_id: id, language, name }));
  if (rows.length > 0) await db.insertInto('playbook_names').values(rows).execute();
}

// ---- Steps ---------------------------------------------------------------------------------

/** A playbook's steps in order, with their texts. */
export async function listSteps(db: Db, playbookId: string): Promise<StepRow[]> {
  const steps = await db
    .selectFrom('playbook_steps')
    .selectAll()
    .where('playbook_id', '=', playbookId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const texts = await stepTexts(
    db,
    steps.map((s) => s.id),
  );
  return steps.map((s) => ({
    id: s.id,
    playbookId: s.playbook_id,
    position: Number(s.position),
    required: s.required === 1,
    dueMinutes: num(s.due_minutes),
    texts: texts.get(s.id) ?? {},
  }));
}

/** The titles and guidance of `stepIds`, by step and language. */
export async function stepTexts(db: Db, stepIds: readonly string[]): Promise<Map<string, Texts<StepText>>> {
  const out = new Map<string, Texts<StepText>>();
  for (let i = 0; i < stepIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('playbook_step_texts')
      .select(['step_id', 'language', 'title', 'guidance'])
      .where('step_id', 'in', stepIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      const texts = out.get(r.step_id) ?? {};
      texts[r.language] = { title: r.title, guidance: r.guidance };
      out.set(r.step_id, texts);
    }
  }
  return out;
}

export async function insertStep(
  db: Db,
  row: { id: string; playbookId: string; position: number; required: boolean; dueMinutes: number | null; at: number },
): Promise<void> {
  await db
    .insertInto('playbook_steps')
    .values({
      id: row.id,
      playbook_id: row.playbookId,
      position: row.position,
      required: row.required ? 1 : 0,
      due_minutes: row.dueMinutes,
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}

export async function updateStep(
  db: Db,
  id: string,
  changes: { required: boolean; dueMinutes: number | null },
  at: number,
): Promise<void> {
  await db
    .updateTable('playbook_steps')
    .set({ required: changes.required ? 1 : 0, due_minutes: changes.dueMinutes, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Replaces a step's texts with `texts` (by language). */
export async function replaceStepTexts(db: Db, stepId: string, texts: Readonly<Record<string, StepText>>): Promise<void> {
  await db.deleteFrom('playbook_step_texts').where('step_id', '=', stepId).execute();
  const rows = Object.entries(texts).map(([language, t]) => ({ step_id: stepId, language, title: t.title, guidance: t.guidance }));
  if (rows.length > 0) await db.insertInto('playbook_step_texts').values(rows).execute();
}

export async function deleteStep(db: Db, id: string): Promise<void> {
  await db.deleteFrom('playbook_steps').where('id', '=', id).execute();
}

/** Numbers a playbook's steps 1, 2, 3… in the order given. */
export async function renumberSteps(db: Db, stepIds: readonly string[], at: number): Promise<void> {
  for (const [i, id] of stepIds.entries()) {
    await db.updateTable('playbook_steps').set({ position: i + 1, updated_at: at }).where('id', '=', id).execute();
  }
}

// ---- A case's playbooks and tasks ------------------------------------------------------------

/**
 * Records that `playbookId` is applied to `caseId`. False when it already was: the primary key
 * decides, so of two processes applying it at once exactly one records it (on PostgreSQL the
 * second waits for the first to commit, then finds it).
 */
export async function insertCasePlaybook(
  db: Db,
  row: { caseId: number; playbookId: string; at: number; by: string },
): Promise<boolean> {
  const res = await db
    .insertInto('case_playbooks')
    .values({ case_id: row.caseId, playbook_id: row.playbookId, applied_at: row.at, applied_by: row.by })
    .onConflict((oc) => oc.columns(['case_id', 'playbook_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The playbooks applied to a case. */
export async function appliedPlaybooks(db: Db, caseId: number): Promise<string[]> {
  const rows = await db.selectFrom('case_playbooks').select('playbook_id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.playbook_id);
}

export async function insertTasks(
  db: Db,
  rows: readonly Omit<TaskRow, 'doneAt' | 'doneBy'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('case_tasks')
    .values(
      rows.map((t) => ({
        id: t.id,
        case_id: t.caseId,
        playbook_id: t.playbookId,
        step_id: t.stepId,
        position: t.position,
        title: t.title,
        title_language: t.titleLanguage,
        required: t.required ? 1 : 0,
        assignee_id: t.assigneeId,
        due_at: t.dueAt,
        done_at: null,
        done_by: null,
        created_at: t.createdAt,
      })),
    )
    .execute();
}

const toTask = (r: {
  id: string;
  case_id: number;
  playbook_id: string;
  step_id: string | null;
  position: number;
  title: string;
  title_language: string;
  required: number;
  assignee_id: string | null;
  due_at: number | null;
  done_at: number | null;
  done_by: string | null;
  created_at: number;
}): TaskRow => ({
  id: r.id,
  caseId: Number(r.case_id),
  playbookId: r.playbook_id,
  stepId: r.step_id,
  position: Number(r.position),
  title: r.title,
  titleLanguage: r.title_language,
  required: Number(r.required) === 1,
  assigneeId: r.assignee_id,
  dueAt: num(r.due_at),
  doneAt: num(r.done_at),
  doneBy: r.done_by,
  createdAt: Number(r.created_at),
});

/** A case's tasks: by when their playbook was applied, then in step order. */
export async function listTasks(db: Db, caseId: number): Promise<TaskRow[]> {
  const rows = await db
    .selectFrom('case_tasks')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('playbook_id')
    .orderBy('position')
    .execute();
  return rows.map(toTask);
}

/** How many tasks a case holds. */
export async function countTasks(db: Db, caseId: number): Promise<number> {
  const row = await db
    .selectFrom('case_tasks')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** One task of a case, or undefined; locked until the transaction ends on PostgreSQL when `lock`. */
export async function findTask(db: Db, caseId: number, taskId: string, lock?: Dialect): Promise<TaskRow | undefined> {
  let q = db.selectFrom('case_tasks').selectAll().where('id', '=', taskId).where('case_id', '=', caseId);
  if (lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toTask(r) : undefined;
}

export async function setTaskDone(db: Db, taskId: string, done: { at: number; by: string } | null): Promise<void> {
  await db
    .updateTable('case_tasks')
    .set({ done_at: done?.at ?? null, done_by: done?.by ?? null })
    .where('id', '=', taskId)
    .execute();
}

export async function setTaskAssignee(db: Db, taskId: string, assigneeId: string | null): Promise<void> {
  await db.updateTable('case_tasks').set({ assignee_id: assigneeId }).where('id', '=', taskId).execute();
}

/**
 * Each of `caseIds`' task counts (all, done) in one statement, read from case_tasks_case
 * alone: the queue asks it for a page of cases. Cases without tasks are left out.
 */
export async function taskCounts(db: Db, caseIds: readonly number[]): Promise<Map<number, { total: number; done: number }>> {
  const out = new Map<number, { total: number; done: number }>();
  if (caseIds.length === 0) return out;
  for (let i = 0; i < caseIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('case_tasks')
      .select([
        'case_id',
        (eb) => eb.fn.countAll<number | string>().as('total'),
        (eb) => eb.fn.count<number | string>('done_at').as('done'),
      ])
      .where('case_id', 'in', caseIds.slice(i, i + CHUNK))
      .groupBy('case_id')
      .execute();
    for (const r of rows) out.set(Number(r.case_id), { total: Number(r.total), done: Number(r.done) });
  }
  return out;
}

/** How many required tasks of a case are not done (the status guard's question). */
export async function requiredOpenCount(db: Db, caseId: number): Promise<number> {
  const row = await db
    .selectFrom('case_tasks')
    .select(sql<number | string>`count(*)`.as('n'))
    .where('case_id', '=', caseId)
    .where('required', '=', 1)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
