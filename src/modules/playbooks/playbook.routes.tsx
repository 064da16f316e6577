import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { parseForm } from '../../platform/http/form.js';
import { oneTimeToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { taxonomyOptions, termLabels } from '../taxonomies/index.js';
import { GUIDANCE_MAX, NAME_MAX, PLAYBOOK_ID, PLAYBOOK_LANGUAGES, TITLE_MAX } from './playbook.js';
import { playbookPolicy } from './playbook.policy.js';
import { ApplyInput, guidanceField, nameField, PLAYBOOK_FIELDS, PlaybookInput, STEP_FIELDS, StepInput, TaskAssigneeInput, titleField } from './playbook.schema.js';
import {
  addStep,
  changePlaybook,
  changeStep,
  createPlaybook,
  listPlaybooks,
  moveStep,
  playbookWithSteps,
  removeStep,
  setPlaybookActive,
  type Changed,
} from './playbook.service.js';
import { applyPlaybook, mayKnowCase, setTaskAssignee, setTaskDone } from './task.service.js';
import { panelHref } from './views/case-panel.js';
import { playbookHref, PlaybookPage, PLAYBOOKS_HREF, PlaybooksPage, StepPage, type FailedForm } from './views/playbooks.js';

const flashes = defineFlashes({
  created: 'playbooks.done.created',
  saved: 'playbooks.done.saved',
  retired: 'playbooks.done.retired',
  reactivated: 'playbooks.done.reactivated',
  step_added: 'playbooks.done.step_added',
  step_saved: 'playbooks.done.step_saved',
  step_moved: 'playbooks.done.step_moved',
  step_removed: 'playbooks.done.step_removed',
  unchanged: 'playbooks.done.unchanged',
  repeated: 'playbooks.done.repeated',
});

/** The one-time tokens of the forms that add something (a playbook, a step): sent twice, they add once. */
const NEW_PLAYBOOK_FORM = 'playbook-new-form';
const NEW_STEP_FORM = 'playbook-step-form';

/** Body limits: every text field at its longest, in the worst encoding. */
const PLAYBOOK_BODY = Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [nameField(l), NAME_MAX]));
const STEP_BODY = Object.fromEntries(
  PLAYBOOK_LANGUAGES.flatMap((l) => [
    [titleField(l), TITLE_MAX],
    [guidanceField(l), GUIDANCE_MAX],
  ]),
);

