import type { HavenModule } from '../../contracts/module.js';
import { auditPolicy } from './audit.policy.js';
import { registerAuditRoutes } from './audit.routes.js';

/**
 * The audit module: the audit log across every case and account (/staff/audit), for
 * administrators and auditors, filtered by person, action, case and days in UTC, and its CSV
 * export (/staff/audit.csv); both are audited themselves. The log itself is platform
 * (platform/audit): every module writes to it, this one only reads it.
 */
export { AUDIT_ACTIONS, auditPolicy, type AuditAction } from './audit.policy.js';

/** The audit module as the app sees it. */
export const auditModule: HavenModule = {
  name: 'audit',
  roles: ['auditor'],
  policy: auditPolicy,
  nav: [{ href: '/staff/audit', labelKey: 'audit.title', action: 'audit.view', order: 90 }],
  registerStaff: (app, { deps, assets }) => registerAuditRoutes(app, deps, assets),
};
