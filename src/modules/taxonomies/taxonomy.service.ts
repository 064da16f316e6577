import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { collatorFor } from '../../platform/i18n/formats.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Option } from '../../platform/views/form.js';
import './taxonomy.errors.js';
import {
  moved,
  termLabel,
  type Direction,
  type TaxonomyKind,
  type Term,
  type Vocabulary,
} from './taxonomy.js';
import * as repo from './taxonomy.repo.js';
import type { MappingInput, NewTermInput, RenameInput } from './taxonomy.schema.js';

type Db = Pick<Deps, 'db'>;

// ---- What other modules read ----------------------------------------------------------

/** A vocabulary's terms in their stored order: those in use, or every one with `includeRetired`. */
export async function listTerms(
  deps: Db,
  kind: TaxonomyKind,
  opts: { includeRetired?: boolean } = {},
): Promise<Term[]> {
  return repo.selectTerms(deps.db, kind, { includeRetired: opts.includeRetired ?? false });
}

/**
 * One term, or undefined when the code is unknown or (unless `includeRetired`) retired: what
 * a service checks a code against before storing it.
 */
export async function findTerm(
  deps: Db,
  kind: TaxonomyKind,
  code: string,
  opts: { includeRetired?: boolean } = {},
): Promise<Term | undefined> {
  const [term] = await repo.selectTerms(deps.db, kind, {
    code,
    includeRetired: opts.includeRetired ?? false,
  });
  return term;
}

/**
 * The terms in use as options for a form's select or radios, labelled in `locale`, in the
 * vocabulary's order (by name in the locale's collation where the vocabulary says so).
 * `keep` is the value a record holds now: when that term has been retired it is offered too,
 * so the form still shows (and sends back) what the record says.
 */
export async function taxonomyOptions(
  deps: CacheDeps,
  kind: TaxonomyKind,
  locale: string,
  opts: { keep?: string | null | undefined } = {},
): Promise<Option[]> {
  return optionsOf(deps, kind, locale, opts.keep ?? null);
}

/** Every term's label in `locale`, retired ones too: for showing what records hold. */
export async function termLabels(
  deps: CacheDeps,
  kind: TaxonomyKind,
  locale: string,
): Promise<Map<string, string>> {
  return labelsOf(deps, kind, locale);
}

/** taxonomyOptions for any vocabulary code (the administrators' pages take one from the URL). */
export async function optionsOf(
  deps: CacheDeps,
  vocabulary: string,
  locale: string,
  keep: string | null,
): Promise<Option[]> {
  const entry = await keptVocabulary(deps, vocabulary);
  const retired = keep && !entry.byCode.has(keep) ? entry.everyByCode.get(keep) : undefined;
  // A copy: the kept options are shared, and a retired value is placed among them.
  return retired ? optionsFor([...entry.terms, retired], entry.ordering, locale) : [...optionsIn(entry, locale)];
}

/** termLabels for any vocabulary code. */
export async function labelsOf(
  deps: CacheDeps,
  vocabulary: string,
  locale: string,
): Promise<Map<string, string>> {
  const entry = await keptVocabulary(deps, vocabulary);
  return new Map([...entry.everyByCode.values()].map((t) => [t.code, termLabel(t, locale)]));
}

// ---- The copy of the terms kept in memory (public forms and staff pages) ----------------

/**
 * How long a process serves the terms it read before it reads them again. The public request
 * form lists four vocabularies (~250 countries, ~180 languages) on every GET and checks the
 * codes sent on every POST: reading and naming them each time cost more than saving the
 * request; a staff page shows six or seven vocabularies' labels and options (about 35 small
 * reads, most of a page's time on PostgreSQL). A change made on /staff/taxonomies is seen at
 * once by the process that made it (it forgets its copy when the change commits) and within
 * this bound by every other process on the same database: for up to a second a form may still
 * offer a term just retired, or not yet offer one just added, and a page show a label as it was
 * (ADR 22). Checks of a staff write (findTerm, listTerms) read the tables themselves.
 */
export const TAXONOMY_CACHE_MS = 1000;

interface KeptVocabulary {
  /** When it was read (deps.now()). */
  at: number;
  /** The terms in use, in stored order. */
  terms: Term[];
  byCode: Map<string, Term>;
  /** Every term, retired ones too (labels for what records hold, a record's retired value). */
  everyByCode: Map<string, Term>;
  ordering: string | undefined;
  /** Options per locale, built on first use. */
  options: Map<string, Option[]>;
}

