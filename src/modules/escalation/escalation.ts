import { URGENCIES } from '../../contracts/case.js';

// Pure rules of the escalation ladder (ADR 34): the steps' actions and bounds, the ladder the
// configuration describes until one is saved, which ladders govern a case, when a case's wait
// started, and which steps it has reached. No I/O.

/**
 * What a step does when a case reaches it: tell the shift lead of the case's team(s), the
 * director (the administrators), every coordinator, or the case's assignee; or record that the
 * first-response deadline was missed (its people are told: the assignee, else its teams).
 */
export const STEP_ACTIONS = ['notify_shift_lead', 'notify_director', 'notify_coordinators', 'notify_assignee', 'deadline_missed'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export function isStepAction(v: string): v is StepAction {
  return (STEP_ACTIONS as readonly string[]).includes(v);
}

/** The urgencies a step may be limited to (the request form's). */
export const STEP_URGENCIES = URGENCIES;

/** A step's minutes: at least one, at most a week. */
export const MINUTES_MIN = 1;
export const MINUTES_MAX = 10_080;
/** How many steps a ladder holds at most. */
export const STEPS_MAX = 12;
/** A resolution target, in hours: at least one, at most a year; a week by default. */
export const RESOLUTION_HOURS_MIN = 1;
export const RESOLUTION_HOURS_MAX = 8_760;
export const DEFAULT_RESOLUTION_HOURS = 168;

/** The global ladder's id; a team's ladder has a UUID. */
export const GLOBAL_LADDER = 'global';

/** A ladder's id in an address or form: 'global' or a UUID. */
export const LADDER_ID = /^(global|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** A step's id in a form: a seeded one ('global-lead'…) or a UUID. */
export const STEP_ID = /^(global-[a-z]{1,16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface Step {
  id: string;
  minutes: number;
  action: StepAction;
  /** Only cases of this urgency, or any (null). */
  urgency: string | null;
  /** Only cases of this severity (a `severity` term's code), or any (null). */
  severity: string | null;
}

export interface Ladder {
  id: string;
  /** The team whose cases it governs, or null for the global ladder. */
  teamId: string | null;
  resolutionHours: number;
  /** Saves so far; 0 for the global ladder while it is still the configuration's. */
  version: number;
  steps: Step[];
}

/**
 * The global ladder until someone saves it: what the configuration has always meant, at
 * ESCALATE_LEAD_MINUTES the shift lead, at ESCALATE_DIRECTOR_MINUTES the director, at
 * FIRST_RESPONSE_MINUTES the first-response deadline missed. Steps the configuration puts in
 * another order are sorted, and one at the same minute as the step before is left out, so the
 * ladder is as strictly increasing as a saved one. Its step ids are fixed, so saving it keeps
 * the steps a case already reached.
 */
export function seededLadder(config: { escalateLeadMinutes: number; escalateDirectorMinutes: number; firstResponseMinutes: number }): Ladder {
  const steps: Step[] = [
    { id: 'global-lead', minutes: config.escalateLeadMinutes, action: 'notify_shift_lead' as const, urgency: null, severity: null },
    { id: 'global-director', minutes: config.escalateDirectorMinutes, action: 'notify_director' as const, urgency: null, severity: null },
    { id: 'global-deadline', minutes: config.firstResponseMinutes, action: 'deadline_missed' as const, urgency: null, severity: null },
  ].sort((a, b) => a.minutes - b.minutes);
  const kept = steps.filter((s, i) => i === 0 || s.minutes > steps[i - 1]!.minutes);
  return { id: GLOBAL_LADDER, teamId: null, resolutionHours: DEFAULT_RESOLUTION_HOURS, version: 0, steps: kept };
}

/**
 * The ladders that govern a case of teams `teamIds`: each of its teams' own ladders; the global
 * one only when none of its teams has one (a team's ladder replaces the global one for it).
 */
export function laddersFor(ladders: readonly Ladder[], teamIds: readonly string[]): Ladder[] {
  const own = ladders.filter((l) => l.teamId !== null && teamIds.includes(l.teamId));
  if (own.length > 0) return own;
  return ladders.filter((l) => l.teamId === null);
}

/** The resolution target (hours) of a case of teams `teamIds`: the strictest of its ladders'. */
export function resolutionHoursFor(ladders: readonly Ladder[], teamIds: readonly string[]): number {
  const governing = laddersFor(ladders, teamIds);
  return governing.length === 0 ? DEFAULT_RESOLUTION_HOURS : Math.min(...governing.map((l) => l.resolutionHours));
}

/** What the clock needs of a case. */
export interface WaitFacts {
  status: string;
  urgency: string;
  severity: string | null;
  awaiting_reply: number;
  suspected_spam: number;
  created_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

/**
 * When a case's wait for the helpline began, as the cases module's clock counts it: its arrival
 * until the first reply, then the requester's latest message (a message after a reply starts a
 * new wait, so its steps are reached again).
 */
export function waitStart(c: Pick<WaitFacts, 'created_at' | 'first_response_at' | 'last_activity_at'>): number {
  return c.first_response_at === null ? c.created_at : c.last_activity_at;
}

/**
 * Whether a case's clock runs: it awaits the helpline's reply, is not suspected spam, and is
 * active but not `waiting` (waiting on the requester pauses it; their next message reopens the
 * case and starts a new wait).
 */
export function clockRuns(c: Pick<WaitFacts, 'status' | 'awaiting_reply' | 'suspected_spam'>): boolean {
  return c.awaiting_reply === 1 && c.suspected_spam === 0 && ['new', 'vetting', 'open'].includes(c.status);
}

/** Whether a step's conditions hold for a case. */
export function stepApplies(step: Pick<Step, 'urgency' | 'severity'>, c: Pick<WaitFacts, 'urgency' | 'severity'>): boolean {
  if (step.urgency !== null && step.urgency !== c.urgency) return false;
  if (step.severity !== null && step.severity !== c.severity) return false;
  return true;
}

/**
 * How far back a step is still recorded: one reached longer ago than this (a Haven stopped for
 * a day, or a ladder saved with an earlier step) is not announced late; the queue shows the wait.
 */
export const LOOKBACK_MS = 24 * 60 * 60_000;

/** A step a case has reached in its current wait. */
export interface ReachedStep {
  ladder: Ladder;
  step: Step;
  waitStartedAt: number;
  reachedAt: number;
}

/**
 * The steps of `ladders` a case has reached at `now` in its current wait, at most LOOKBACK_MS
 * ago, in the order they were reached; none while its clock does not run.
 */
export function reachedSteps(ladders: readonly Ladder[], c: WaitFacts, now: number): ReachedStep[] {
  if (!clockRuns(c)) return [];
  const since = waitStart(c);
  const out: ReachedStep[] = [];
  for (const ladder of ladders) {
    for (const step of ladder.steps) {
      const at = since + step.minutes * 60_000;
      if (at > now || now - at > LOOKBACK_MS || !stepApplies(step, c)) continue;
      out.push({ ladder, step, waitStartedAt: since, reachedAt: at });
    }
  }
  return out.sort((a, b) => a.reachedAt - b.reachedAt);
}

/** How far back the clock job must read cases: the longest step of any ladder, and the look-back. */
export function readBackMs(ladders: readonly Ladder[]): number {
  const longest = Math.max(0, ...ladders.flatMap((l) => l.steps.map((s) => s.minutes)));
  return longest * 60_000 + LOOKBACK_MS;
}

/**
 * Problems with a ladder's steps, by row: minutes that are not strictly increasing (each step
 * after the one above). The schema has already checked each step alone.
 */
export function orderProblems(steps: readonly Pick<Step, 'minutes'>[]): Map<number, 'escalation.error.not_increasing'> {
  const out = new Map<number, 'escalation.error.not_increasing'>();
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.minutes <= steps[i - 1]!.minutes) out.set(i, 'escalation.error.not_increasing');
  }
  return out;
}
