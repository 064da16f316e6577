import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { activeStaffWithRole, listTeamRosters, type TeamRoster } from '../accounts/index.js';
import { casesOnTheClock, clockFactsOf, whoMayKnow, type CaseClockFacts } from '../cases/index.js';
import { onShiftNow } from '../shifts/index.js';
import { termLabels } from '../taxonomies/index.js';
import {
  GLOBAL_LADDER,
  laddersFor,
  readBackMs,
  reachedSteps,
  seededLadder,
  type Ladder,
  type ReachedStep,
  type Step,
  type StepAction,
  waitStart,
} from './escalation.js';
import type { LadderInput } from './escalation.schema.js';
import * as repo from './escalation.repo.js';

// The escalation ladder's use cases (ADR 34): the ladders as they govern (the global one as
// the configuration describes it until saved), saving and adding and removing them (audited,
// one transaction, a one-time token), and the clock job that records each step a case reaches,
// once, with its outbox event for the notifications module.

/** The event a reached step records, for the notifications module (payload: ids and codes only). */
export const STEP_REACHED = 'escalation.step_reached';

/** Every ladder that governs: the saved ones, and the global one as configured while it is not saved. */
export async function loadLadders(deps: Deps): Promise<Ladder[]> {
  const saved = await repo.listLadders(deps.db);
  if (saved.some((l) => l.id === GLOBAL_LADDER)) return saved;
  return [seededLadder(deps.config), ...saved];
}

/** The ids of the teams that cover a case: its region among their regions, or its language among theirs. */
export function teamsOf(rosters: readonly TeamRoster[], c: { region: string | null; language: string | null }): string[] {
  return rosters
    .filter((t) => (c.region !== null && t.regions.includes(c.region)) || (c.language !== null && t.languages.includes(c.language)))
    .map((t) => t.id);
}

/** What the recipients of a step are chosen from, read once per run. */
export interface Scene {
  rosters: readonly TeamRoster[];
  /** The shifts on now (read at most once per run). */
  shifts(): Promise<Awaited<ReturnType<typeof onShiftNow>>>;
}

export function sceneAt(deps: Deps, rosters: readonly TeamRoster[], at: number): Scene {
  let shifts: ReturnType<typeof onShiftNow> | undefined;
  return { rosters, shifts: () => (shifts ??= onShiftNow(deps, at)) };
}

/** The active members of teams `teamIds`. */
function membersOf(scene: Scene, teamIds: readonly string[]): string[] {
  return scene.rosters.filter((t) => teamIds.includes(t.id)).flatMap((t) => t.memberIds);
}

/**
 * The shift leads of a case's teams: the leads of their shifts on now; when no shift of theirs
 * is on (or it has no lead), the coordinators among their members; when they have none, every
 * coordinator. Someone always hears of it.
 */
export async function shiftLeads(deps: Deps, scene: Scene, teamIds: readonly string[]): Promise<string[]> {
  const leads = (await scene.shifts()).filter((s) => teamIds.includes(s.teamId)).flatMap((s) => (s.leadId === null ? [] : [s.leadId]));
  if (leads.length > 0) return leads;
  const coordinators = await activeStaffWithRole(deps, 'coordinator');
  const members = new Set(membersOf(scene, teamIds));
  const ofTeams = coordinators.filter((id) => members.has(id));
  return ofTeams.length > 0 ? ofTeams : coordinators;
}

/**
 * Who a step tells about a case, before need-to-know: its action's people, and the case's
 * assignee, who holds it and must know it escalated.
 */
export async function stepPeople(
  deps: Deps,
  scene: Scene,
  action: StepAction,
  c: Pick<CaseClockFacts, 'assignee_id'>,
  teamIds: readonly string[],
): Promise<string[]> {
  const caretakers = () => (c.assignee_id !== null ? [c.assignee_id] : membersOf(scene, teamIds));
  const people =
    action === 'notify_shift_lead'
      ? await shiftLeads(deps, scene, teamIds)
      : action === 'notify_director'
        ? await activeStaffWithRole(deps, 'admin')
        : action === 'notify_coordinators'
          ? await activeStaffWithRole(deps, 'coordinator')
          : caretakers();
  if (c.assignee_id !== null) people.push(c.assignee_id);
  return [...new Set(people)].sort();
}

/** How many cases the clock job reads per run at most. */
export const CLOCK_BATCH = 1000;

/**
 * Records that case `c` reached `r`: in one transaction, the row keyed by (case, step, start of
 * the wait), then, only when this call wrote it, the `escalation.step_reached` event and the
 * `case.escalated` audit entry (codes and ids only). False when it was already recorded.
 */