type CacheDeps = Pick<Deps, 'db' | 'now'> & Partial<Pick<Deps, 'storage'>>;

/** One copy per database (its Storage; a transaction's deps keep their Storage). */
const kept = new WeakMap<object, Map<string, Promise<KeptVocabulary>>>();

function keptFor(deps: CacheDeps): Map<string, Promise<KeptVocabulary>> {
  const key: object = deps.storage ?? deps.db;
  let map = kept.get(key);
  if (!map) {
    map = new Map();
    kept.set(key, map);
  }
  return map;
}

async function readVocabulary(deps: CacheDeps, vocabulary: string): Promise<KeptVocabulary> {
  const at = deps.now();
  const every = await repo.selectTerms(deps.db, vocabulary, { includeRetired: true });
  const ordering = await repo.orderingOf(deps.db, vocabulary);
  const terms = every.filter((t) => t.active);
  return {
    at,
    terms,
    byCode: new Map(terms.map((t) => [t.code, t])),
    everyByCode: new Map(every.map((t) => [t.code, t])),
    ordering,
    options: new Map(),
  };
}

/**
 * The kept copy of a vocabulary's terms in use, read again once older than TAXONOMY_CACHE_MS.
 * Parallel requests share one read. Inside a transaction a missing or old copy is read through
 * it and not kept (what a transaction sees is not yet everyone's).
 */
async function keptVocabulary(deps: CacheDeps, vocabulary: string): Promise<KeptVocabulary> {
  const map = keptFor(deps);
  const now = deps.now();
  const current = map.get(vocabulary);
  if (current) {
    const entry = await current.catch(() => undefined);
    if (entry && now - entry.at < TAXONOMY_CACHE_MS && now >= entry.at) return entry;
    if (map.get(vocabulary) !== current) return keptVocabulary(deps, vocabulary);
  }
  if (deps.db.isTransaction) return readVocabulary(deps, vocabulary);
  const reading = readVocabulary(deps, vocabulary);
  map.set(vocabulary, reading);
  reading.catch(() => {
    if (map.get(vocabulary) === reading) map.delete(vocabulary);
  });
  return reading;
}

/** Forgets this process's copy of a vocabulary (after a change to it commits). */
export function forgetKeptVocabulary(deps: CacheDeps, vocabulary: string): void {
  keptFor(deps).delete(vocabulary);
}

/**
 * taxonomyOptions for the public forms: the same options, from the kept copy (at most
 * TAXONOMY_CACHE_MS old, see above). The array is shared: callers must not change it.
 */
export async function cachedTaxonomyOptions(
  deps: CacheDeps,
  kind: TaxonomyKind,
  locale: string,
): Promise<readonly Option[]> {
  return optionsIn(await keptVocabulary(deps, kind), locale);
}

/** The options of a kept vocabulary's terms in use, in `locale`: built once per copy and locale. */
function optionsIn(entry: KeptVocabulary, locale: string): Option[] {
  let options = entry.options.get(locale);
  if (!options) {
    options = optionsFor(entry.terms, entry.ordering, locale);
    entry.options.set(locale, options);
  }
  return options;
}

/** Terms as options labelled in `locale`, in stored order or by name where the vocabulary says so. */
function optionsFor(terms: readonly Term[], ordering: string | undefined, locale: string): Option[] {
  const options = terms.map((t) => ({ value: t.code, label: termLabel(t, locale) }));
  if (ordering === 'label') {
    const byName = collatorFor(locale);
    options.sort((a, b) => byName.compare(a.label, b.label));
  }
  return options;
}

/** findTerm for the public forms: a term in use, from the kept copy (at most TAXONOMY_CACHE_MS old). */
export async function cachedTerm(
  deps: CacheDeps,
  kind: TaxonomyKind,
  code: string,
): Promise<Term | undefined> {
  return (await keptVocabulary(deps, kind)).byCode.get(code);
}

/**
 * listTerms for a page, from the kept copy (at most TAXONOMY_CACHE_MS old, see above), in stored
 * order: never for checking a write. The array is the caller's; the terms in it are shared.
 */
export async function cachedTerms(
  deps: CacheDeps,
  kind: TaxonomyKind,
  opts: { includeRetired?: boolean } = {},
): Promise<Term[]> {
  const entry = await keptVocabulary(deps, kind);
  return opts.includeRetired ? [...entry.everyByCode.values()] : [...entry.terms];
}

// ---- The administrators' pages ------------------------------------------------------------

export interface VocabularySummary extends Vocabulary {
  active: number;
  retired: number;
}

