import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import type { FieldErrors } from '../../platform/views/form.js';
import {
  MINUTES_MAX,
  MINUTES_MIN,
  orderProblems,
  RESOLUTION_HOURS_MAX,
  RESOLUTION_HOURS_MIN,
  STEP_ACTIONS,
  STEP_ID,
  STEP_URGENCIES,
  STEPS_MAX,
} from './escalation.js';

// A ladder's input, one schema for the HTML form (each step a row of fields) and the API (JSON):
// whole numbers in their bounds, a known action and urgency, a severity code shaped like one
// (the service checks it against the `severity` vocabulary), steps strictly increasing.

/** A whole number from `min` to `max`. */
function wholeNumber(min: number, max: number, message: string) {
  return z.number({ message }).int(message).min(min, message).max(max, message);
}

/** A severity term's code, as the taxonomies module shapes codes. */
const SEVERITY_CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const StepInput = z.strictObject({
  /** The step's id when it is already on the ladder; none for a new step. */
  id: safeString().regex(STEP_ID, 'escalation.error.step').nullable().default(null),
  minutes: wholeNumber(MINUTES_MIN, MINUTES_MAX, 'escalation.error.minutes'),
  action: z.enum(STEP_ACTIONS, { message: 'escalation.error.action' }),
  /** Only cases of this urgency; null for any. */
  urgency: z.enum(STEP_URGENCIES, { message: 'escalation.error.urgency' }).nullable().default(null),
  /** Only cases of this severity (a `severity` term's code); null for any. */
  severity: safeString().regex(SEVERITY_CODE, 'escalation.error.severity').nullable().default(null),
});
export type StepInput = z.infer<typeof StepInput>;

/** A whole ladder as saved: its steps in order and its resolution target; `version` is the save it was read at. */
export const LadderInput = z
  .strictObject({
    version: wholeNumber(0, 1_000_000_000, 'escalation.error.version'),
    resolution_hours: wholeNumber(RESOLUTION_HOURS_MIN, RESOLUTION_HOURS_MAX, 'escalation.error.resolution'),
    steps: z.array(StepInput).max(STEPS_MAX, 'escalation.error.too_many'),
  })
  .superRefine((v, ctx) => {
    for (const [i, message] of orderProblems(v.steps)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'minutes'], message });
    const ids = v.steps.map((s) => s.id).filter((id) => id !== null);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'escalation.error.step' });
  });
export type LadderInput = z.infer<typeof LadderInput>;

/** A form's digits as a number; anything else stays as typed, for the schema to refuse. */
const digits = (v: string): string | number => (/^\s*\d{1,9}\s*$/.test(v) ? Number(v.trim()) : v);
/** A form's blank choice is "none". */
const blank = (v: string): string | null => (v === '' ? null : v);

/** A step row's form field: `step_2_minutes`. */
export const stepField = (row: number, name: keyof StepInput | 'remove'): string => `step_${row}_${name}`;

/** How many rows the form shows: the ladder's steps and two blank ones, at most STEPS_MAX + 2. */
export const FORM_ROWS_MAX = STEPS_MAX + 2;

/** A form's rows as typed, for display again, and which row of the form each kept step came from. */
export interface LadderForm {
  values: Record<string, string>;
  /** For each step in the input, the form row it was typed in. */
  rows: number[];
  input: { version: unknown; resolution_hours: unknown; steps: Record<string, unknown>[] };
}

/**
 * Reads a ladder's form: rows with "remove" ticked and blank rows (no minutes and no action)
 * are left out; the others become the input's steps, in the form's order. Each value is cut to
 * 100 characters (every valid one is far shorter).
 */
export function readLadderForm(body: unknown): LadderForm {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const v = raw[name];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.slice(0, 100) : '';
  };
  const values: Record<string, string> = { resolution_hours: text('resolution_hours'), version: text('version') };
  const steps: Record<string, unknown>[] = [];
  const rows: number[] = [];
  for (let row = 0; row < FORM_ROWS_MAX; row++) {
    const step = {
      id: text(stepField(row, 'id')),
      minutes: text(stepField(row, 'minutes')),
      action: text(stepField(row, 'action')),
      urgency: text(stepField(row, 'urgency')),
      severity: text(stepField(row, 'severity')),
    };
    for (const [k, v] of Object.entries(step)) values[stepField(row, k as keyof StepInput)] = v;
    const removed = text(stepField(row, 'remove')) !== '';
    if (removed) values[stepField(row, 'remove')] = 'yes';
    if (removed || (step.minutes.trim() === '' && step.action === '')) continue;
    steps.push({ id: blank(step.id), minutes: digits(step.minutes), action: step.action, urgency: blank(step.urgency), severity: blank(step.severity) });
    rows.push(row);
  }
  return { values, rows, input: { version: digits(values.version!), resolution_hours: digits(values.resolution_hours!), steps } };
}

/** A ladder form's failure as field messages, each step's on the form row it came from. */
export function ladderFormErrors(error: z.ZodError, rows: readonly number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const [first, index, name] = issue.path;
    let field: string;
    if (first === 'steps' && typeof index === 'number' && typeof name === 'string')
      // A step's id has no field of its own to show a message at: its minutes do.
      field = stepField(rows[index] ?? index, name === 'id' ? 'minutes' : (name as keyof StepInput));
    else if (first === 'steps') field = stepField(rows[0] ?? 0, 'minutes');
    else field = String(first ?? '_form');
    if (out[field]) continue;
    out[field] = /^[a-z_]+\.[a-z0-9_.]+$/.test(issue.message) ? issue.message : 'common.form.invalid';
  }
  return out;
}

/** The form to add a team's ladder: the team, by id. */
export const NewTeamLadderInput = z.object({
  team_id: safeString().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'escalation.error.team'),
});