export async function recordStep(deps: Deps, c: Pick<CaseClockFacts, 'id'>, r: ReachedStep, notified: readonly string[]): Promise<boolean> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const wrote = await repo.insertEscalation(trx, {
      case_id: c.id,
      step_id: r.step.id,
      wait_started_at: r.waitStartedAt,
      ladder_id: r.ladder.id,
      minutes: r.step.minutes,
      action: r.step.action,
      reached_at: now,
      notified: JSON.stringify(notified),
    });
    if (!wrote) return false;
    await recordEvent(
      trx,
      {
        type: STEP_REACHED,
        payload: {
          caseId: c.id,
          stepId: r.step.id,
          action: r.step.action,
          minutes: r.step.minutes,
          waitStartedAt: r.waitStartedAt,
          recipients: [...notified],
        },
      },
      now,
    );
    await recordAudit(trx, now, {
      actorKind: 'system',
      actorId: null,
      action: 'case.escalated',
      caseId: c.id,
      detail: { step: r.step.id, action: r.step.action, minutes: r.step.minutes, notified: notified.length },
    });
    return true;
  });
}

/**
 * The clock job's run: each case on the clock (awaiting a reply, not waiting on the requester,
 * not suspected spam) that has reached a step of the ladders governing it records that step
 * once per wait, with the people it tells (those who may know the case). Steps already recorded
 * cost one read, not a transaction; a step another process recorded meanwhile adds nothing.
 * Returns how many steps this run recorded.
 */
export async function runEscalationClock(deps: Deps, pace?: Pace): Promise<number> {
  const now = deps.now();
  const ladders = await loadLadders(deps);
  if (!ladders.some((l) => l.steps.length > 0)) return 0;
  const cases = await casesOnTheClock(deps, { since: now - readBackMs(ladders), limit: CLOCK_BATCH });
  if (cases.length === 0) return 0;
  const scene = sceneAt(deps, await listTeamRosters(deps), now);
  const recorded = await repo.recordedKeys(deps.db, cases.map((c) => c.id));
  let count = 0;
  for (const c of cases) {
    const teamIds = teamsOf(scene.rosters, c);
    for (const r of reachedSteps(laddersFor(ladders, teamIds), c, now)) {
      if (recorded.has(repo.escalationKey(c.id, r.step.id, r.waitStartedAt))) continue;
      const people = await stepPeople(deps, scene, r.step.action, c, teamIds);
      const mayKnow = await whoMayKnow(deps.db, c.id, people);
      if (await recordStep(deps, c, r, people.filter((id) => mayKnow.has(id)))) count++;
      await pace?.breathe();
    }
  }
  return count;
}

/**
 * The queue's escalation marker (ADR 34's addendum): for each of `caseIds` that still awaits the
 * helpline's reply (not suspected spam), the latest step of its ladder it reached in its current
 * wait, as the clock job recorded it; cases that reached none are left out. Two reads for a
 * page: the cases' clock facts (through the cases module's index) and their recorded steps.
 */
export async function queueEscalations(
  deps: Pick<Deps, 'db'>,
  caseIds: readonly number[],
): Promise<Map<number, { action: string; minutes: number }>> {
  const out = new Map<number, { action: string; minutes: number; reachedAt: number }>();
  if (caseIds.length === 0) return out;
  const waiting = (await clockFactsOf(deps, caseIds)).filter((c) => c.awaiting_reply === 1 && c.suspected_spam === 0);
  if (waiting.length === 0) return out;
  const waits = new Map(waiting.map((c) => [c.id, waitStart(c)]));
  for (const r of await repo.reachedBy(deps.db, [...waits.keys()])) {
    if (waits.get(r.caseId) !== r.waitStartedAt) continue;
    const seen = out.get(r.caseId);
    if (!seen || r.reachedAt > seen.reachedAt || (r.reachedAt === seen.reachedAt && r.minutes > seen.minutes))
      out.set(r.caseId, { action: r.action, minutes: r.minutes, reachedAt: r.reachedAt });
  }
  return out;
}

/** A case's escalations for its page, the latest first. */
export function caseEscalations(deps: Deps, caseId: number) {
  return repo.listCaseEscalations(deps.db, caseId);
}

/** The steps' detail in an audit entry: `60:notify_shift_lead:reactive:`, one per step. */
function stepsDetail(steps: readonly Step[]): string {
  return steps.map((s) => `${s.minutes}:${s.action}:${s.urgency ?? ''}:${s.severity ?? ''}`).join(' ');
}

/** What a save did: saved, or the same form sent again (its token already spent). */
export type SaveOutcome = 'saved' | 'repeated';

