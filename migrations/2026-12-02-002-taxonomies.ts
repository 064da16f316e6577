import { sql, type Kysely } from 'kysely';

// Taxonomies become their own module: named vocabularies whose terms carry a label per
// language, an order, an active flag and mappings to outside schemes. Frozen: later changes
// come as new migrations.
//
// - taxonomy_vocabularies: one row per vocabulary. `code` is what callers and records use
//   (the old `taxonomy_terms.kind`: incident_type, country, …); `namespace` groups them
//   (cases, common, sharing; later fund, monitor, intel); `parent` names the vocabulary whose
//   terms are this one's parents (a country's region); `ordering` is `manual` (the stored
//   order) or `label` (sorted by name in the reader's language); `fixed` vocabularies (Haven's
//   own code or a published standard relies on their terms) can be renamed and reordered, but
//   no term is added or retired. Their names per language are in taxonomy_vocabulary_labels.
// - taxonomy_terms: the same key as before, (vocabulary, code), so every code a case stores
//   is still there; no case row changes. The labels that were one JSON object per term become
//   one row per language in taxonomy_term_labels (an empty label was no label and is not
//   copied); the RSIT class/type becomes the `rsit` row of taxonomy_term_mappings.
// - TLP 2.0 and PAP are seeded as vocabularies of their own, mapped to their MISP tags.
//
// Down puts the old table back from the new ones, English-first JSON labels and the RSIT
// mapping included; TLP, PAP and any other mapping are dropped with the new tables.

type Labels = Record<string, string>;

interface VocabularySeed {
  code: string;
  namespace: string;
  parent: string | null;
  ordering: 'manual' | 'label';
  fixed: boolean;
  labels: Labels;
}

const L = (en: string, es: string, fr: string, ar: string, ru: string): Labels => ({ en, es, fr, ar, ru });

// Every kind the old table knew, in the order of the triage form, then the sharing labels.
const VOCABULARIES: VocabularySeed[] = [
  { code: 'incident_type', namespace: 'cases', parent: null, ordering: 'manual', fixed: false, labels: L('Incident type', 'Tipo de incidente', "Type d'incident", 'نوع الحادث', 'Тип инцидента') },
  { code: 'urgency', namespace: 'cases', parent: null, ordering: 'manual', fixed: true, labels: L('Urgency', 'Urgencia', 'Urgence', 'الإلحاح', 'Срочность') },
  { code: 'severity', namespace: 'cases', parent: null, ordering: 'manual', fixed: false, labels: L('Severity', 'Gravedad', 'Gravité', 'الخطورة', 'Серьёзность') },
  { code: 'beneficiary', namespace: 'cases', parent: null, ordering: 'manual', fixed: false, labels: L('Beneficiary', 'Persona beneficiaria', 'Bénéficiaire', 'المستفيد', 'Получатель помощи') },
  { code: 'mandate', namespace: 'cases', parent: null, ordering: 'manual', fixed: true, labels: L('Mandate', 'Mandato', 'Mandat', 'الولاية', 'Мандат') },
  { code: 'region', namespace: 'common', parent: null, ordering: 'manual', fixed: false, labels: L('Region', 'Región', 'Région', 'المنطقة', 'Регион') },
  { code: 'country', namespace: 'common', parent: 'region', ordering: 'label', fixed: false, labels: L('Country', 'País', 'Pays', 'البلد', 'Страна') },
  { code: 'language', namespace: 'common', parent: null, ordering: 'label', fixed: false, labels: L('Language', 'Idioma', 'Langue', 'اللغة', 'Язык') },
  { code: 'tlp', namespace: 'sharing', parent: null, ordering: 'manual', fixed: true, labels: L('Traffic Light Protocol (TLP 2.0)', 'Protocolo del semáforo (TLP 2.0)', 'Traffic Light Protocol (TLP 2.0)', 'بروتوكول إشارات المرور (TLP 2.0)', 'Протокол светофора (TLP 2.0)') },
  { code: 'pap', namespace: 'sharing', parent: null, ordering: 'manual', fixed: true, labels: L('Permissible Actions Protocol (PAP)', 'Protocolo de acciones permitidas (PAP)', 'Protocole des actions permises (PAP)', 'بروتوكول الإجراءات المسموح بها (PAP)', 'Протокол допустимых действий (PAP)') },
];

const NEW_VOCABULARIES = new Set(['tlp', 'pap']);

