import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with playbooks and a case's tasks. Deny by default. Those who work cases
 * (handlers, coordinators, administrators) read the playbooks, apply one to a case and tick,
 * reopen and hand on its tasks; coordinators and administrators, who set how the helpline
 * works, write the playbooks: add one, change its steps and their texts, retire it. Whether a
 * person may act on one case is asked again of the cases module (need-to-know, the case policy).
 */
export const PLAYBOOK_ACTIONS = ['playbook.view', 'playbook.edit', 'playbook.apply', 'playbook.update_task'] as const;
export type PlaybookAction = (typeof PLAYBOOK_ACTIONS)[number];

export const playbookPolicy = definePolicy<PlaybookAction>({
  'playbook.view': ['admin', 'coordinator', 'handler'],
  'playbook.edit': ['admin', 'coordinator'],
  'playbook.apply': ['admin', 'coordinator', 'handler'],
  'playbook.update_task': ['admin', 'coordinator', 'handler'],
});
