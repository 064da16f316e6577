import type { HavenModule } from '../../contracts/module.js';
import { registerSearchApi, searchOpenApi } from './search.api.js';
import { indexJob, searchSubscribers } from './search.jobs.js';
import { searchPolicy } from './search.policy.js';
import { registerSearchRoutes } from './search.routes.js';

/**
 * The search module (ADR 37): staff search over the cases' encrypted text through a blind index
 * (keyed hashes of normalised words and indicators, under a subkey of the content private key),
 * on /staff/search and `GET /api/v1/search`, limited to the cases each person may know. The
 * cases module's events keep the index current; a job indexes every case under the active key.
 */
export { indexCase, runIndexing, searchCases, searchIndexSize, type IndexRun, type SearchPage } from './search.service.js';
export { documentTokens, queryTokens, normalise, caseNumberOf } from './tokens.js';
export { SEARCH_ACTIONS, searchPolicy, type SearchAction } from './search.policy.js';

/** The search module as the app sees it. */
export const searchModule: HavenModule = {
  name: 'search',
  policy: searchPolicy,
  nav: [{ href: '/staff/search?q=', labelKey: 'search.nav', action: 'search.cases', order: 13 }],
  registerStaff: (app, { deps, assets }) => registerSearchRoutes(app, deps, assets),
  api: { register: (app, { deps }) => registerSearchApi(app, deps), openapi: searchOpenApi },
  jobs: (deps) => [indexJob(deps)],
  subscribers: (deps) => searchSubscribers(deps),
};