// TLP 2.0 (FIRST) and PAP: their labels are the standard's own words, the same in every
// language, so only English is stored and every language falls back to it.
const SHARING_TERMS: { vocabulary: string; code: string; label: string; misp: string }[] = [
  { vocabulary: 'tlp', code: 'clear', label: 'TLP:CLEAR', misp: 'tlp:clear' },
  { vocabulary: 'tlp', code: 'green', label: 'TLP:GREEN', misp: 'tlp:green' },
  { vocabulary: 'tlp', code: 'amber', label: 'TLP:AMBER', misp: 'tlp:amber' },
  { vocabulary: 'tlp', code: 'amber+strict', label: 'TLP:AMBER+STRICT', misp: 'tlp:amber+strict' },
  { vocabulary: 'tlp', code: 'red', label: 'TLP:RED', misp: 'tlp:red' },
  { vocabulary: 'pap', code: 'clear', label: 'PAP:CLEAR', misp: 'PAP:CLEAR' },
  { vocabulary: 'pap', code: 'green', label: 'PAP:GREEN', misp: 'PAP:GREEN' },
  { vocabulary: 'pap', code: 'amber', label: 'PAP:AMBER', misp: 'PAP:AMBER' },
  { vocabulary: 'pap', code: 'red', label: 'PAP:RED', misp: 'PAP:RED' },
];

interface OldTerm {
  kind: string;
  code: string;
  parent: string | null;
  rsit: string | null;
  sort: number;
  labels: string;
  active: number;
}

// The shapes these steps write; migrations take the database as it was, not the app's types.
interface Tables {
  taxonomy_terms_v1: OldTerm;
  taxonomy_vocabularies: { code: string; namespace: string; parent: string | null; ordering: string; fixed: number; sort: number };
  taxonomy_vocabulary_labels: { vocabulary: string; locale: string; label: string };
  taxonomy_terms: { vocabulary: string; code: string; parent: string | null; sort: number; active: number };
  taxonomy_term_labels: { vocabulary: string; term: string; locale: string; label: string };
  taxonomy_term_mappings: { vocabulary: string; term: string; scheme: string; value: string };
}

/** Inserts rows a batch at a time (SQLite allows at most 32,766 bound values per statement). */
async function insertAll<T extends keyof Tables>(db: Kysely<Tables>, table: T, rows: Tables[T][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely cannot narrow a generic table's insert type
    await db.insertInto(table).values(rows.slice(i, i + 200) as any).execute();
  }
}

