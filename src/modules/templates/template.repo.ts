import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database, ReplyTemplatesTable } from '../../platform/storage/schema.js';

// The only SQL for reply_templates and reply_template_variants (migration 2026-12-07-006).

type Db = Kysely<Database>;

export interface TemplateRow {
  id: string;
  name: string;
  active: boolean;
  sort: number;
  updatedAt: number;
}

export interface VariantRow {
  language: string;
  body: string;
  updatedAt: number;
  updatedBy: string | null;
}

const toTemplate = (r: Selectable<ReplyTemplatesTable>): TemplateRow => ({
  id: r.id,
  name: r.name,
  active: r.active === 1,
  sort: Number(r.sort),
  updatedAt: Number(r.updated_at),
});

/** Every template (retired ones only when asked), in offered order, with its languages. */
export async function listTemplates(
  db: Db,
  opts: { includeRetired: boolean },
): Promise<(TemplateRow & { languages: string[] })[]> {
  let q = db.selectFrom('reply_templates').selectAll().orderBy('sort').orderBy('id');
  if (!opts.includeRetired) q = q.where('active', '=', 1);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const langs = await db
    .selectFrom('reply_template_variants')
    .select(['template_id', 'language'])
    .where('template_id', 'in', rows.map((r) => r.id))
    .orderBy('language')
    .execute();
  return rows.map((r) => ({
    ...toTemplate(r),
    languages: langs.filter((l) => l.template_id === r.id).map((l) => l.language),
  }));
}

/** One template, or undefined. */
export async function findTemplate(db: Db, id: string): Promise<TemplateRow | undefined> {
  const row = await db.selectFrom('reply_templates').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTemplate(row) : undefined;
}

/**
 * Locks a template's row until the transaction ends (PostgreSQL; SQLite runs one writer at a
 * time anyway), so two changes to one template never interleave. Undefined when unknown.
 */
export async function lockTemplate(db: Db, dialect: Dialect, id: string): Promise<TemplateRow | undefined> {
  let q = db.selectFrom('reply_templates').selectAll().where('id', '=', id);
  if (dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toTemplate(row) : undefined;
}

/** A template's texts, by language code. */
export async function listVariants(db: Db, templateId: string): Promise<VariantRow[]> {
  const rows = await db
    .selectFrom('reply_template_variants')
    .select(['language', 'body', 'updated_at', 'updated_by'])
    .where('template_id', '=', templateId)
    .orderBy('language')
    .execute();
  return rows.map((r) => ({
    language: r.language,
    body: r.body,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  }));
}

/** The next place at the end of the list. */
export async function nextSort(db: Db): Promise<number> {
  const row = await db
    .selectFrom('reply_templates')
    .select((eb) => eb.fn.max('sort').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 10;
}

export async function insertTemplate(
  db: Db,
  row: { id: string; name: string; sort: number; at: number },
): Promise<void> {
  await db
    .insertInto('reply_templates')
    .values({ id: row.id, name: row.name, active: 1, sort: row.sort, created_at: row.at, updated_at: row.at })
    .execute();
}

/** Changes a template's name or active flag; touches updated_at. */
export async function updateTemplate(
  db: Db,
  id: string,
  changes: { name?: string; active?: boolean },
  at: number,
): Promise<void> {
  await db
    .updateTable('reply_templates')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.active !== undefined ? { active: changes.active ? 1 : 0 } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/** Adds a language's text; false when the template has one in that language already. */
export async function insertVariant(
  db: Db,
  row: { templateId: string; language: string; body: string; at: number; by: string },
): Promise<boolean> {
  const res = await db
    .insertInto('reply_template_variants')
    .values({
      template_id: row.templateId,
      language: row.language,
      body: row.body,
      updated_at: row.at,
      updated_by: row.by,
    })
    .onConflict((oc) => oc.columns(['template_id', 'language']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Replaces a language's text; false when there is none in that language. */
export async function updateVariant(
  db: Db,
  row: { templateId: string; language: string; body: string; at: number; by: string },
): Promise<boolean> {
  const res = await db
    .updateTable('reply_template_variants')
    .set({ body: row.body, updated_at: row.at, updated_by: row.by })
    .where('template_id', '=', row.templateId)
    .where('language', '=', row.language)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Removes a language's text; false when there was none. */
export async function deleteVariant(db: Db, templateId: string, language: string): Promise<boolean> {
  const res = await db
    .deleteFrom('reply_template_variants')
    .where('template_id', '=', templateId)
    .where('language', '=', language)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