/**
 * Saves ladder `ladderId` as `input` says: its steps in order (a step keeps its id; a new one
 * gets one) and its resolution target. Refused when a severity is no term of the `severity`
 * vocabulary (VALIDATION_FAILED on that row), when the ladder was saved since the form was read
 * (CONFLICT), or when it does not exist (NOT_FOUND; the global one always exists). One
 * transaction: the one-time token, the ladder, its steps and the audit entry
 * (`escalation.ladder_changed`).
 */
export async function saveLadder(
  deps: Deps,
  actor: Principal,
  ladderId: string,
  input: LadderInput,
  once?: OneTimeToken,
): Promise<Result<SaveOutcome>> {
  const severities = await termLabels(deps, 'severity', 'en');
  const unknown = input.steps.findIndex((s) => s.severity !== null && !severities.has(s.severity));
  if (unknown >= 0) return fail('VALIDATION_FAILED', `steps.${unknown}.severity`);
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<SaveOutcome>> => {
    if (once && !(await spendToken(trx, once))) return ok('repeated');
    const head = await repo.ladderHead(trx, ladderId);
    if (!head) {
      if (ladderId !== GLOBAL_LADDER) return fail('NOT_FOUND');
      if (input.version !== 0) return fail('CONFLICT');
      // Two first saves at once: the second waits for the first, then finds it saved.
      if (!(await repo.insertLadder(trx, { id: GLOBAL_LADDER, teamId: null, resolutionHours: input.resolution_hours, at: now, by: actor.userId })))
        return fail('CONFLICT');
    } else if (!(await repo.bumpLadder(trx, ladderId, { version: input.version, resolutionHours: input.resolution_hours, at: now, by: actor.userId }))) {
      return fail('CONFLICT');
    }
    // A step id from the form is kept only when it is this ladder's (or, for the global ladder, a seeded one).
    const given = input.steps.map((s) => s.id).filter((id): id is string => id !== null);
    const foreign = new Set(await repo.stepsOfOtherLadders(trx, ladderId, given));
    const steps: Step[] = input.steps.map((s) => ({
      id: s.id !== null && !foreign.has(s.id) && (ladderId === GLOBAL_LADDER || !s.id.startsWith('global-')) ? s.id : randomUUID(),
      minutes: s.minutes,
      action: s.action,
      urgency: s.urgency,
      severity: s.severity,
    }));
    await repo.replaceSteps(trx, ladderId, steps);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'escalation.ladder_changed',
      caseId: null,
      detail: { ladder: ladderId, team: head?.team_id ?? null, resolution_hours: input.resolution_hours, steps: stepsDetail(steps) },
    });
    return ok('saved');
  });
}

/**
 * Gives team `teamId` a ladder of its own, a copy of the global one (new step ids), which then
 * replaces the global one for its cases. NOT_FOUND for no such team, CONFLICT when it has one.
 * Audited (`escalation.ladder_changed`) in its transaction. Returns the new ladder's id.
 */
export async function addTeamLadder(deps: Deps, actor: Principal, teamId: string): Promise<Result<string>> {
  const [team] = await listTeamRosters(deps, [teamId]);
  if (!team) return fail('NOT_FOUND');
  const global = (await loadLadders(deps)).find((l) => l.id === GLOBAL_LADDER)!;
  const steps = global.steps.map((s) => ({ ...s, id: randomUUID() }));
  const now = deps.now();
  const id = randomUUID();
  return deps.db.transaction().execute(async (trx): Promise<Result<string>> => {
    if (!(await repo.insertLadder(trx, { id, teamId, resolutionHours: global.resolutionHours, at: now, by: actor.userId }))) return fail('CONFLICT');
    await repo.replaceSteps(trx, id, steps);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'escalation.ladder_changed',
      caseId: null,
      detail: { ladder: id, team: teamId, resolution_hours: global.resolutionHours, steps: stepsDetail(steps), added: true },
    });
    return ok(id);
  });
}

/**
 * Removes a team's ladder: its cases follow the global one again. The global ladder is kept
 * (ESCALATION_GLOBAL_KEPT); NOT_FOUND for none. Audited in its transaction.
 */
export async function removeTeamLadder(deps: Deps, actor: Principal, ladderId: string): Promise<Result<true>> {
  if (ladderId === GLOBAL_LADDER) return fail('ESCALATION_GLOBAL_KEPT');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<true>> => {
    const head = await repo.ladderHead(trx, ladderId);
    if (!head || !(await repo.deleteLadder(trx, ladderId))) return fail('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'escalation.ladder_changed',
      caseId: null,
      detail: { ladder: ladderId, team: head.team_id, removed: true },
    });
    return ok(true);
  });
}