/** The stored labels of an old row: its JSON object, strings only, empty ones dropped. */
function parseLabels(t: OldTerm): Labels {
  const parsed: unknown = JSON.parse(t.labels);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`taxonomy term ${t.kind}/${t.code} has labels that are not a JSON object`);
  }
  const out: Labels = {};
  for (const [locale, label] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof label === 'string' && label !== '') out[locale] = label;
  }
  return out;
}

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Tables>;
  await sql`alter table taxonomy_terms rename to taxonomy_terms_v1`.execute(db);

  await db.schema
    .createTable('taxonomy_vocabularies')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('ordering', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('fixed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sort', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('taxonomy_vocabulary_labels')
    .addColumn('vocabulary', 'text', (c) => c.notNull().references('taxonomy_vocabularies.code').onDelete('cascade'))
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxonomy_vocabulary_labels_pkey', ['vocabulary', 'locale'])
    .execute();
  await db.schema
    .createTable('taxonomy_terms')
    .addColumn('vocabulary', 'text', (c) => c.notNull().references('taxonomy_vocabularies.code'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    // The old key, under a new name: the old table still holds `taxonomy_terms_pk` until dropped.
    .addPrimaryKeyConstraint('taxonomy_terms_pkey', ['vocabulary', 'code'])
    .execute();
  for (const [table, column] of [
    ['taxonomy_term_labels', 'locale'],
    ['taxonomy_term_mappings', 'scheme'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('vocabulary', 'text', (c) => c.notNull())
      .addColumn('term', 'text', (c) => c.notNull())
      .addColumn(column, 'text', (c) => c.notNull())
      .addColumn(column === 'locale' ? 'label' : 'value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ['vocabulary', 'term', column])
      .addForeignKeyConstraint(`${table}_term_fk`, ['vocabulary', 'term'], 'taxonomy_terms', ['vocabulary', 'code'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
  }

  const old = await db.selectFrom('taxonomy_terms_v1').selectAll().orderBy('kind').orderBy('sort').orderBy('code').execute();

  // Every kind found gets a vocabulary: the known ones with their names, any other (written by
  // hand into the old table) with none, so it shows as its code.
  const seeds = new Map(VOCABULARIES.map((v) => [v.code, v]));
  for (const kind of new Set(old.map((t) => t.kind))) {
    if (!seeds.has(kind)) seeds.set(kind, { code: kind, namespace: 'cases', parent: null, ordering: 'manual', fixed: false, labels: {} });
  }
  const vocabularies = [...seeds.values()];
  await insertAll(
    db,
    'taxonomy_vocabularies',
    vocabularies.map((v, i) => ({ code: v.code, namespace: v.namespace, parent: v.parent, ordering: v.ordering, fixed: v.fixed ? 1 : 0, sort: i + 1 })),
  );
  await insertAll(
    db,
    'taxonomy_vocabulary_labels',
    vocabularies.flatMap((v) => Object.entries(v.labels).map(([locale, label]) => ({ vocabulary: v.code, locale, label }))),
  );

  await insertAll(
    db,
    'taxonomy_terms',
    old.map((t) => ({ vocabulary: t.kind, code: t.code, parent: t.parent, sort: t.sort, active: t.active })),
  );
  await insertAll(
    db,
    'taxonomy_term_labels',
    old.flatMap((t) => Object.entries(parseLabels(t)).map(([locale, label]) => ({ vocabulary: t.kind, term: t.code, locale, label }))),
  );
  await insertAll(
    db,
    'taxonomy_term_mappings',
    old.flatMap((t) => (t.rsit ? [{ vocabulary: t.kind, term: t.code, scheme: 'rsit', value: t.rsit }] : [])),
  );

  // The sharing vocabularies, unless a term of theirs somehow exists already.
  const taken = new Set(old.map((t) => `${t.kind}\0${t.code}`));
  const sharing = SHARING_TERMS.filter((t) => !taken.has(`${t.vocabulary}\0${t.code}`));
  const sortOf = new Map<string, number>();
  await insertAll(
    db,
    'taxonomy_terms',
    sharing.map((t) => {
      const sort = (sortOf.get(t.vocabulary) ?? 0) + 1;
      sortOf.set(t.vocabulary, sort);
      return { vocabulary: t.vocabulary, code: t.code, parent: null, sort, active: 1 };
    }),
  );
  await insertAll(
    db,
    'taxonomy_term_labels',
    sharing.map((t) => ({ vocabulary: t.vocabulary, term: t.code, locale: 'en', label: t.label })),
  );
  await insertAll(
    db,
    'taxonomy_term_mappings',
    sharing.map((t) => ({ vocabulary: t.vocabulary, term: t.code, scheme: 'misp', value: t.misp })),
  );

  await db.schema.dropTable('taxonomy_terms_v1').execute();
}

export async function down(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Tables>;
  await db.schema
    .createTable('taxonomy_terms_v1')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('rsit', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('taxonomy_terms_pk', ['kind', 'code'])
    .execute();

  const terms = await db.selectFrom('taxonomy_terms').selectAll().execute();
  const labels = await db.selectFrom('taxonomy_term_labels').selectAll().orderBy('locale').execute();
  const rsit = await db.selectFrom('taxonomy_term_mappings').selectAll().where('scheme', '=', 'rsit').execute();
  const key = (vocabulary: string, code: string) => `${vocabulary}\0${code}`;
  const labelsOf = new Map<string, Labels>();
  for (const l of labels) {
    const k = key(l.vocabulary, l.term);
    labelsOf.set(k, { ...labelsOf.get(k), [l.locale]: l.label });
  }
  const rsitOf = new Map(rsit.map((m) => [key(m.vocabulary, m.term), m.value]));
  await insertAll(
    db,
    'taxonomy_terms_v1',
    terms
      .filter((t) => !NEW_VOCABULARIES.has(t.vocabulary))
      .map((t) => {
        const k = key(t.vocabulary, t.code);
        const own = labelsOf.get(k) ?? {};
        // English first, as the seed wrote it.
        const ordered: Labels = own.en === undefined ? own : { en: own.en, ...own };
        return {
          kind: t.vocabulary,
          code: t.code,
          parent: t.parent,
          rsit: rsitOf.get(k) ?? null,
          sort: t.sort,
          labels: JSON.stringify(ordered),
          active: t.active,
        };
      }),
  );

  for (const t of ['taxonomy_term_mappings', 'taxonomy_term_labels', 'taxonomy_terms', 'taxonomy_vocabulary_labels', 'taxonomy_vocabularies']) {
    await db.schema.dropTable(t).execute();
  }
  await sql`alter table taxonomy_terms_v1 rename to taxonomy_terms`.execute(db);
}
