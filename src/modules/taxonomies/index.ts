import type { HavenModule } from '../../contracts/module.js';
import { TAXONOMY_ERRORS } from './taxonomy.errors.js';
import { taxonomyPolicy } from './taxonomy.policy.js';
import { registerTaxonomyRoutes } from './taxonomy.routes.js';

/**
 * The taxonomies module: the shared, translatable vocabularies every module codes with
 * (incident types, countries, languages, TLP, …). Terms keep their codes for good; their
 * names change per language, their order can change, and a term can be retired (offered in
 * no form, still named wherever a record holds it) but never deleted. Administrators manage
 * them on /staff/taxonomies; every change is audited.
 */
export {
  TAXONOMY_KINDS,
  LABEL_LOCALES,
  termLabel,
  vocabularyLabel,
  type TaxonomyKind,
  type Term,
  type Vocabulary,
} from './taxonomy.js';
export {
  listTerms,
  findTerm,
  taxonomyOptions,
  termLabels,
  cachedTaxonomyOptions,
  cachedTerm,
  cachedTerms,
  TAXONOMY_CACHE_MS,
} from './taxonomy.service.js';
export { TAXONOMY_ACTIONS, taxonomyPolicy, type TaxonomyAction } from './taxonomy.policy.js';

/** The taxonomies module as the app sees it. */
export const taxonomiesModule: HavenModule = {
  name: 'taxonomies',
  policy: taxonomyPolicy,
  errors: TAXONOMY_ERRORS,
  nav: [
    { href: '/staff/taxonomies', labelKey: 'taxonomies.title', action: 'taxonomy.view', order: 75 },
  ],
  registerStaff: (app, { deps, assets }) => registerTaxonomyRoutes(app, deps, assets),
};
