import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with the taxonomies. Deny by default. Coordinators, who run the helpline's
 * work, read the vocabularies; only administrators change them, since a change reaches every
 * form, every report and every partner that reads the mappings.
 */
export const TAXONOMY_ACTIONS = ['taxonomy.view', 'taxonomy.edit'] as const;
export type TaxonomyAction = (typeof TAXONOMY_ACTIONS)[number];

export const taxonomyPolicy = definePolicy<TaxonomyAction>({
  'taxonomy.view': ['admin', 'coordinator'],
  'taxonomy.edit': ['admin'],
});