/** Every vocabulary with how many terms it has in use and retired. */
export async function listVocabularies(deps: Db): Promise<VocabularySummary[]> {
  const [vocabularies, counts] = await Promise.all([
    repo.listVocabularies(deps.db),
    repo.countTerms(deps.db),
  ]);
  return vocabularies.map((v) => ({ ...v, ...(counts.get(v.code) ?? { active: 0, retired: 0 }) }));
}

/** One vocabulary, or undefined. */
export async function findVocabulary(deps: Db, code: string): Promise<Vocabulary | undefined> {
  return repo.findVocabulary(deps.db, code);
}

/** Every term of a vocabulary, retired ones included, in stored order. */
export async function vocabularyTerms(deps: Db, vocabulary: string): Promise<Term[]> {
  return repo.selectTerms(deps.db, vocabulary, { includeRetired: true });
}

/** One term of a vocabulary, retired or not, or undefined. */
export async function vocabularyTerm(
  deps: Db,
  vocabulary: string,
  code: string,
): Promise<Term | undefined> {
  const [term] = await repo.selectTerms(deps.db, vocabulary, { code, includeRetired: true });
  return term;
}


type Trx = Transaction<Database>;

/**
 * Runs `work` in a transaction with the vocabulary locked; NOT_FOUND for an unknown
 * vocabulary. Every change and its audit entries commit together or not at all.
 */
async function inVocabulary<T>(
  deps: Deps,
  code: string,
  work: (trx: Trx, vocabulary: Vocabulary) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (!(await repo.lockVocabulary(trx, deps.dialect, code))) return fail<T>('NOT_FOUND');
      const vocabulary = await repo.findVocabulary(trx, code);
      if (!vocabulary) return fail<T>('NOT_FOUND');
      return work(trx, vocabulary);
    });
  } finally {
    // Committed or not, this process's public forms read the vocabulary again.
    forgetKeptVocabulary(deps, code);
  }
}

/**
 * Adds a term at the end of its vocabulary, with its labels (and parent); audited as
 * `taxonomy.term_added`. TAXONOMY_FIXED for a fixed vocabulary; TAXONOMY_CODE_TAKEN (field
 * `code`) when the code, in any letter case, is already there, retired terms included.
 */
export async function addTerm(
  deps: Deps,
  actor: Principal,
  vocabularyCode: string,
  input: NewTermInput,
): Promise<Result<Term>> {
  const now = deps.now();
  return inVocabulary(deps, vocabularyCode, async (trx, vocabulary) => {
    if (vocabulary.fixed) return fail<Term>('TAXONOMY_FIXED');
    if ((await repo.codesLike(trx, vocabulary.code, input.code)).length > 0)
      return fail<Term>('TAXONOMY_CODE_TAKEN', 'code');
    if (input.parent !== null) {
      const parent = vocabulary.parent
        ? await repo.selectTerms(trx, vocabulary.parent, {
            code: input.parent,
            includeRetired: false,
          })
        : [];
      if (parent.length === 0) return fail<Term>('VALIDATION_FAILED', 'parent');
    }
    const sort = (await repo.maxSort(trx, vocabulary.code)) + 1;
    if (
      !(await repo.insertTerm(trx, {
        vocabulary: vocabulary.code,
        code: input.code,
        parent: input.parent,
        sort,
      }))
    ) {
      return fail<Term>('TAXONOMY_CODE_TAKEN', 'code');
    }
    const locales: string[] = [];
    for (const [locale, label] of Object.entries(input.labels)) {
      if (label === null) continue;
      await repo.setLabel(trx, vocabulary.code, input.code, locale, label);
      locales.push(locale);
    }
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'taxonomy.term_added',
      caseId: null,
      detail: {
        vocabulary: vocabulary.code,
        term: input.code,
        parent: input.parent,
        locales: locales.join(','),
      },
    });
    const [term] = await repo.selectTerms(trx, vocabulary.code, {
      code: input.code,
      includeRetired: true,
    });
    return ok(term!);
  });
}

/**
 * Sets a term's label in each language given (null removes it, so the language falls back);
 * one `taxonomy.term_renamed` audit entry per language that changed, with the old and new label.
 * Returns the languages that changed.
 */
