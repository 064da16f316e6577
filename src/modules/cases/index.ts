import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../contracts/deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';

/** The cases module: the handler workspace, the cases API, and the requester-facing case functions intake uses. */
export {
  LIMITS,
  submitRequest,
  caseIdForReceipt,
  requesterView,
  addRequesterMessage,
  type NewRequestInput,
  type RequesterMessage,
} from './requester.service.js';
export { taxonomyOptions, termLabel, listTerms, findTerm } from './taxonomy.repo.js';

export async function registerStaff(_app: FastifyInstance, _deps: Deps, _assets: SurfaceAssets): Promise<void> {}

export async function registerApi(_app: FastifyInstance, _deps: Deps): Promise<void> {}
