import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may search the cases (ADR 37). Deny by default. Those who work cases (handlers,
 * coordinators, administrators) search; what they find is further limited to the cases they
 * may know (need-to-know, cases/access.ts). Auditors read the audit log, not cases: no search.
 */
export const SEARCH_ACTIONS = ['search.cases'] as const;
export type SearchAction = (typeof SEARCH_ACTIONS)[number];

export const searchPolicy = definePolicy<SearchAction>({
  'search.cases': ['admin', 'coordinator', 'handler'],
});
