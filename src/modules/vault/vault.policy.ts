import type { Principal, Role } from '../../platform/auth/roles.js';

/** Who may see the vault page and rotate the key. Deny by default: administrators only. */
export const VAULT_ACTIONS = ['vault.view', 'vault.rotate'] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

const RULES: Record<VaultAction, readonly Role[]> = {
  'vault.view': ['admin'],
  'vault.rotate': ['admin'],
};

export function can(principal: Pick<Principal, 'role'> | null, action: VaultAction): boolean {
  if (!principal) return false;
  return RULES[action]?.includes(principal.role) ?? false;
}
