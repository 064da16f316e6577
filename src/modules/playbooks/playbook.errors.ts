import { defineErrors } from '../../platform/errors.js';

/** The playbooks module's own error codes (platform/errors.ts has the generic ones). */
export const PLAYBOOK_ERRORS = defineErrors({
  /** The playbook is applied to the case already: its tasks are there (ADR 35). */
  PLAYBOOK_ALREADY_APPLIED: { status: 409, messageKey: 'playbooks.error.already_applied' },
  /** A retired playbook, or one with no steps, is applied to no case. */
  PLAYBOOK_NOT_APPLICABLE: { status: 409, messageKey: 'playbooks.error.not_applicable' },
  /** The case holds as many tasks as a case may. */
  PLAYBOOK_TOO_MANY_TASKS: { status: 409, messageKey: 'playbooks.error.too_many_tasks' },
  /** The playbook has as many steps as one may. */
  PLAYBOOK_TOO_MANY_STEPS: { status: 409, messageKey: 'playbooks.error.too_many_steps' },
  /** The last step of a playbook is not removed: retire the playbook instead. */
  PLAYBOOK_LAST_STEP: { status: 409, messageKey: 'playbooks.error.last_step' },
  /** A task is given to someone who cannot hold it (not active staff, or not allowed to know the case). */
  PLAYBOOK_ASSIGNEE_INVALID: { status: 422, messageKey: 'playbooks.error.assignee_invalid' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    PLAYBOOK_ALREADY_APPLIED: true;
    PLAYBOOK_NOT_APPLICABLE: true;
    PLAYBOOK_TOO_MANY_TASKS: true;
    PLAYBOOK_TOO_MANY_STEPS: true;
    PLAYBOOK_LAST_STEP: true;
    PLAYBOOK_ASSIGNEE_INVALID: true;
  }
}
