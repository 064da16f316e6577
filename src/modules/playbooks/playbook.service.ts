import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import type { Database } from '../../platform/storage/schema.js';
import { findTerm } from '../taxonomies/index.js';
import './playbook.errors.js';
import { moveOne, STEPS_MAX, type Texts } from './playbook.js';
import { playbookPolicy } from './playbook.policy.js';
import * as repo from './playbook.repo.js';
import type { PlaybookInput, StepInput } from './playbook.schema.js';

// The coordinators' side of playbooks: list, create, change, retire, and a playbook's steps
// added, changed, moved and removed. Every change runs in one transaction with the playbook's
// row locked and is audited in it; a form sent twice (its one-time token already spent) is
// answered as done, and changes nothing more.

type Trx = Transaction<Database>;

export type { PlaybookRow, StepRow, StepText } from './playbook.repo.js';

/** A playbook as its list shows it. */
export interface PlaybookSummary extends repo.PlaybookRow {
  names: Texts<string>;
  steps: number;
}

/** Every playbook with its names and number of steps: those in use, then (with `includeRetired`) retired ones. */
export async function listPlaybooks(
  deps: Pick<Deps, 'db'>,
  opts: { includeRetired: boolean },
): Promise<PlaybookSummary[]> {
  const rows = await repo.listPlaybooks(deps.db, opts);
  const ids = rows.map((r) => r.id);
  const [names, counts] = await Promise.all([repo.playbookNames(deps.db, ids), repo.stepCounts(deps.db, ids)]);
  return rows.map((r) => ({ ...r, names: names.get(r.id) ?? {}, steps: counts.get(r.id) ?? 0 }));
}

/** One playbook with its names and steps, or undefined. */
export async function playbookWithSteps(
  deps: Pick<Deps, 'db'>,
  id: string,
): Promise<{ playbook: repo.PlaybookRow; names: Texts<string>; steps: repo.StepRow[] } | undefined> {
  const playbook = await repo.findPlaybook(deps.db, id);
  if (!playbook) return undefined;
  const [names, steps] = await Promise.all([repo.playbookNames(deps.db, [id]), repo.listSteps(deps.db, id)]);
  return { playbook, names: names.get(id) ?? {}, steps };
}

/** What a change answers: whether anything changed, or (a form sent again) nothing was done twice. */
export type Changed = 'changed' | 'unchanged' | 'repeated';

/** Whether `code` is an incident type in use, or `keep` (a playbook's current, perhaps retired, type). */
async function knownIncidentType(trx: Trx, code: string | null, keep?: string | null): Promise<boolean> {
  if (code === null || code === keep) return true;
  return (await findTerm({ db: trx }, 'incident_type', code)) !== undefined;
}

/** Thrown inside a transaction whose one-time token was already spent: rolls its work back. */
class Repeated extends Error {}

/**
 * Runs `work` in a transaction, then spends `once` in it: a token already spent (the same form
 * sent twice, perhaps at the same moment) rolls the work back and answers `repeated`.
 */
async function onceOnly<T>(
  deps: Deps,
  once: OneTimeToken | undefined,
  work: (trx: Trx) => Promise<Result<T>>,
): Promise<Result<T | 'repeated'>> {
  try {
    return await deps.db.transaction().execute(async (trx): Promise<Result<T | 'repeated'>> => {
      const result = await work(trx);
      if (result.ok && once && !(await spendToken(trx, once))) throw new Repeated();
      return result;
    });
  } catch (e) {
    if (e instanceof Repeated) return ok('repeated');
    throw e;
  }
}

/**
 * Runs `work` in a transaction with the playbook's row locked, after asking the policy:
 * FORBIDDEN for a person who may not edit, NOT_FOUND for an unknown playbook; `once` as onceOnly.
 */
