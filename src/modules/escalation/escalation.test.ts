import { describe, expect, it } from 'vitest';
import {
  GLOBAL_LADDER,
  laddersFor,
  LOOKBACK_MS,
  orderProblems,
  reachedSteps,
  readBackMs,
  resolutionHoursFor,
  seededLadder,
  waitStart,
  type Ladder,
  type WaitFacts,
} from './escalation.js';
import { LadderInput, ladderFormErrors, readLadderForm, stepField } from './escalation.schema.js';

// The ladder's pure rules: the configuration's ladder, which ladders govern a case, the wait and
// its pause, the steps reached once per wait within the look-back, and the form's reading and
// checks (bounds, known codes, strictly increasing minutes, each error on its own row).

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0);

const config = { escalateLeadMinutes: 60, escalateDirectorMinutes: 90, firstResponseMinutes: 120 };

const waiting = (over: Partial<WaitFacts> = {}): WaitFacts => ({
  status: 'new',
  urgency: 'reactive',
  severity: null,
  awaiting_reply: 1,
  suspected_spam: 0,
  created_at: T0,
  first_response_at: null,
  last_activity_at: T0,
  ...over,
});

describe('the escalation ladder', () => {
  it('is seeded from the configuration: shift lead, director, deadline missed, in order', () => {
    const l = seededLadder(config);
    expect(l.id).toBe(GLOBAL_LADDER);
    expect(l.version).toBe(0);
    expect(l.steps.map((s) => [s.id, s.minutes, s.action])).toEqual([
      ['global-lead', 60, 'notify_shift_lead'],
      ['global-director', 90, 'notify_director'],
      ['global-deadline', 120, 'deadline_missed'],
    ]);
    // Configured out of order: sorted; the same minute twice: kept once.
    expect(seededLadder({ escalateLeadMinutes: 90, escalateDirectorMinutes: 30, firstResponseMinutes: 90 }).steps.map((s) => s.minutes)).toEqual([30, 90]);
  });

  it("uses a case's teams' own ladders, else the global one; the strictest resolution target", () => {
    const global = seededLadder(config);
    const a: Ladder = { id: 'a', teamId: 'ta', resolutionHours: 48, version: 1, steps: [] };
    const b: Ladder = { id: 'b', teamId: 'tb', resolutionHours: 24, version: 1, steps: [] };
    const all = [global, a, b];
    expect(laddersFor(all, []).map((l) => l.id)).toEqual([GLOBAL_LADDER]);
    expect(laddersFor(all, ['tc']).map((l) => l.id)).toEqual([GLOBAL_LADDER]);
    expect(laddersFor(all, ['ta', 'tc']).map((l) => l.id)).toEqual(['a']);
    expect(laddersFor(all, ['ta', 'tb']).map((l) => l.id)).toEqual(['a', 'b']);
    expect(resolutionHoursFor(all, ['ta', 'tb'])).toBe(24);
    expect(resolutionHoursFor(all, [])).toBe(168);
  });

  it('counts the wait from arrival until the first reply, then from the latest message', () => {
    expect(waitStart(waiting())).toBe(T0);
    expect(waitStart(waiting({ first_response_at: T0 + 5 * MIN, last_activity_at: T0 + 50 * MIN }))).toBe(T0 + 50 * MIN);
  });

  it('reaches each step at its minute, in order; none while paused, answered or spam', () => {
    const ladders = [seededLadder(config)];
    const at = (m: number) => reachedSteps(ladders, waiting(), T0 + m * MIN).map((r) => r.step.id);
    expect(at(59)).toEqual([]);
    expect(at(60)).toEqual(['global-lead']);
    expect(at(120)).toEqual(['global-lead', 'global-director', 'global-deadline']);
    for (const paused of [{ status: 'waiting' }, { awaiting_reply: 0 }, { suspected_spam: 1 }, { status: 'resolved' }])
      expect(reachedSteps(ladders, waiting(paused), T0 + 200 * MIN)).toEqual([]);
    // A new wait after a reply: the same steps again, keyed by the new start.
    const again = reachedSteps(ladders, waiting({ status: 'open', first_response_at: T0, last_activity_at: T0 + 300 * MIN }), T0 + 361 * MIN);
    expect(again.map((r) => [r.step.id, r.waitStartedAt])).toEqual([['global-lead', T0 + 300 * MIN]]);
  });

  it('does not announce a step passed longer ago than the look-back, and reads back far enough', () => {
    const ladders = [seededLadder(config)];
    const late = T0 + 60 * MIN + LOOKBACK_MS + 1;
    expect(reachedSteps(ladders, waiting(), late).map((r) => r.step.id)).toEqual(['global-director', 'global-deadline']);
    expect(readBackMs(ladders)).toBe(120 * MIN + LOOKBACK_MS);
  });

  it("keeps a step to the urgency and severity it names", () => {
    const ladder: Ladder = {
      id: GLOBAL_LADDER,
      teamId: null,
      resolutionHours: 168,
      version: 1,
      steps: [
        { id: 'r', minutes: 10, action: 'notify_coordinators', urgency: 'reactive', severity: null },
        { id: 'p', minutes: 20, action: 'notify_coordinators', urgency: 'preventive', severity: null },
        { id: 'h', minutes: 30, action: 'notify_director', urgency: null, severity: 'high' },
      ],
    };
    const ids = (c: Partial<WaitFacts>) => reachedSteps([ladder], waiting(c), T0 + 60 * MIN).map((r) => r.step.id);
    expect(ids({})).toEqual(['r']);
    expect(ids({ urgency: 'preventive', severity: 'high' })).toEqual(['p', 'h']);
  });

  it('finds steps that are not strictly later than the one above', () => {
    expect([...orderProblems([{ minutes: 10 }, { minutes: 10 }, { minutes: 5 }, { minutes: 20 }]).keys()]).toEqual([1, 2]);
  });
});

