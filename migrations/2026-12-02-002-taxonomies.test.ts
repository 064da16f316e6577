import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The taxonomies migration on both engines: every term of the old table, with every label and
// its RSIT class/type, is in the new tables; TLP and PAP are seeded; down gives the old table
// back as it was; up again loses nothing. The tables change shape, so this test speaks SQL.

const TAXONOMIES = '2026-12-02-002-taxonomies';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(TAXONOMIES) - 1]!;

interface OldRow {
  kind: string;
  code: string;
  parent: string | null;
  rsit: string | null;
  sort: number;
  labels: Record<string, string>;
  active: number;
}

/** The old table, labels parsed and empty labels dropped (an empty label was no label). */
async function oldRows(db: Kysely<unknown>): Promise<OldRow[]> {
  const rows = await sql<Omit<OldRow, 'labels'> & { labels: string }>`
    select kind, code, parent, rsit, sort, labels, active from taxonomy_terms order by kind, code`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    ...r,
    sort: Number(r.sort),
    active: Number(r.active),
    labels: Object.fromEntries(
      Object.entries(JSON.parse(r.labels) as Record<string, string>).filter(([, v]) => v !== ''),
    ),
  }));
}

/** The new tables, read back into the old rows' shape. */
async function newRows(db: Kysely<unknown>): Promise<OldRow[]> {
  const terms = await sql<{
    vocabulary: string;
    code: string;
    parent: string | null;
    sort: number;
    active: number;
  }>`
    select vocabulary, code, parent, sort, active from taxonomy_terms order by vocabulary, code`.execute(
    db,
  );
  const labels = await sql<{ vocabulary: string; term: string; locale: string; label: string }>`
    select vocabulary, term, locale, label from taxonomy_term_labels`.execute(db);
  const mappings = await sql<{ vocabulary: string; term: string; scheme: string; value: string }>`
    select vocabulary, term, scheme, value from taxonomy_term_mappings`.execute(db);
  return terms.rows.map((t) => ({
    kind: t.vocabulary,
    code: t.code,
    parent: t.parent,
    rsit:
      mappings.rows.find(
        (m) => m.vocabulary === t.vocabulary && m.term === t.code && m.scheme === 'rsit',
      )?.value ?? null,
    sort: Number(t.sort),
    labels: Object.fromEntries(
      labels.rows
        .filter((l) => l.vocabulary === t.vocabulary && l.term === t.code)
        .map((l) => [l.locale, l.label]),
    ),
    active: Number(t.active),
  }));
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the taxonomies migration on ${engine.name}`, () => {
    it('keeps every term, label, order, state and RSIT class; seeds TLP and PAP; down and up again lose nothing', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();

        // Written at the old shape, as an instance may hold it: a label changed and one in a
        // language Haven does not show, an empty label, a retired term, a term added by hand
        // with a parent and without an RSIT class, and a case that holds codes.
        await sql`update taxonomy_terms set labels = ${JSON.stringify({
          en: 'Harassment online',
          es: 'Acoso en línea',
          ar: 'التحرش عبر الإنترنت',
          pt: 'Assédio online',
        })} where kind = 'incident_type' and code = 'harassment'`.execute(db);
        await sql`update taxonomy_terms set active = 0 where kind = 'beneficiary' and code = 'other'`.execute(
          db,
        );
        await sql`insert into taxonomy_terms (kind, code, parent, rsit, sort, labels, active)
          values ('incident_type', 'spyware', null, null, 99, ${JSON.stringify({ en: 'Spyware', fr: '' })}, 1),
                 ('country', 'AQ', 'asia_pacific', null, 300, '{}', 1)`.execute(db);
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, incident_type, country, region, beneficiary, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, version)
          values ('h1', ${Buffer.from([1])}, 'open', 'reactive', 'harassment', 'KE', 'africa', 'other', 'sw', 'in_mandate', 'none', 0, ${now}, ${now}, ${now}, ${now}, 1)`.execute(
          db,
        );
        const caseRow = async () =>
          (
            await sql<
              Record<string, unknown>
            >`select incident_type, country, region, beneficiary, language, mandate, urgency from cases`.execute(
              db,
            )
          ).rows;
        const caseBefore = await caseRow();

        const before = await oldRows(db);
        expect(before.length).toBeGreaterThan(300);
        expect(before.find((t) => t.code === 'harassment')!.labels.pt).toBe('Assédio online');
        expect(before.find((t) => t.code === 'AQ')!.parent).toBe('asia_pacific');

        expect((await migrator.migrateTo(TAXONOMIES)).error).toBeUndefined();
        const after = await newRows(db);
        // Every old term, exactly; the only new ones are TLP's and PAP's.
        expect(after.filter((t) => t.kind !== 'tlp' && t.kind !== 'pap')).toEqual(before);
        expect(await caseRow()).toEqual(caseBefore);

        const tlp = after.filter((t) => t.kind === 'tlp');
        expect(tlp.map((t) => [t.sort, t.code, t.labels.en])).toEqual(
          expect.arrayContaining([
            [1, 'clear', 'TLP:CLEAR'],
            [2, 'green', 'TLP:GREEN'],
            [3, 'amber', 'TLP:AMBER'],
            [4, 'amber+strict', 'TLP:AMBER+STRICT'],
            [5, 'red', 'TLP:RED'],
          ]),
        );
        expect(tlp).toHaveLength(5);
        expect(
          after
            .filter((t) => t.kind === 'pap')
            .map((t) => t.code)
            .sort(),
        ).toEqual(['amber', 'clear', 'green', 'red']);
        const misp = await sql<{
          value: string;
        }>`select value from taxonomy_term_mappings where vocabulary = 'tlp' and term = 'amber+strict' and scheme = 'misp'`.execute(
          db,
        );
        expect(misp.rows.map((r) => r.value)).toEqual(['tlp:amber+strict']);

        // Every vocabulary, with its name in English and Arabic; fixed ones marked.
        const vocabularies = await sql<{
          code: string;
          fixed: number;
          ordering: string;
          parent: string | null;
        }>`
          select code, fixed, ordering, parent from taxonomy_vocabularies order by code`.execute(
          db,
        );
        expect(vocabularies.rows.map((v) => v.code)).toEqual([
          'beneficiary',
          'country',
          'incident_type',
          'language',
          'mandate',
          'pap',
          'region',
          'severity',
          'tlp',
          'urgency',
        ]);
        const country = vocabularies.rows.find((v) => v.code === 'country')!;
        expect([country.ordering, country.parent]).toEqual(['label', 'region']);
        expect(vocabularies.rows.filter((v) => Number(v.fixed) === 1).map((v) => v.code)).toEqual([
          'mandate',
          'pap',
          'tlp',
          'urgency',
        ]);
        const named = await sql<{ vocabulary: string; locale: string; label: string }>`
          select vocabulary, locale, label from taxonomy_vocabulary_labels where locale in ('en', 'ar') order by vocabulary, locale`.execute(
          db,
        );
        expect(named.rows).toHaveLength(vocabularies.rows.length * 2);
        expect(
          named.rows.find((l) => l.vocabulary === 'incident_type' && l.locale === 'ar')!.label,
        ).toBe('نوع الحادث');

        // The new keys hold: a term's code once per vocabulary, a label once per language.
        await expect(
          sql`insert into taxonomy_terms (vocabulary, code, parent, sort, active) values ('incident_type', 'spyware', null, 1, 1)`.execute(
            db,
          ),
        ).rejects.toThrow();
        await expect(
          sql`insert into taxonomy_term_labels (vocabulary, term, locale, label) values ('incident_type', 'no_such_term', 'en', 'x')`.execute(
            db,
          ),
        ).rejects.toThrow();
        await expect(
          sql`insert into taxonomy_terms (vocabulary, code, parent, sort, active) values ('no_such_vocabulary', 'x', null, 1, 1)`.execute(
            db,
          ),
        ).rejects.toThrow();

        // Down: the old table as it was (TLP and PAP go with the new tables).
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        expect(await oldRows(db)).toEqual(before);
        expect(await caseRow()).toEqual(caseBefore);

        // Up again: the same as the first time.
        expect((await migrator.migrateTo(TAXONOMIES)).error).toBeUndefined();
        expect(await newRows(db)).toEqual(after);
      } finally {
        await dispose();
      }
    });
  });
}