/** A case id as an address writes it. */
function caseIdOf(req: FastifyRequest): number | null {
  const raw = (req.params as { id?: string }).id ?? '';
  if (!/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * /staff/playbooks: the playbooks. Those who work cases read them; coordinators and
 * administrators add one, change its incident type and names, add, change, move and remove its
 * steps, retire and bring it back, each change audited in its transaction. And the case page's
 * forms: apply a playbook to a case, tick a task done or reopen it, hand a task on.
 */
export function registerPlaybookRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const canEdit = (req: FastifyRequest) => playbookPolicy.can(req.principal, 'playbook.edit');
  const params = (req: FastifyRequest) => req.params as Record<string, string | undefined>;
  const flashOf = (status: number, req: FastifyRequest) => (status === 200 ? flashes.read(req) : undefined);

  /** The form's one-time token when it is one this server issued and still valid; else none (the form still works). */
  function onceOf(req: FastifyRequest, purpose: string): OneTimeToken | undefined {
    const value = (req.body as Record<string, unknown> | undefined)?._once;
    const check = checkFormToken(deps.vault.formKey, purpose, value, deps.now());
    return check.ok ? oneTimeToken(deps.vault, `${purpose}-token`, String(value), check.issuedAt) : undefined;
  }

  async function found(req: FastifyRequest) {
    const id = params(req).id ?? '';
    return PLAYBOOK_ID.test(id) ? playbookWithSteps(deps, id) : undefined;
  }

  async function types(req: FastifyRequest, keep: string | null = null) {
    return Promise.all([taxonomyOptions(deps, 'incident_type', req.locale, { keep }), termLabels(deps, 'incident_type', req.locale)]);
  }

  async function listPage(req: FastifyRequest, reply: FastifyReply, status: number, failed: FailedForm | null) {
    const [playbooks, [options, labels]] = await Promise.all([listPlaybooks(deps, { includeRetired: true }), types(req)]);
    return sendPage(
      reply,
      status,
      <PlaybooksPage
        ctx={staffContext(req, assets.cssUrl, flashOf(status, req))}
        playbooks={playbooks}
        typeLabels={labels}
        types={options}
        canEdit={canEdit(req)}
        onceToken={issueFormToken(deps.vault.formKey, NEW_PLAYBOOK_FORM, deps.now())}
        failed={failed}
      />,
    );
  }

  async function playbookPage(
    req: FastifyRequest,
    reply: FastifyReply,
    pb: NonNullable<Awaited<ReturnType<typeof found>>>,
    status: number,
    failed: FailedForm | null,
  ) {
    const [options, labels] = await types(req, pb.playbook.incidentType);
    return sendPage(
      reply,
      status,
      <PlaybookPage
        ctx={staffContext(req, assets.cssUrl, flashOf(status, req))}
        playbook={pb.playbook}
        names={pb.names}
        steps={pb.steps}
        typeLabels={labels}
        types={options}
        canEdit={canEdit(req)}
        onceToken={issueFormToken(deps.vault.formKey, NEW_STEP_FORM, deps.now())}
        failed={failed}
      />,
    );
  }

  const changedFlash = (c: Changed | 'repeated', flash: 'saved' | 'step_saved' | 'step_moved' | 'step_removed' | 'retired' | 'reactivated') =>
    c === 'changed' ? flash : c;

  app.get('/playbooks', { config: { action: 'playbook.view' } }, async (req, reply) => listPage(req, reply, 200, null));

  app.post('/playbooks', { ...textBody(PLAYBOOK_BODY), config: { action: 'playbook.edit', textMax: NAME_MAX } }, async (req, reply) => {
    const form = parseForm(PlaybookInput, req.body, { fields: PLAYBOOK_FIELDS, shown: NAME_MAX });
    if (!form.ok) return listPage(req, reply, 422, { form: 'new', values: form.values, errors: form.errors });
    const result = await createPlaybook(deps, req.principal!, form.data, onceOf(req, NEW_PLAYBOOK_FORM));
    if (!result.ok) {
      if (result.field === 'incident_type')
        return listPage(req, reply, 422, { form: 'new', values: form.values, errors: { incident_type: 'playbooks.error.incident_type_invalid' } });
      return errorPage(req, reply, result.code);
    }
    if (result.value === 'repeated') return flashes.redirect(reply, PLAYBOOKS_HREF, 'repeated');
    return flashes.redirect(reply, playbookHref(result.value.id), 'created');
  });

  app.get('/playbooks/:id', { config: { action: 'playbook.view' } }, async (req, reply) => {
    const pb = await found(req);
    if (!pb) return errorPage(req, reply, 'NOT_FOUND');
    return playbookPage(req, reply, pb, 200, null);
  });

  app.post('/playbooks/:id', { ...textBody(PLAYBOOK_BODY), config: { action: 'playbook.edit', textMax: NAME_MAX } }, async (req, reply) => {
    const pb = await found(req);
    if (!pb) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(PlaybookInput, req.body, { fields: PLAYBOOK_FIELDS, shown: NAME_MAX });
    if (!form.ok) return playbookPage(req, reply, pb, 422, { form: 'details', values: form.values, errors: form.errors });
    const result = await changePlaybook(deps, req.principal!, pb.playbook.id, form.data);
    if (!result.ok) {
      if (result.field === 'incident_type')
        return playbookPage(req, reply, pb, 422, { form: 'details', values: form.values, errors: { incident_type: 'playbooks.error.incident_type_invalid' } });
      return errorPage(req, reply, result.code);
    }
    return flashes.redirect(reply, playbookHref(pb.playbook.id), changedFlash(result.value, 'saved'));
  });

  for (const [path, active] of [
    ['retire', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/playbooks/:id/${path}`, { config: { action: 'playbook.edit' } }, async (req, reply) => {
      const pb = await found(req);
      if (!pb) return errorPage(req, reply, 'NOT_FOUND');
      const result = await setPlaybookActive(deps, req.principal!, pb.playbook.id, active);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, playbookHref(pb.playbook.id), changedFlash(result.value, active ? 'reactivated' : 'retired'));
    });
  }

  app.post('/playbooks/:id/steps', { ...textBody(STEP_BODY), config: { action: 'playbook.edit', textMax: GUIDANCE_MAX } }, async (req, reply) => {
    const pb = await found(req);
    if (!pb) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(StepInput, req.body, { fields: STEP_FIELDS, shown: GUIDANCE_MAX });
    if (!form.ok) return playbookPage(req, reply, pb, 422, { form: 'step', values: form.values, errors: form.errors });
    const result = await addStep(deps, req.principal!, pb.playbook.id, form.data, onceOf(req, NEW_STEP_FORM));
    if (!result.ok) return errorPage(req, reply, result.code);
    if (result.value === 'repeated') return flashes.redirect(reply, playbookHref(pb.playbook.id), 'repeated');
    return flashes.redirect(reply, `${playbookHref(pb.playbook.id)}#step-${result.value.stepId}`, 'step_added');
  });

  /** The playbook and step the address names; undefined when either is unknown. */
  async function stepOf(req: FastifyRequest) {
    const pb = await found(req);
    const stepId = params(req).stepId ?? '';
    const index = pb && PLAYBOOK_ID.test(stepId) ? pb.steps.findIndex((s) => s.id === stepId) : -1;
    return pb && index >= 0 ? { pb, step: pb.steps[index]!, position: index + 1 } : undefined;
  }

  async function stepPage(req: FastifyRequest, reply: FastifyReply, s: NonNullable<Awaited<ReturnType<typeof stepOf>>>, status: number, failed: FailedForm | null) {
    return sendPage(
      reply,
      status,
      <StepPage ctx={staffContext(req, assets.cssUrl)} playbook={s.pb.playbook} names={s.pb.names} step={s.step} position={s.position} failed={failed} />,
    );
  }

  app.get('/playbooks/:id/steps/:stepId', { config: { action: 'playbook.edit' } }, async (req, reply) => {
    const s = await stepOf(req);
    if (!s) return errorPage(req, reply, 'NOT_FOUND');
    return stepPage(req, reply, s, 200, null);
  });

  app.post('/playbooks/:id/steps/:stepId', { ...textBody(STEP_BODY), config: { action: 'playbook.edit', textMax: GUIDANCE_MAX } }, async (req, reply) => {
    const s = await stepOf(req);
    if (!s) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(StepInput, req.body, { fields: STEP_FIELDS, shown: GUIDANCE_MAX });
    if (!form.ok) return stepPage(req, reply, s, 422, { form: 'step', values: form.values, errors: form.errors });
    const result = await changeStep(deps, req.principal!, s.pb.playbook.id, s.step.id, form.data);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, `${playbookHref(s.pb.playbook.id)}#step-${s.step.id}`, changedFlash(result.value, 'step_saved'));
  });

  for (const [path, up] of [
    ['up', true],
    ['down', false],
  ] as const) {
    app.post(`/playbooks/:id/steps/:stepId/${path}`, { config: { action: 'playbook.edit' } }, async (req, reply) => {
      const s = await stepOf(req);
      if (!s) return errorPage(req, reply, 'NOT_FOUND');
      const result = await moveStep(deps, req.principal!, s.pb.playbook.id, s.step.id, up);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, `${playbookHref(s.pb.playbook.id)}#step-${s.step.id}`, changedFlash(result.value, 'step_moved'));
    });
  }

  app.post('/playbooks/:id/steps/:stepId/remove', { config: { action: 'playbook.edit' } }, async (req, reply) => {
    const s = await stepOf(req);
    if (!s) return errorPage(req, reply, 'NOT_FOUND');
    const result = await removeStep(deps, req.principal!, s.pb.playbook.id, s.step.id);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, playbookHref(s.pb.playbook.id), changedFlash(result.value, 'step_removed'));
  });

  // ---- The case page's forms (the case extension's section) --------------------------------

  app.post('/cases/:id/playbook', { config: { action: 'playbook.apply' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(ApplyInput, req.body, { fields: ['playbook'] });
    // A case the person may not know is no case: 404 before anything is said about the form.
    if (!form.ok) return errorPage(req, reply, (await mayKnowCase(deps, req.principal!, caseId)) ? 'VALIDATION_FAILED' : 'NOT_FOUND');
    const result = await applyPlaybook(deps, req.principal!, caseId, form.data.playbook);
    if (!result.ok) return errorPage(req, reply, result.code);
    return reply.redirect(panelHref(caseId, 'applied'), 303);
  });

  /** The task the address names, when well formed. */
  const taskIdOf = (req: FastifyRequest): string | null => {
    const id = params(req).taskId ?? '';
    return /^[0-9a-f-]{36}$/.test(id) ? id : null;
  };

  for (const [path, done] of [
    ['done', true],
    ['undo', false],
  ] as const) {
    app.post(`/cases/:id/tasks/:taskId/${path}`, { config: { action: 'playbook.update_task' } }, async (req, reply) => {
      const caseId = caseIdOf(req);
      const taskId = taskIdOf(req);
      if (caseId === null || taskId === null) return errorPage(req, reply, 'NOT_FOUND');
      const result = await setTaskDone(deps, req.principal!, caseId, taskId, done);
      if (!result.ok) return errorPage(req, reply, result.code);
      return reply.redirect(panelHref(caseId, result.value ? (done ? 'done' : 'reopened') : 'unchanged'), 303);
    });
  }

  app.post('/cases/:id/tasks/:taskId/assignee', { config: { action: 'playbook.update_task' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    const taskId = taskIdOf(req);
    if (caseId === null || taskId === null) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(TaskAssigneeInput, req.body, { fields: ['assignee'] });
    if (!form.ok) return errorPage(req, reply, (await mayKnowCase(deps, req.principal!, caseId)) ? 'PLAYBOOK_ASSIGNEE_INVALID' : 'NOT_FOUND');
    const result = await setTaskAssignee(deps, req.principal!, caseId, taskId, form.data.assignee);
    if (!result.ok) return errorPage(req, reply, result.code);
    return reply.redirect(panelHref(caseId, result.value ? 'assigned' : 'unchanged'), 303);
  });
}
