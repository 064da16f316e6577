import type { Kysely } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Ordering, Term, Vocabulary } from './taxonomy.js';

// The only SQL for the taxonomy tables: taxonomy_vocabularies and their labels, taxonomy_terms
// with their labels and mappings (migration 2026-12-02-002).

type Db = Kysely<Database>;

/** Every vocabulary, by namespace and stored order, with its names. */
export async function listVocabularies(db: Db): Promise<Vocabulary[]> {
  const [rows, labels] = await Promise.all([
    db
      .selectFrom('taxonomy_vocabularies')
      .selectAll()
      .orderBy('namespace')
      .orderBy('sort')
      .orderBy('code')
      .execute(),
    db.selectFrom('taxonomy_vocabulary_labels').selectAll().execute(),
  ]);
  return rows.map((r) => ({
    code: r.code,
    namespace: r.namespace,
    parent: r.parent,
    ordering: r.ordering as Ordering,
    fixed: r.fixed === 1,
    sort: r.sort,
    labels: Object.fromEntries(
      labels.filter((l) => l.vocabulary === r.code).map((l) => [l.locale, l.label]),
    ),
  }));
}

/** One vocabulary, or undefined. */
export async function findVocabulary(db: Db, code: string): Promise<Vocabulary | undefined> {
  const row = await db
    .selectFrom('taxonomy_vocabularies')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) return undefined;
  const labels = await db
    .selectFrom('taxonomy_vocabulary_labels')
    .select(['locale', 'label'])
    .where('vocabulary', '=', code)
    .execute();
  return {
    code: row.code,
    namespace: row.namespace,
    parent: row.parent,
    ordering: row.ordering as Ordering,
    fixed: row.fixed === 1,
    sort: row.sort,
    labels: Object.fromEntries(labels.map((l) => [l.locale, l.label])),
  };
}

/** How a vocabulary's terms are listed, or undefined for an unknown vocabulary. */
export async function orderingOf(db: Db, code: string): Promise<Ordering | undefined> {
  const row = await db
    .selectFrom('taxonomy_vocabularies')
    .select('ordering')
    .where('code', '=', code)
    .executeTakeFirst();
  return row?.ordering as Ordering | undefined;
}

/**
 * Locks a vocabulary's row until the transaction ends (PostgreSQL; SQLite runs one writer at a
 * time anyway), so two changes to one vocabulary's terms never interleave. False when unknown.
 */
