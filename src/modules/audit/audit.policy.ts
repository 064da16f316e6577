import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may read the audit log and export it. Deny by default. The log spans every case and
 * every account (who read which case, who gave whom a role), so it is for administrators and
 * for auditors, whose role exists to read it; coordinators and handlers see a case's own
 * history on its page.
 */
export const AUDIT_ACTIONS = ['audit.view', 'audit.export'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditPolicy = definePolicy<AuditAction>({
  'audit.view': ['admin', 'auditor'],
  'audit.export': ['admin', 'auditor'],
});
