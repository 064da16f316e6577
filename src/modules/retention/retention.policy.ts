import { definePolicy, type Subject } from '../../platform/auth/policy.js';
import type { Role } from '../../platform/auth/roles.js';

/**
 * Who may do what with retention. Deny by default. Retention decides when personal data is
 * destroyed for good, so only administrators see and change the rules or start a run.
 */
export const RETENTION_ACTIONS = ['retention.view', 'retention.edit', 'retention.run'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

const RULES: Record<RetentionAction, readonly Role[]> = {
  'retention.view': ['admin'],
  'retention.edit': ['admin'],
  'retention.run': ['admin'],
};

export const retentionPolicy = definePolicy<RetentionAction>(RULES);

/** True when `principal` may perform `action`; false for nobody signed in. */
export const can = (principal: Subject | null, action: RetentionAction): boolean => retentionPolicy.can(principal, action);