export async function lockVocabulary(db: Db, dialect: Dialect, code: string): Promise<boolean> {
  let q = db.selectFrom('taxonomy_vocabularies').select('code').where('code', '=', code);
  if (dialect === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

/**
 * Terms of a vocabulary (or one term of it, with `code`), in their stored order, with labels
 * and mappings; retired ones only when asked for.
 */
export async function selectTerms(
  db: Db,
  vocabulary: string,
  opts: { code?: string; includeRetired: boolean },
): Promise<Term[]> {
  let terms = db
    .selectFrom('taxonomy_terms')
    .select(['code', 'parent', 'sort', 'active'])
    .where('vocabulary', '=', vocabulary)
    .orderBy('sort')
    .orderBy('code');
  let labels = db
    .selectFrom('taxonomy_term_labels')
    .select(['term', 'locale', 'label'])
    .where('vocabulary', '=', vocabulary);
  let mappings = db
    .selectFrom('taxonomy_term_mappings')
    .select(['term', 'scheme', 'value'])
    .where('vocabulary', '=', vocabulary);
  if (opts.code !== undefined) {
    terms = terms.where('code', '=', opts.code);
    labels = labels.where('term', '=', opts.code);
    mappings = mappings.where('term', '=', opts.code);
  }
  if (!opts.includeRetired) terms = terms.where('active', '=', 1);
  // One after another: inside a transaction they share its one connection.
  const termRows = await terms.execute();
  if (termRows.length === 0) return [];
  const labelRows = await labels.orderBy('locale').execute();
  const mappingRows = await mappings.orderBy('scheme').execute();
  const labelsOf = new Map<string, Record<string, string>>();
  for (const l of labelRows) labelsOf.set(l.term, { ...labelsOf.get(l.term), [l.locale]: l.label });
  const mappingsOf = new Map<string, Record<string, string>>();
  for (const m of mappingRows)
    mappingsOf.set(m.term, { ...mappingsOf.get(m.term), [m.scheme]: m.value });
  return termRows.map((t) => {
    const mapped = mappingsOf.get(t.code) ?? {};
    return {
      kind: vocabulary,
      code: t.code,
      parent: t.parent,
      sort: t.sort,
      active: t.active === 1,
      labels: labelsOf.get(t.code) ?? {},
      mappings: mapped,
      rsit: mapped.rsit ?? null,
    };
  });
}

/** Active and retired term counts per vocabulary. */
export async function countTerms(
  db: Db,
): Promise<Map<string, { active: number; retired: number }>> {
  const rows = await db
    .selectFrom('taxonomy_terms')
    .select(['vocabulary', 'active'])
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .groupBy(['vocabulary', 'active'])
    .execute();
  const out = new Map<string, { active: number; retired: number }>();
  for (const r of rows) {
    const c = out.get(r.vocabulary) ?? { active: 0, retired: 0 };
    if (r.active === 1) c.active += Number(r.n);
    else c.retired += Number(r.n);
    out.set(r.vocabulary, c);
  }
  return out;
}

/** The codes of a vocabulary's terms, any case, matching `code` without regard to case. */
export async function codesLike(db: Db, vocabulary: string, code: string): Promise<string[]> {
  const rows = await db
    .selectFrom('taxonomy_terms')
    .select('code')
    .where('vocabulary', '=', vocabulary)
    .where((eb) => eb(eb.fn('lower', ['code']), '=', code.toLowerCase()))
    .execute();
  return rows.map((r) => r.code);
}

/** The highest sort value in a vocabulary (0 when empty). */
export async function maxSort(db: Db, vocabulary: string): Promise<number> {
  const row = await db
    .selectFrom('taxonomy_terms')
    .select((eb) => eb.fn.max('sort').as('max'))
    .where('vocabulary', '=', vocabulary)
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** Adds a term; false when its code is taken (nothing written). */
export async function insertTerm(
  db: Db,
  term: { vocabulary: string; code: string; parent: string | null; sort: number },
): Promise<boolean> {
  const res = await db
    .insertInto('taxonomy_terms')
    .values({ ...term, active: 1 })
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Sets a term's label in one language, or removes it (null). */
export async function setLabel(
  db: Db,
  vocabulary: string,
  term: string,
  locale: string,
  label: string | null,
): Promise<void> {
  if (label === null) {
    await db
      .deleteFrom('taxonomy_term_labels')
      .where('vocabulary', '=', vocabulary)
      .where('term', '=', term)
      .where('locale', '=', locale)
      .execute();
    return;
  }
  await db
    .insertInto('taxonomy_term_labels')
    .values({ vocabulary, term, locale, label })
    .onConflict((oc) => oc.columns(['vocabulary', 'term', 'locale']).doUpdateSet({ label }))
    .execute();
}

/** Sets a term's value in an outside scheme, or removes it (null). */
export async function setMapping(
  db: Db,
  vocabulary: string,
  term: string,
  scheme: string,
  value: string | null,
): Promise<void> {
  if (value === null) {
    await db
      .deleteFrom('taxonomy_term_mappings')
      .where('vocabulary', '=', vocabulary)
      .where('term', '=', term)
      .where('scheme', '=', scheme)
      .execute();
    return;
  }
  await db
    .insertInto('taxonomy_term_mappings')
    .values({ vocabulary, term, scheme, value })
    .onConflict((oc) => oc.columns(['vocabulary', 'term', 'scheme']).doUpdateSet({ value }))
    .execute();
}

/** Retires (false) or reactivates (true) a term. */
export async function setActive(
  db: Db,
  vocabulary: string,
  term: string,
  active: boolean,
): Promise<void> {
  await db
    .updateTable('taxonomy_terms')
    .set({ active: active ? 1 : 0 })
    .where('vocabulary', '=', vocabulary)
    .where('code', '=', term)
    .execute();
}

/** Gives each listed term its new sort value. */
export async function setSorts(
  db: Db,
  vocabulary: string,
  sorts: { code: string; sort: number }[],
): Promise<void> {
  for (const s of sorts) {
    await db
      .updateTable('taxonomy_terms')
      .set({ sort: s.sort })
      .where('vocabulary', '=', vocabulary)
      .where('code', '=', s.code)
      .execute();
  }
}
