import { z } from 'zod';
import { freeText, safeString } from '../../platform/http/validation.js';
import { DUE_MINUTES_MAX, GUIDANCE_MAX, NAME_MAX, PLAYBOOK_ID, PLAYBOOK_LANGUAGES, TITLE_MAX } from './playbook.js';

// The forms on playbooks and on a case's tasks. Messages are i18n keys; every string starts from
// safeString or freeText, which refuse control characters before any other check. Whether an
// incident type is one the vocabulary knows, or a person may hold a task, is the service's to
// say (data).

/** One line of text, trimmed, NFC; blank allowed (a language not written yet). */
const line = (max: number, tooLong: string) =>
  safeString()
    .overwrite((s) => s.trim().normalize('NFC'))
    .refine((s) => !/[\n\r\t]/.test(s), { message: 'playbooks.error.one_line', abort: true })
    .max(max, tooLong);

const guidance = freeText()
  .overwrite((s) => s.trim().normalize('NFC'))
  .max(GUIDANCE_MAX, 'playbooks.error.guidance_too_long');

/** The form fields of a language's name, title and guidance. */
export const nameField = (language: string): string => `name_${language}`;
export const titleField = (language: string): string => `title_${language}`;
export const guidanceField = (language: string): string => `guidance_${language}`;

/** Keeps the languages that were written, by code. */
function written<T extends Record<string, string>>(values: T, field: (l: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of PLAYBOOK_LANGUAGES) {
    const v = values[field(l)];
    if (v) out[l] = v;
  }
  return out;
}

const names = Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [nameField(l), line(NAME_MAX, 'playbooks.error.name_too_long')]));

/**
 * A playbook: the incident type it is for (a term code, or blank for any), and its name in at
 * least one of the five languages.
 */
export const PlaybookInput = z
  .object({
    incident_type: safeString()
      .trim()
      .max(64, 'playbooks.error.incident_type_invalid')
      .regex(/^([a-z0-9_]{1,64})?$/, 'playbooks.error.incident_type_invalid'),
    ...names,
  })
  .superRefine((v, ctx) => {
    const n = written(v as Record<string, string>, nameField);
    if (Object.keys(n).length === 0)
      ctx.addIssue({ code: 'custom', path: [nameField('en')], message: 'playbooks.error.name_required' });
  })
  .transform((v) => ({
    incidentType: v.incident_type === '' ? null : v.incident_type,
    names: written(v as Record<string, string>, nameField),
  }));
export type PlaybookInput = z.output<typeof PlaybookInput>;

/** Every field of the playbook form. */
export const PLAYBOOK_FIELDS = ['incident_type', ...PLAYBOOK_LANGUAGES.map(nameField)];

const titles = Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [titleField(l), line(TITLE_MAX, 'playbooks.error.title_too_long')]));
const guidances = Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [guidanceField(l), guidance]));

/**
 * A step: required or not, when it falls due (minutes after the playbook is applied, blank for
 * no due time), and a title (with guidance) in at least one of the five languages. Guidance in
 * a language needs a title in it.
 */
export const StepInput = z
  .object({
    required: z
      .union([z.literal('yes'), z.literal('')], { message: 'common.form.invalid' })
      .transform((v) => v === 'yes'),
    due_minutes: safeString()
      .trim()
      .regex(/^\d{0,7}$/, 'playbooks.error.due_invalid')
      .transform((v) => (v === '' ? null : Number(v)))
      .refine((v) => v === null || v <= DUE_MINUTES_MAX, 'playbooks.error.due_invalid'),
    ...titles,
    ...guidances,
  })
  .superRefine((v, ctx) => {
    const values = v as unknown as Record<string, string>;
    if (Object.keys(written(values, titleField)).length === 0)
      ctx.addIssue({ code: 'custom', path: [titleField('en')], message: 'playbooks.error.title_required' });
    for (const l of PLAYBOOK_LANGUAGES)
      if (values[guidanceField(l)] && !values[titleField(l)])
        ctx.addIssue({ code: 'custom', path: [titleField(l)], message: 'playbooks.error.title_for_guidance' });
  })
  .transform((v) => {
    const values = v as unknown as Record<string, string>;
    const t = written(values, titleField);
    const g = written(values, guidanceField);
    return {
      required: v.required,
      dueMinutes: v.due_minutes,
      texts: Object.fromEntries(Object.entries(t).map(([l, title]) => [l, { title, guidance: g[l] ?? '' }])),
    };
  });
export type StepInput = z.output<typeof StepInput>;

/** Every field of the step form. */
export const STEP_FIELDS = [
  'required',
  'due_minutes',
  ...PLAYBOOK_LANGUAGES.flatMap((l) => [titleField(l), guidanceField(l)]),
];

/** The case page's "Apply playbook" form: a playbook's id. */
export const ApplyInput = z.object({
  playbook: safeString().regex(PLAYBOOK_ID, 'playbooks.error.playbook_required'),
});
export type ApplyInput = z.output<typeof ApplyInput>;

/** A task handed to someone (a staff id), or to nobody (blank). */
export const TaskAssigneeInput = z.object({
  assignee: safeString()
    .trim()
    .max(64, 'playbooks.error.assignee_invalid')
    .regex(/^([0-9a-zA-Z-]{1,64})?$/, 'playbooks.error.assignee_invalid')
    .transform((v) => (v === '' ? null : v)),
});
export type TaskAssigneeInput = z.output<typeof TaskAssigneeInput>;
