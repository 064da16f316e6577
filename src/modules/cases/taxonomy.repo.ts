import type { TaxonomyKind } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { displayName } from '../../platform/i18n/index.js';

export interface Term {
  kind: string;
  code: string;
  parent: string | null;
  rsit: string | null;
  labels: Record<string, string>;
}

/** Active terms of one taxonomy, in their stored order. */
export async function listTerms(deps: Pick<Deps, 'db'>, kind: TaxonomyKind): Promise<Term[]> {
  const rows = await deps.db
    .selectFrom('taxonomy_terms')
    .select(['kind', 'code', 'parent', 'rsit', 'labels'])
    .where('kind', '=', kind)
    .where('active', '=', 1)
    .orderBy('sort')
    .execute();
  return rows.map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> }));
}

/** One term, or undefined when the code is unknown or retired. */
export async function findTerm(
  deps: Pick<Deps, 'db'>,
  kind: TaxonomyKind,
  code: string,
): Promise<Term | undefined> {
  const r = await deps.db
    .selectFrom('taxonomy_terms')
    .select(['kind', 'code', 'parent', 'rsit', 'labels'])
    .where('kind', '=', kind)
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  return r ? { ...r, labels: JSON.parse(r.labels) as Record<string, string> } : undefined;
}

/** A term's label in `locale`: stored labels first, CLDR names for countries and languages. */
export function termLabel(term: Pick<Term, 'kind' | 'code' | 'labels'>, locale: string): string {
  const stored = term.labels[locale] ?? term.labels.en;
  if (stored) return stored;
  if (term.kind === 'country') return displayName(locale, 'region', term.code);
  if (term.kind === 'language') return displayName(locale, 'language', term.code);
  return term.code;
}

/** Options for a form's select or radios, labelled in `locale`; names sorted by the locale's collation. */
export async function taxonomyOptions(
  deps: Pick<Deps, 'db'>,
  kind: TaxonomyKind,
  locale: string,
): Promise<{ value: string; label: string }[]> {
  const options = (await listTerms(deps, kind)).map((t) => ({
    value: t.code,
    label: termLabel(t, locale),
  }));
  if (kind === 'country' || kind === 'language') {
    const collator = new Intl.Collator(locale);
    options.sort((a, b) => collator.compare(a.label, b.label));
  }
  return options;
}
