import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with escalation ladders (ADR 34). Deny by default. Coordinators, who run the
 * shifts, and administrators read and change the ladders; handlers, auditors and every other
 * role do neither (a handler learns of an escalation by its notification and on the case page).
 */
export const ESCALATION_ACTIONS = ['escalation.view', 'escalation.edit'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export const escalationPolicy = definePolicy<EscalationAction>({
  'escalation.view': ['admin', 'coordinator'],
  'escalation.edit': ['admin', 'coordinator'],
});
