import { z } from 'zod';
import { freeText, safeString } from '../../platform/http/validation.js';
import { EXCEPTION_KINDS, isIsoDate, parseMinute, WEEKDAYS } from './shift.js';

// The forms of the schedule and the handover. Messages are i18n keys; every string starts from
// safeString or freeText, which refuse control characters before any other check. Whether a
// person or a team exists is the service's to say (data).

/** Ids (teams, people, slots, exceptions, handovers) are UUIDs. */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The longest id a form sends. */
export const ID_MAX = 36;
/** Most people on one shift. */
export const PEOPLE_MAX = 50;
/** The longest handover note, in characters. */
export const NOTE_MAX = 4000;

const id = (message: string) => safeString({ error: message }).trim().regex(ID_PATTERN, message);

/** "HH:MM", 00:00 to 23:59, as a minute of the day. */
const time = (message: string) =>
  safeString({ error: message })
    .trim()
    .refine((s) => parseMinute(s) !== null, { message, abort: true })
    .transform((s) => parseMinute(s)!);

/** A person, or nobody (''): the lead of a slot. */
const optionalPerson = safeString({ error: 'shifts.error.person_unknown' })
  .trim()
  .refine((s) => s === '' || ID_PATTERN.test(s), 'shifts.error.person_unknown')
  .transform((s) => (s === '' ? null : s));

const people = z
  .array(id('shifts.error.person_unknown'), { error: 'shifts.error.person_unknown' })
  .max(PEOPLE_MAX, 'shifts.error.too_many_people')
  .transform((ids) => [...new Set(ids)]);

/** A new weekly slot: its team, weekday, local start and end (an end before the start is the next day), people, lead. */
export const NewSlotInput = z
  .object({
    team: id('shifts.error.team_unknown'),
    weekday: safeString({ error: 'shifts.error.weekday_required' })
      .trim()
      .refine(
        (s) => (WEEKDAYS as readonly number[]).includes(Number(s)) && /^[1-7]$/.test(s),
        'shifts.error.weekday_required',
      )
      .transform((s) => Number(s) as (typeof WEEKDAYS)[number]),
    start: time('shifts.error.start_time'),
    end: time('shifts.error.end_time'),
    members: people,
    lead: optionalPerson,
  })
  .refine((v) => v.start !== v.end, { message: 'shifts.error.same_times', path: ['end'] });
export type NewSlotInput = z.output<typeof NewSlotInput>;

/** A slot's people and lead, changed. */
export const SlotPeopleInput = z.object({ members: people, lead: optionalPerson });
export type SlotPeopleInput = z.output<typeof SlotPeopleInput>;

/**
 * One date's change to a slot: a swap (`person` replaced by `replacement`), an absence
 * (`person` away) or a changed lead (`replacement` leads). `date` is the date the shift starts.
 */
export const ExceptionInput = z
  .object({
    slot: id('shifts.error.slot_required'),
    date: safeString({ error: 'shifts.error.date_required' })
      .trim()
      .refine((s) => isIsoDate(s), 'shifts.error.date_required'),
    kind: z.enum(EXCEPTION_KINDS, { error: 'shifts.error.kind_required' }),
    person: optionalPerson,
    replacement: optionalPerson,
  })
  .superRefine((v, ctx) => {
    if (v.kind !== 'lead' && v.person === null)
      ctx.addIssue({ code: 'custom', message: 'shifts.error.person_required', path: ['person'] });
    if (v.kind !== 'absence' && v.replacement === null)
      ctx.addIssue({
        code: 'custom',
        message: 'shifts.error.replacement_required',
        path: ['replacement'],
      });
    if (v.kind === 'swap' && v.person !== null && v.person === v.replacement)
      ctx.addIssue({ code: 'custom', message: 'shifts.error.same_person', path: ['replacement'] });
  })
  .transform((v) => ({
    ...v,
    person: v.kind === 'lead' ? null : v.person,
    replacement: v.kind === 'absence' ? null : v.replacement,
  }));
export type ExceptionInput = z.output<typeof ExceptionInput>;

/** What the outgoing shift writes for the next one. */
export const NoteInput = z.object({
  note: freeText({ error: 'shifts.error.note_required' })
    .overwrite((s) => s.trim().normalize('NFC'))
    .min(1, 'shifts.error.note_required')
    .max(NOTE_MAX, 'shifts.error.note_too_long'),
});
export type NoteInput = z.output<typeof NoteInput>;