async function inPlaybook<T>(
  deps: Deps,
  actor: Principal,
  id: string,
  once: OneTimeToken | undefined,
  work: (trx: Trx, playbook: repo.PlaybookRow) => Promise<Result<T>>,
): Promise<Result<T | 'repeated'>> {
  const allowed = playbookPolicy.authorize(actor, 'playbook.edit');
  if (!allowed.ok) return allowed;
  return onceOnly(deps, once, async (trx): Promise<Result<T>> => {
    const playbook = await repo.findPlaybook(trx, id, deps.dialect);
    if (!playbook) return fail('NOT_FOUND');
    return work(trx, playbook);
  });
}

const audit = (trx: Trx, at: number, actor: Principal, action: string, detail: Record<string, string | number | boolean | null>) =>
  recordAudit(trx, at, { ...actorOf(actor), action, caseId: null, detail });

/**
 * A new playbook with its names and no steps yet, at the end of the list; audited as
 * `playbook.created`. VALIDATION_FAILED (field `incident_type`) for a type not in use. A form
 * sent twice creates one playbook: the second answers `repeated`.
 */
export async function createPlaybook(
  deps: Deps,
  actor: Principal,
  input: PlaybookInput,
  once?: OneTimeToken,
): Promise<Result<{ id: string } | 'repeated'>> {
  const allowed = playbookPolicy.authorize(actor, 'playbook.edit');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  const id = crypto.randomUUID();
  return onceOnly(deps, once, async (trx): Promise<Result<{ id: string }>> => {
    if (!(await knownIncidentType(trx, input.incidentType))) return fail('VALIDATION_FAILED', 'incident_type');
    await repo.insertPlaybook(trx, { id, incidentType: input.incidentType, sort: await repo.nextSort(trx), at: now });
    await repo.replaceNames(trx, id, input.names);
    await audit(trx, now, actor, 'playbook.created', { playbook: id, incident_type: input.incidentType });
    return ok({ id });
  });
}

/** Changes a playbook's incident type and names; audited as `playbook.changed`. */
export async function changePlaybook(
  deps: Deps,
  actor: Principal,
  id: string,
  input: PlaybookInput,
): Promise<Result<Changed>> {
  const now = deps.now();
  return inPlaybook(deps, actor, id, undefined, async (trx, playbook): Promise<Result<Changed>> => {
    if (!(await knownIncidentType(trx, input.incidentType, playbook.incidentType))) return fail('VALIDATION_FAILED', 'incident_type');
    const names = (await repo.playbookNames(trx, [id])).get(id) ?? {};
    const sameNames = JSON.stringify(sorted(names)) === JSON.stringify(sorted(input.names));
    if (sameNames && playbook.incidentType === input.incidentType) return ok('unchanged');
    await repo.updatePlaybook(trx, id, { incidentType: input.incidentType }, now);
    if (!sameNames) await repo.replaceNames(trx, id, input.names);
    await audit(trx, now, actor, 'playbook.changed', { playbook: id, incident_type: input.incidentType });
    return ok('changed');
  });
}

/** Retires a playbook (applied to no case, kept with its steps and the tasks made from it) or brings it back. */
export async function setPlaybookActive(
  deps: Deps,
  actor: Principal,
  id: string,
  active: boolean,
): Promise<Result<Changed>> {
  const now = deps.now();
  return inPlaybook(deps, actor, id, undefined, async (trx, playbook): Promise<Result<Changed>> => {
    if (playbook.active === active) return ok('unchanged');
    await repo.updatePlaybook(trx, id, { active }, now);
    await audit(trx, now, actor, active ? 'playbook.reactivated' : 'playbook.retired', { playbook: id });
    return ok('changed');
  });
}

/**
 * A step at the end of the playbook; audited as `playbook.step_added`. PLAYBOOK_TOO_MANY_STEPS
 * past STEPS_MAX. A form sent twice adds one step.
 */
