import { definePolicy } from '../../platform/auth/policy.js';
import type { Role } from '../../platform/auth/roles.js';

/** Who may see the vault page and rotate the key. Deny by default: administrators only. */
export const VAULT_ACTIONS = ['vault.view', 'vault.rotate'] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

const RULES: Record<VaultAction, readonly Role[]> = {
  'vault.view': ['admin'],
  'vault.rotate': ['admin'],
};

export const vaultPolicy = definePolicy<VaultAction>(RULES);
