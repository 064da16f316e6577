import type { HavenModule } from '../../contracts/module.js';
import { playbookCaseExtension } from './playbook.extension.js';
import { PLAYBOOK_ERRORS } from './playbook.errors.js';
import { playbookPolicy } from './playbook.policy.js';
import { registerPlaybookRoutes } from './playbook.routes.js';

/**
 * The playbooks module: per incident type, an ordered checklist with guidance per step in the
 * five staff languages, written by coordinators on /staff/playbooks (every change audited) and
 * seeded for the Digital First Aid Kit topics. Applied to a case, its steps become the case's
 * tasks (holder, due time, done); their progress shows on the case page and the queue, and a
 * case is not resolved or closed with required tasks open unless a coordinator overrides
 * (through the case extension contract; ADR 35).
 */
export { PLAYBOOK_ACTIONS, playbookPolicy, type PlaybookAction } from './playbook.policy.js';
export { playbookCaseExtension } from './playbook.extension.js';

/** The playbooks module as the app sees it. */
export const playbooksModule: HavenModule = {
  name: 'playbooks',
  policy: playbookPolicy,
  errors: PLAYBOOK_ERRORS,
  nav: [{ href: '/staff/playbooks', labelKey: 'playbooks.title', action: 'playbook.view', order: 52 }],
  caseExtension: playbookCaseExtension,
  registerStaff: (app, { deps, assets }) => registerPlaybookRoutes(app, deps, assets),
};
