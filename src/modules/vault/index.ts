import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { HavenModule, SurfaceAssets } from '../../contracts/module.js';
import { staffErrorPage } from '../../platform/views/staff-layout.js';
import { vaultPolicy } from './vault.policy.js';
import { registerVaultRoutes } from './vault.routes.js';

/**
 * The vault module: sealed mode (ADR 10). Unsealing, unseal holders, key rotation, leaving sealed mode. The
 * cryptography itself lives in platform/crypto/vault.ts; this module keeps the keys' records.
 */

export {
  addHolder,
  finishRotation,
  leaveSealedMode,
  NotInSealedModeError,
  openVault,
  removeHolder,
  sealInit,
  startRotation,
  unseal,
  vaultStatus,
  VaultInputError,
  type PassphraseLimits,
  type SealedModeLeft,
} from './vault.service.js';
export { UNSEAL_POLICY, unsealPolicy } from './throttle.js';

/** Registers /staff/unseal and /staff/vault. Unseal attempts are guarded in the database (throttle.ts). */
export async function registerStaff(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): Promise<void> {
  registerVaultRoutes(app, deps, { cssUrl: assets.cssUrl, errorPage: staffErrorPage(assets.cssUrl) });
}

/** The vault module as the app sees it. */
export const vaultModule: HavenModule = {
  name: 'vault',
  policy: vaultPolicy,
  nav: [{ href: '/staff/vault', labelKey: 'vault.status.title', action: 'vault.view', order: 80 }],
  registerStaff: (app, { deps, assets }) => registerStaff(app, deps, assets),
};