describe("the ladder's form", () => {
  it('reads rows in order, leaving out blank and removed ones, and validates them', () => {
    const form = readLadderForm({
      version: '3',
      resolution_hours: '72',
      [stepField(0, 'id')]: 'global-lead',
      [stepField(0, 'minutes')]: '45',
      [stepField(0, 'action')]: 'notify_shift_lead',
      [stepField(1, 'minutes')]: '90',
      [stepField(1, 'action')]: 'notify_director',
      [stepField(1, 'remove')]: 'yes',
      [stepField(3, 'minutes')]: ' 100 ',
      [stepField(3, 'action')]: 'notify_coordinators',
      [stepField(3, 'urgency')]: 'reactive',
      [stepField(3, 'severity')]: 'high',
    });
    expect(form.rows).toEqual([0, 3]);
    const parsed = LadderInput.parse(form.input);
    expect(parsed).toEqual({
      version: 3,
      resolution_hours: 72,
      steps: [
        { id: 'global-lead', minutes: 45, action: 'notify_shift_lead', urgency: null, severity: null },
        { id: null, minutes: 100, action: 'notify_coordinators', urgency: 'reactive', severity: 'high' },
      ],
    });
    // The API gives numbers.
    expect(LadderInput.parse({ version: 0, resolution_hours: 1, steps: [{ minutes: 1, action: 'deadline_missed' }] }).steps[0]!.minutes).toBe(1);
  });

  it('refuses out-of-bounds, unknown and decreasing values, each on its own row', () => {
    const form = readLadderForm({
      version: '1',
      resolution_hours: '0',
      [stepField(0, 'minutes')]: '30',
      [stepField(0, 'action')]: 'notify_everyone',
      [stepField(2, 'minutes')]: '20',
      [stepField(2, 'action')]: 'notify_director',
      [stepField(4, 'minutes')]: '10081',
      [stepField(4, 'action')]: 'notify_director',
      [stepField(4, 'urgency')]: 'urgent',
      [stepField(5, 'minutes')]: '1.5',
      [stepField(5, 'action')]: 'notify_director',
      [stepField(5, 'severity')]: 'high\u0007',
    });
    const r = LadderInput.safeParse(form.input);
    expect(r.success).toBe(false);
    const errors = ladderFormErrors(r.error!, form.rows);
    expect(errors).toMatchObject({
      resolution_hours: 'escalation.error.resolution',
      [stepField(0, 'action')]: 'escalation.error.action',
      [stepField(4, 'minutes')]: 'escalation.error.minutes',
      [stepField(4, 'urgency')]: 'escalation.error.urgency',
      [stepField(5, 'minutes')]: 'escalation.error.minutes',
      [stepField(5, 'severity')]: 'common.form.control_chars',
    });
    // Valid alone, but not later than the step above: refused on its row.
    const order = readLadderForm({ version: '1', resolution_hours: '5', step_0_minutes: '30', step_0_action: 'notify_director', step_2_minutes: '30', step_2_action: 'notify_director' });
    const o = LadderInput.safeParse(order.input);
    expect(ladderFormErrors(o.error!, order.rows)).toEqual({ [stepField(2, 'minutes')]: 'escalation.error.not_increasing' });
    // More than twelve steps.
    const many = { version: 0, resolution_hours: 1, steps: Array.from({ length: 13 }, (_, i) => ({ minutes: i + 1, action: 'notify_director' })) };
    expect(LadderInput.safeParse(many).error?.issues[0]?.message).toBe('escalation.error.too_many');
  });
});