export async function addStep(
  deps: Deps,
  actor: Principal,
  id: string,
  input: StepInput,
  once?: OneTimeToken,
): Promise<Result<{ stepId: string } | 'repeated'>> {
  const now = deps.now();
  const stepId = crypto.randomUUID();
  return inPlaybook(deps, actor, id, once, async (trx): Promise<Result<{ stepId: string }>> => {
    const steps = await repo.listSteps(trx, id);
    if (steps.length >= STEPS_MAX) return fail('PLAYBOOK_TOO_MANY_STEPS');
    await repo.insertStep(trx, { id: stepId, playbookId: id, position: steps.length + 1, required: input.required, dueMinutes: input.dueMinutes, at: now });
    await repo.replaceStepTexts(trx, stepId, input.texts);
    await repo.updatePlaybook(trx, id, {}, now);
    await audit(trx, now, actor, 'playbook.step_added', { playbook: id, step: stepId, required: input.required });
    return ok({ stepId });
  });
}

/** Changes a step's flag, due offset and texts; audited as `playbook.step_changed`. NOT_FOUND for a step not in the playbook. */
export async function changeStep(
  deps: Deps,
  actor: Principal,
  id: string,
  stepId: string,
  input: StepInput,
): Promise<Result<Changed>> {
  const now = deps.now();
  return inPlaybook(deps, actor, id, undefined, async (trx): Promise<Result<Changed>> => {
    const step = (await repo.listSteps(trx, id)).find((s) => s.id === stepId);
    if (!step) return fail('NOT_FOUND');
    const sameTexts = JSON.stringify(sorted(step.texts)) === JSON.stringify(sorted(input.texts));
    if (sameTexts && step.required === input.required && step.dueMinutes === input.dueMinutes) return ok('unchanged');
    await repo.updateStep(trx, stepId, { required: input.required, dueMinutes: input.dueMinutes }, now);
    if (!sameTexts) await repo.replaceStepTexts(trx, stepId, input.texts);
    await repo.updatePlaybook(trx, id, {}, now);
    await audit(trx, now, actor, 'playbook.step_changed', { playbook: id, step: stepId, required: input.required });
    return ok('changed');
  });
}

/** Moves a step one place up or down; audited as `playbook.step_moved`. Unchanged at either end. */
export async function moveStep(
  deps: Deps,
  actor: Principal,
  id: string,
  stepId: string,
  up: boolean,
): Promise<Result<Changed>> {
  const now = deps.now();
  return inPlaybook(deps, actor, id, undefined, async (trx): Promise<Result<Changed>> => {
    const ids = (await repo.listSteps(trx, id)).map((s) => s.id);
    const from = ids.indexOf(stepId);
    if (from === -1) return fail('NOT_FOUND');
    const moved = moveOne(ids, from, up);
    if (moved.every((s, i) => s === ids[i])) return ok('unchanged');
    await repo.renumberSteps(trx, moved, now);
    await repo.updatePlaybook(trx, id, {}, now);
    await audit(trx, now, actor, 'playbook.step_moved', { playbook: id, step: stepId, position: moved.indexOf(stepId) + 1 });
    return ok('changed');
  });
}

/**
 * Removes a step (tasks already made from it keep their title); audited as
 * `playbook.step_removed`. PLAYBOOK_LAST_STEP for the only step: retire the playbook instead.
 */
export async function removeStep(
  deps: Deps,
  actor: Principal,
  id: string,
  stepId: string,
): Promise<Result<Changed>> {
  const now = deps.now();
  return inPlaybook(deps, actor, id, undefined, async (trx): Promise<Result<Changed>> => {
    const ids = (await repo.listSteps(trx, id)).map((s) => s.id);
    if (!ids.includes(stepId)) return fail('NOT_FOUND');
    if (ids.length === 1) return fail('PLAYBOOK_LAST_STEP');
    await repo.deleteStep(trx, stepId);
    await repo.renumberSteps(
      trx,
      ids.filter((s) => s !== stepId),
      now,
    );
    await repo.updatePlaybook(trx, id, {}, now);
    await audit(trx, now, actor, 'playbook.step_removed', { playbook: id, step: stepId });
    return ok('changed');
  });
}

/** An object's entries in key order, to compare two sets of texts. */
function sorted<T>(texts: Texts<T>): [string, T | undefined][] {
  return Object.entries(texts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
