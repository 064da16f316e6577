import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { errorDefinition, type ErrorCode } from '../../platform/errors.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { parseForm } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import {
  LABEL_LOCALES,
  LABEL_MAX,
  TERM_CODE,
  VOCABULARY_CODE,
  type Term,
  type Vocabulary,
} from './taxonomy.js';
import { taxonomyPolicy } from './taxonomy.policy.js';
import {
  labelField,
  MappingInput,
  MoveInput,
  newTermInput,
  renameInput,
} from './taxonomy.schema.js';
import {
  addTerm,
  findVocabulary,
  labelsOf,
  listVocabularies,
  mapTerm,
  moveTerm,
  optionsOf,
  renameTerm,
  setTermActive,
  vocabularyTerm,
  vocabularyTerms,
} from './taxonomy.service.js';
import {
  TaxonomiesPage,
  TermPage,
  termHref,
  VocabularyPage,
  vocabularyHref,
} from './views/taxonomies.js';

const flashes = defineFlashes({
  added: 'taxonomies.done.added',
  renamed: 'taxonomies.done.renamed',
  unchanged: 'taxonomies.done.unchanged',
  moved: 'taxonomies.done.moved',
  retired: 'taxonomies.done.retired',
  reactivated: 'taxonomies.done.reactivated',
  mapped: 'taxonomies.done.mapped',
});

/** The languages a term's names are edited in: every language Haven shows, then any other it has. */
function localesOf(term: Term | null): string[] {
  return [...new Set([...LABEL_LOCALES, ...Object.keys(term?.labels ?? {}).sort()])];
}

/** The longest value a mapping form shows again (a mapping's value). */
const MAPPING_SHOWN = 200;

/** A service's refusal of one field, as that field's message; undefined when it is not about a field. */
function fieldError(code: ErrorCode, field: string | undefined): FieldErrors | undefined {
  if (!field || errorDefinition(code).status !== 422) return undefined;
  if (code !== 'VALIDATION_FAILED') return { [field]: errorDefinition(code).messageKey };
  return {
    [field]: field === 'parent' ? 'taxonomies.error.parent_invalid' : 'common.form.invalid',
  };
}

/** Where a term sits in its vocabulary's list (the fragment a redirect lands on). */
const rowOf = (vocabulary: string, term: string): string =>
  `${vocabularyHref(vocabulary)}#term-${encodeURIComponent(term)}`;

/**
 * /staff/taxonomies: the vocabularies, one vocabulary's terms, one term. Coordinators read;
 * administrators add, rename, reorder, map, retire and bring back terms. Nothing is deleted.
 */
