// Playbooks: what a playbook and its steps are, how a text is chosen for a reader's language,
// and what a case's tasks add up to (pure rules, no I/O). A playbook is an ordered checklist for
// an incident type; applying it to a case makes one task per step (ADR 35).

/** The languages a playbook's texts are written in: Haven's five staff languages. */
export const PLAYBOOK_LANGUAGES = ['en', 'es', 'fr', 'ar', 'ru'] as const;
export type PlaybookLanguage = (typeof PLAYBOOK_LANGUAGES)[number];

/** The language a text falls back to when it has none in the reader's (as reply templates do, ADR 25). */
export const FALLBACK_LANGUAGE = 'en';

/** Longest playbook name, in characters. */
export const NAME_MAX = 120;
/** Longest step title, in characters: one line on a case page. */
export const TITLE_MAX = 200;
/** Longest step guidance, in characters. */
export const GUIDANCE_MAX = 4_000;
/** Most steps in one playbook: a checklist, not a manual. */
export const STEPS_MAX = 30;
/** Longest due offset: 90 days, in minutes. */
export const DUE_MINUTES_MAX = 90 * 24 * 60;
/** Most tasks one case holds (several playbooks applied): a bound on the case page and on a bulk check. */
export const TASKS_PER_CASE_MAX = 200;

/** A playbook's or a step's id as it appears in an address: a seeded slug or a generated UUID. */
export const PLAYBOOK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Texts by language code. */
export type Texts<T> = Partial<Record<string, T>>;

/**
 * The text to show a reader of `locale`: theirs; else English; else the first language in code
 * order (so the choice is stable); undefined when there is none. `language` says which it is,
 * for `lang` and `dir` on the page.
 */
export function pickText<T>(texts: Texts<T>, locale: string): { language: string; text: T } | undefined {
  const have = Object.keys(texts).filter((l) => texts[l] !== undefined);
  const language = have.includes(locale)
    ? locale
    : have.includes(FALLBACK_LANGUAGE)
      ? FALLBACK_LANGUAGE
      : [...have].sort()[0];
  return language === undefined ? undefined : { language, text: texts[language]! };
}

/** When a step's task is due: `dueMinutes` after the playbook is applied, or never. */
export function dueAt(appliedAt: number, dueMinutes: number | null): number | null {
  return dueMinutes === null ? null : appliedAt + dueMinutes * 60_000;
}

/** A case's tasks, counted. */
export interface Progress {
  total: number;
  done: number;
  /** Required tasks not yet done: while there are any, the case is not resolved or closed. */
  requiredOpen: number;
}

/** Counts a case's tasks. */
export function progressOf(tasks: readonly { required: boolean; doneAt: number | null }[]): Progress {
  let done = 0;
  let requiredOpen = 0;
  for (const t of tasks) {
    if (t.doneAt !== null) done += 1;
    else if (t.required) requiredOpen += 1;
  }
  return { total: tasks.length, done, requiredOpen };
}

/** The statuses a case may not move to while it has required tasks open. */
export const GUARDED_STATUSES: readonly string[] = ['resolved', 'closed'];

/** Whether a task is late at `now`: due, and not done. */
export function isOverdue(task: { dueAt: number | null; doneAt: number | null }, now: number): boolean {
  return task.doneAt === null && task.dueAt !== null && task.dueAt <= now;
}

/**
 * A list with the item at `from` moved one place `up` or down; the same list when it cannot
 * move (first up, last down, or not there).
 */
export function moveOne<T>(items: readonly T[], from: number, up: boolean): T[] {
  const to = up ? from - 1 : from + 1;
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const out = [...items];
  [out[from], out[to]] = [out[to]!, out[from]!];
  return out;
}
