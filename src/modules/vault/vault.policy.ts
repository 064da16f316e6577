import { definePolicy, type Subject } from '../../platform/auth/policy.js';
import type { Role } from '../../platform/auth/roles.js';

/** Who may see the vault page and rotate the key. Deny by default: administrators only. */
export const VAULT_ACTIONS = ['vault.view', 'vault.rotate'] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

const RULES: Record<VaultAction, readonly Role[]> = {
  'vault.view': ['admin'],
  'vault.rotate': ['admin'],
};

export const vaultPolicy = definePolicy<VaultAction>(RULES);

/** True when `principal` may perform `action`; false for nobody signed in. */
export const can = (principal: Subject | null, action: VaultAction): boolean => vaultPolicy.can(principal, action);