export function registerTaxonomyRoutes(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const can = (req: FastifyRequest, action: 'taxonomy.view' | 'taxonomy.edit') =>
    taxonomyPolicy.can(req.principal, action);

  const namespaceLabel = (req: FastifyRequest) => (namespace: string) =>
    deps.i18n.has('en', `taxonomies.namespace.${namespace}`)
      ? req.t(`taxonomies.namespace.${namespace}`)
      : namespace;

  /** The vocabulary the URL names, or undefined (a malformed code is unknown too). */
  async function vocabularyOf(req: FastifyRequest): Promise<Vocabulary | undefined> {
    const code = (req.params as Record<string, string | undefined>).vocabulary ?? '';
    return VOCABULARY_CODE.test(code) ? findVocabulary(deps, code) : undefined;
  }

  /** The vocabulary and term the URL names, or undefined. */
  async function termOf(
    req: FastifyRequest,
  ): Promise<{ vocabulary: Vocabulary; term: Term } | undefined> {
    const vocabulary = await vocabularyOf(req);
    const code = (req.params as Record<string, string | undefined>).term ?? '';
    if (!vocabulary || !TERM_CODE.test(code)) return undefined;
    const term = await vocabularyTerm(deps, vocabulary.code, code);
    return term ? { vocabulary, term } : undefined;
  }

  async function vocabularyPage(
    req: FastifyRequest,
    reply: FastifyReply,
    vocabulary: Vocabulary,
    status: number,
    values: Record<string, string>,
    errors: FieldErrors,
  ) {
    const [terms, parentVocabulary] = await Promise.all([
      vocabularyTerms(deps, vocabulary.code),
      vocabulary.parent ? findVocabulary(deps, vocabulary.parent) : undefined,
    ]);
    const parent = parentVocabulary
      ? await (async () => {
          const [options, labels] = await Promise.all([
            optionsOf(deps, parentVocabulary.code, req.locale, null),
            labelsOf(deps, parentVocabulary.code, req.locale),
          ]);
          return {
            vocabulary: parentVocabulary,
            options,
            labelOf: (code: string) => labels.get(code) ?? code,
          };
        })()
      : null;
    return sendPage(
      reply,
      status,
      <VocabularyPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        vocabulary={vocabulary}
        terms={terms}
        parent={parent}
        canEdit={can(req, 'taxonomy.edit')}
        values={values}
        errors={errors}
        locales={LABEL_LOCALES}
      />,
    );
  }

  async function termPage(
    req: FastifyRequest,
    reply: FastifyReply,
    found: { vocabulary: Vocabulary; term: Term },
    status: number,
    forms: {
      labels?: { values: Record<string, string>; errors: FieldErrors };
      mapping?: { values: Record<string, string>; errors: FieldErrors };
    } = {},
  ) {
    const { vocabulary, term } = found;
    const locales = localesOf(term);
    const parentLabel =
      vocabulary.parent && term.parent
        ? ((await labelsOf(deps, vocabulary.parent, req.locale)).get(term.parent) ?? term.parent)
        : null;
    return sendPage(
      reply,
      status,
      <TermPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        vocabulary={vocabulary}
        term={term}
        parentLabel={parentLabel}
        canEdit={can(req, 'taxonomy.edit')}
        locales={locales}
        labels={
          forms.labels ?? {
            values: Object.fromEntries(locales.map((l) => [labelField(l), term.labels[l] ?? ''])),
            errors: {},
          }
        }
        mapping={forms.mapping ?? { values: {}, errors: {} }}
      />,
    );
  }

  app.get('/taxonomies', { config: { action: 'taxonomy.view' } }, async (req, reply) => {
    return sendPage(
      reply,
      200,
      <TaxonomiesPage
        ctx={staffContext(req, assets.cssUrl)}
        vocabularies={await listVocabularies(deps)}
        namespaceLabel={namespaceLabel(req)}
      />,
    );
  });

  app.get(
    '/taxonomies/:vocabulary',
    { config: { action: 'taxonomy.view' } },
    async (req, reply) => {
      const vocabulary = await vocabularyOf(req);
      if (!vocabulary) return errorPage(req, reply, 'NOT_FOUND');
      return vocabularyPage(req, reply, vocabulary, 200, {}, {});
    },
  );

  // Adding a term: 422 with the form again, or 303 to the list with the new term in it.
  app.post(
    '/taxonomies/:vocabulary',
    { config: { action: 'taxonomy.edit' } },
    async (req, reply) => {
      const vocabulary = await vocabularyOf(req);
      if (!vocabulary) return errorPage(req, reply, 'NOT_FOUND');
      if (vocabulary.fixed) return errorPage(req, reply, 'TAXONOMY_FIXED');
      const parents = vocabulary.parent
        ? new Set((await optionsOf(deps, vocabulary.parent, req.locale, null)).map((o) => o.value))
        : new Set<string>();
      const form = parseForm(newTermInput(vocabulary, parents, LABEL_LOCALES), req.body, {
        fields: ['code', 'parent', ...LABEL_LOCALES.map(labelField)],
        shown: LABEL_MAX,
      });
      if (!form.ok) return vocabularyPage(req, reply, vocabulary, 422, form.values, form.errors);
      const result = await addTerm(deps, req.principal!, vocabulary.code, form.data);
      if (!result.ok) {
        const errors = fieldError(result.code, result.field);
        return errors
          ? vocabularyPage(req, reply, vocabulary, 422, form.values, errors)
          : errorPage(req, reply, result.code);
      }
      return flashes.redirect(reply, rowOf(vocabulary.code, result.value.code), 'added');
    },
  );

  app.get(
    '/taxonomies/:vocabulary/:term',
    { config: { action: 'taxonomy.view' } },
    async (req, reply) => {
      const found = await termOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      return termPage(req, reply, found, 200);
    },
  );

  // Renaming: every language at once; a blank one is removed and falls back.
  app.post(
    '/taxonomies/:vocabulary/:term/labels',
    { config: { action: 'taxonomy.edit' } },
    async (req, reply) => {
      const found = await termOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const locales = localesOf(found.term);
      const form = parseForm(renameInput(found.vocabulary, locales), req.body, {
        fields: locales.map(labelField),
        shown: LABEL_MAX,
      });
      if (!form.ok) {
        return termPage(req, reply, found, 422, {
          labels: { values: form.values, errors: form.errors },
        });
      }
      const { vocabulary, term } = found;
      const result = await renameTerm(deps, req.principal!, vocabulary.code, term.code, form.data);
      if (!result.ok) return errorPage(req, reply, result.code);
      const flash = result.value.length > 0 ? 'renamed' : 'unchanged';
      return flashes.redirect(reply, termHref(vocabulary.code, term.code), flash);
    },
  );

  app.post(
    '/taxonomies/:vocabulary/:term/mappings',
    { config: { action: 'taxonomy.edit' } },
    async (req, reply) => {
      const found = await termOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const form = parseForm(MappingInput, req.body, {
        fields: ['scheme', 'value'],
        shown: MAPPING_SHOWN,
      });
      if (!form.ok) {
        return termPage(req, reply, found, 422, {
          mapping: { values: form.values, errors: form.errors },
        });
      }
      const { vocabulary, term } = found;
      const result = await mapTerm(deps, req.principal!, vocabulary.code, term.code, form.data);
      if (!result.ok) return errorPage(req, reply, result.code);
      const flash = result.value ? 'mapped' : 'unchanged';
      return flashes.redirect(reply, termHref(vocabulary.code, term.code), flash);
    },
  );

  app.post(
    '/taxonomies/:vocabulary/:term/move',
    { config: { action: 'taxonomy.edit' } },
    async (req, reply) => {
      const found = await termOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const form = parseForm(MoveInput, req.body, { fields: ['direction'] });
      if (!form.ok) return errorPage(req, reply, 'VALIDATION_FAILED');
      const { vocabulary, term } = found;
      const result = await moveTerm(
        deps,
        req.principal!,
        vocabulary.code,
        term.code,
        form.data.direction,
      );
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(
        reply,
        rowOf(vocabulary.code, term.code),
        result.value ? 'moved' : 'unchanged',
      );
    },
  );

  for (const [path, active] of [
    ['retire', false],
    ['reactivate', true],
  ] as const) {
    app.post(
      `/taxonomies/:vocabulary/:term/${path}`,
      { config: { action: 'taxonomy.edit' } },
      async (req, reply) => {
        const found = await termOf(req);
        if (!found) return errorPage(req, reply, 'NOT_FOUND');
        const { vocabulary, term } = found;
        const result = await setTermActive(
          deps,
          req.principal!,
          vocabulary.code,
          term.code,
          active,
        );
        if (!result.ok) return errorPage(req, reply, result.code);
        const flash = result.value ? (active ? 'reactivated' : 'retired') : 'unchanged';
        return flashes.redirect(reply, rowOf(vocabulary.code, term.code), flash);
      },
    );
  }
}