export async function renameTerm(
  deps: Deps,
  actor: Principal,
  vocabularyCode: string,
  code: string,
  labels: RenameInput,
): Promise<Result<string[]>> {
  const now = deps.now();
  return inVocabulary(deps, vocabularyCode, async (trx, vocabulary) => {
    const [term] = await repo.selectTerms(trx, vocabulary.code, { code, includeRetired: true });
    if (!term) return fail<string[]>('NOT_FOUND');
    const changed: string[] = [];
    for (const [locale, label] of Object.entries(labels)) {
      const before = term.labels[locale] ?? null;
      if (before === label) continue;
      await repo.setLabel(trx, vocabulary.code, code, locale, label);
      await recordAudit(trx, now, {
        ...actorOf(actor),
        action: 'taxonomy.term_renamed',
        caseId: null,
        detail: { vocabulary: vocabulary.code, term: code, locale, from: before, to: label },
      });
      changed.push(locale);
    }
    return ok(changed);
  });
}

/**
 * Moves a term one place up or down in its vocabulary's order (retired terms keep their
 * places); audited as `taxonomy.term_moved` with its old and new position. False when it is
 * already first or last. CONFLICT for a vocabulary listed by name, which has no order to change.
 */
export async function moveTerm(
  deps: Deps,
  actor: Principal,
  vocabularyCode: string,
  code: string,
  direction: Direction,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inVocabulary(deps, vocabularyCode, async (trx, vocabulary) => {
    const terms = await repo.selectTerms(trx, vocabulary.code, { includeRetired: true });
    const codes = terms.map((t) => t.code);
    if (!codes.includes(code)) return fail<boolean>('NOT_FOUND');
    if (vocabulary.ordering !== 'manual') return fail<boolean>('CONFLICT');
    const order = moved(codes, code, direction);
    if (!order) return ok(false);
    // Renumbered 1…n, so terms that shared a sort value (or had gaps) end up in a clean order.
    const sortOf = new Map(terms.map((t) => [t.code, t.sort]));
    await repo.setSorts(
      trx,
      vocabulary.code,
      order.flatMap((c, i) => (sortOf.get(c) === i + 1 ? [] : [{ code: c, sort: i + 1 }])),
    );
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'taxonomy.term_moved',
      caseId: null,
      detail: {
        vocabulary: vocabulary.code,
        term: code,
        from: codes.indexOf(code) + 1,
        to: order.indexOf(code) + 1,
      },
    });
    return ok(true);
  });
}

/**
 * Retires a term (`active` false: no form offers it; records keep it and still show its label)
 * or brings it back; audited as `taxonomy.term_retired` or `taxonomy.term_reactivated`. False
 * when it already was so. TAXONOMY_FIXED for a fixed vocabulary; TAXONOMY_LAST_TERM for the
 * last term in use of a vocabulary. A term is never deleted: records and reports hold its code.
 */
export async function setTermActive(
  deps: Deps,
  actor: Principal,
  vocabularyCode: string,
  code: string,
  active: boolean,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inVocabulary(deps, vocabularyCode, async (trx, vocabulary) => {
    const terms = await repo.selectTerms(trx, vocabulary.code, { includeRetired: true });
    const term = terms.find((t) => t.code === code);
    if (!term) return fail<boolean>('NOT_FOUND');
    if (vocabulary.fixed) return fail<boolean>('TAXONOMY_FIXED');
    if (term.active === active) return ok(false);
    if (!active && terms.filter((t) => t.active).length <= 1)
      return fail<boolean>('TAXONOMY_LAST_TERM');
    await repo.setActive(trx, vocabulary.code, code, active);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: active ? 'taxonomy.term_reactivated' : 'taxonomy.term_retired',
      caseId: null,
      detail: { vocabulary: vocabulary.code, term: code },
    });
    return ok(true);
  });
}

/**
 * Sets (or, with a null value, removes) a term's counterpart in an outside scheme; audited as
 * `taxonomy.term_mapped` with the old and new value. False when nothing changed.
 */
export async function mapTerm(
  deps: Deps,
  actor: Principal,
  vocabularyCode: string,
  code: string,
  input: MappingInput,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inVocabulary(deps, vocabularyCode, async (trx, vocabulary) => {
    const [term] = await repo.selectTerms(trx, vocabulary.code, { code, includeRetired: true });
    if (!term) return fail<boolean>('NOT_FOUND');
    const before = term.mappings[input.scheme] ?? null;
    if (before === input.value) return ok(false);
    await repo.setMapping(trx, vocabulary.code, code, input.scheme, input.value);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'taxonomy.term_mapped',
      caseId: null,
      detail: {
        vocabulary: vocabulary.code,
        term: code,
        scheme: input.scheme,
        from: before,
        to: input.value,
      },
    });
    return ok(true);
  });
}
