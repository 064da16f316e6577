import { describe, expect, it } from 'vitest';
import { dueAt, isOverdue, moveOne, pickText, progressOf } from './playbook.js';
import { ApplyInput, PlaybookInput, StepInput, TaskAssigneeInput } from './playbook.schema.js';

// The pure rules of playbooks and their input schemas: which language a reader is shown, when a
// task falls due and is late, what a case's tasks add up to, how a step moves, and what the
// forms refuse (with message keys, never zod's English).

const step = (over: Record<string, string> = {}) => ({
  required: '',
  due_minutes: '',
  title_en: '',
  title_es: '',
  title_fr: '',
  title_ar: '',
  title_ru: '',
  guidance_en: '',
  guidance_es: '',
  guidance_fr: '',
  guidance_ar: '',
  guidance_ru: '',
  ...over,
});
const errorsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

describe('playbook rules', () => {
  it('shows a text in the reader’s language, else English, else the first language by code', () => {
    expect(pickText({ en: 'Hello', ar: 'مرحبا' }, 'ar')).toEqual({ language: 'ar', text: 'مرحبا' });
    expect(pickText({ en: 'Hello', ar: 'مرحبا' }, 'ru')).toEqual({ language: 'en', text: 'Hello' });
    expect(pickText({ ru: 'Привет', es: 'Hola' }, 'fr')).toEqual({ language: 'es', text: 'Hola' });
    expect(pickText({}, 'en')).toBeUndefined();
  });

  it('dates a task from when its playbook was applied, and knows when it is late', () => {
    expect(dueAt(1_000, null)).toBeNull();
    expect(dueAt(1_000, 90)).toBe(1_000 + 90 * 60_000);
    expect(isOverdue({ dueAt: 5, doneAt: null }, 5)).toBe(true);
    expect(isOverdue({ dueAt: 5, doneAt: null }, 4)).toBe(false);
    expect(isOverdue({ dueAt: 5, doneAt: 6 }, 10)).toBe(false);
    expect(isOverdue({ dueAt: null, doneAt: null }, 10)).toBe(false);
  });

  it('counts tasks done and required ones open', () => {
    expect(
      progressOf([
        { required: true, doneAt: 1 },
        { required: true, doneAt: null },
        { required: false, doneAt: null },
        { required: true, doneAt: null },
        { required: false, doneAt: 2 },
      ]),
    ).toEqual({ total: 5, done: 2, requiredOpen: 2 });
    expect(progressOf([])).toEqual({ total: 0, done: 0, requiredOpen: 0 });
  });

  it('moves a step one place, and not past either end', () => {
    expect(moveOne(['a', 'b', 'c'], 1, true)).toEqual(['b', 'a', 'c']);
    expect(moveOne(['a', 'b', 'c'], 1, false)).toEqual(['a', 'c', 'b']);
    expect(moveOne(['a', 'b', 'c'], 0, true)).toEqual(['a', 'b', 'c']);
    expect(moveOne(['a', 'b', 'c'], 2, false)).toEqual(['a', 'b', 'c']);
    expect(moveOne(['a', 'b', 'c'], 5, true)).toEqual(['a', 'b', 'c']);
  });
});

describe('playbook forms', () => {
  it('takes a playbook named in one language at least, for a type or for any', () => {
    const ok = PlaybookInput.safeParse({ incident_type: 'doxing', name_en: '', name_es: '', name_fr: ' Doxing ', name_ar: '', name_ru: '' });
    expect(ok.success && ok.data).toEqual({ incidentType: 'doxing', names: { fr: 'Doxing' } });
    const any = PlaybookInput.safeParse({ incident_type: '', name_en: 'Any', name_es: '', name_fr: '', name_ar: '', name_ru: '' });
    expect(any.success && any.data.incidentType).toBeNull();
    expect(errorsOf(PlaybookInput.safeParse({ incident_type: '', name_en: '', name_es: '', name_fr: '', name_ar: '', name_ru: '' }))).toEqual({
      name_en: 'playbooks.error.name_required',
    });
    expect(errorsOf(PlaybookInput.safeParse({ incident_type: 'x; drop', name_en: 'A', name_es: '', name_fr: '', name_ar: '', name_ru: '' }))).toEqual({
      incident_type: 'playbooks.error.incident_type_invalid',
    });
    expect(errorsOf(PlaybookInput.safeParse({ incident_type: '', name_en: 'A\u0007', name_es: '', name_fr: '', name_ar: '', name_ru: '' }))).toEqual({
      name_en: 'common.form.control_chars',
    });
    expect(errorsOf(PlaybookInput.safeParse({ incident_type: '', name_en: 'x'.repeat(121), name_es: '', name_fr: '', name_ar: '', name_ru: '' }))).toEqual({
      name_en: 'playbooks.error.name_too_long',
    });
  });

  it('takes a step with a title in one language at least, a due offset or none, and guidance only beside a title', () => {
    const ok = StepInput.safeParse(step({ required: 'yes', due_minutes: '120', title_ar: 'خطوة', guidance_ar: 'شرح', title_en: 'Step' }));
    expect(ok.success && ok.data).toEqual({
      required: true,
      dueMinutes: 120,
      texts: { en: { title: 'Step', guidance: '' }, ar: { title: 'خطوة', guidance: 'شرح' } },
    });
    const none = StepInput.safeParse(step({ title_ru: 'Шаг' }));
    expect(none.success && none.data.dueMinutes).toBeNull();
    expect(none.success && none.data.required).toBe(false);
    expect(errorsOf(StepInput.safeParse(step()))).toEqual({ title_en: 'playbooks.error.title_required' });
    expect(errorsOf(StepInput.safeParse(step({ title_en: 'A', guidance_es: 'B' })))).toEqual({ title_es: 'playbooks.error.title_for_guidance' });
    for (const due of ['-5', '1.5', 'soon', '129601', '99999999'])
      expect(errorsOf(StepInput.safeParse(step({ title_en: 'A', due_minutes: due }))), due).toEqual({ due_minutes: 'playbooks.error.due_invalid' });
    expect(errorsOf(StepInput.safeParse(step({ title_en: 'A\nB' })))).toEqual({ title_en: 'playbooks.error.one_line' });
    expect(errorsOf(StepInput.safeParse(step({ title_en: 'x'.repeat(201) })))).toEqual({ title_en: 'playbooks.error.title_too_long' });
    expect(errorsOf(StepInput.safeParse(step({ title_en: 'A', guidance_en: 'x'.repeat(4001) })))).toEqual({ guidance_en: 'playbooks.error.guidance_too_long' });
    expect(errorsOf(StepInput.safeParse(step({ title_en: 'A', required: 'maybe' })))).toEqual({ required: 'common.form.invalid' });
    // Guidance keeps its lines; a CRLF counts as one character.
    const lines = StepInput.safeParse(step({ title_en: 'A', guidance_en: 'one\r\ntwo' }));
    expect(lines.success && lines.data.texts.en?.guidance).toBe('one\ntwo');
  });

  it('takes a playbook id to apply and a staff id (or nobody) to hand a task to', () => {
    expect(ApplyInput.safeParse({ playbook: 'doxing' }).success).toBe(true);
    expect(ApplyInput.safeParse({ playbook: '../x' }).success).toBe(false);
    expect(ApplyInput.safeParse({ playbook: '' }).success).toBe(false);
    const nobody = TaskAssigneeInput.safeParse({ assignee: '' });
    expect(nobody.success && nobody.data.assignee).toBeNull();
    expect(TaskAssigneeInput.safeParse({ assignee: 'not an id!' }).success).toBe(false);
  });
});
