import { h } from 'preact';
import type { CaseExtension } from '../../contracts/case-extension.js';
import type { HavenModule } from '../../contracts/module.js';
import { staffNames } from '../accounts/index.js';
import { escalationOpenApi, registerEscalationApi } from './escalation.api.js';
import { ESCALATION_ERRORS } from './escalation.errors.js';
import { escalationPolicy } from './escalation.policy.js';
import { registerEscalationRoutes } from './escalation.routes.js';
import { caseEscalations, queueEscalations } from './escalation.service.js';
import { clockJob, slaSubscribers } from './escalation.subscribers.js';
import { EscalationPanel } from './views/panel.js';

/**
 * The escalation module (ADR 34): ladders of steps, global or per team, edited on
 * /staff/escalation by coordinators and administrators; a clock job that records each step a
 * case reaches once per wait (case_escalations, with an `escalation.step_reached` event the
 * notifications module turns into notices and a `case.escalated` audit entry); the case page's
 * section of its escalations; and the SLA read model (`slaFigures`) for the reports module.
 */
export { slaFigures, type SlaFigures, type SlaCounts, type MetMissed } from './sla.service.js';
export { STEP_REACHED } from './escalation.service.js';
export { ESCALATION_ACTIONS, escalationPolicy, type EscalationAction } from './escalation.policy.js';

/**
 * The case page's section: each step the case reached, when, and who was told; and the queue's
 * marker: the step of its ladder a row's case last reached in its current wait (ADR 34).
 */
const caseExtension: CaseExtension = {
  name: 'escalation',
  async queueNotes(deps, caseIds, locale) {
    const t = deps.i18n.translator(locale);
    const out = new Map<number, string>();
    for (const [id, e] of await queueEscalations(deps, caseIds))
      out.set(id, t(`escalation.queue.${e.action}`, { minutes: e.minutes }));
    return out;
  },
  async panel(deps, { ctx, case: c }) {
    const rows = await caseEscalations(deps, c.id);
    const names = await staffNames(deps, rows.flatMap((r) => r.notified));
    return h(EscalationPanel, {
      ctx,
      escalations: rows.map((r) => {
        const known = r.notified.filter((id) => names.has(id));
        return {
          reachedAt: r.reachedAt,
          minutes: r.minutes,
          action: r.action,
          names: known.map((id) => names.get(id)!),
          unnamed: r.notified.length - known.length,
        };
      }),
    });
  },
};

/** The escalation module as the app and worker see it. */
export const escalationModule: HavenModule = {
  name: 'escalation',
  policy: escalationPolicy,
  errors: ESCALATION_ERRORS,
  nav: [{ href: '/staff/escalation', labelKey: 'escalation.nav', action: 'escalation.view', order: 55 }],
  caseExtension,
  registerStaff: (app, { deps, assets }) => registerEscalationRoutes(app, deps, assets),
  api: { register: (app, { deps }) => registerEscalationApi(app, deps), openapi: escalationOpenApi },
  jobs: (deps) => [clockJob(deps)],
  subscribers: slaSubscribers,
};
