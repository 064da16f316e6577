import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Option } from '../../platform/views/form.js';
import { organisationName } from '../settings/index.js';
import { findTerm } from '../taxonomies/index.js';
import './template.errors.js';
import { fillText, pickLanguage } from './template.js';
import { templatePolicy } from './template.policy.js';
import * as repo from './template.repo.js';
import { TemplateChoice, type NewTemplateInput, type VariantInput } from './template.schema.js';

type Db = Pick<Deps, 'db'>;
type Trx = Transaction<Database>;

export type { TemplateRow, VariantRow } from './template.repo.js';

// ---- What the case page calls ------------------------------------------------------------

/**
 * The templates `actor` may insert into a reply, in the order coordinators set: those in use
 * that have at least one text. Empty for a person who may not use templates.
 */
export async function templateChoices(deps: Db, actor: Principal | null): Promise<Option[]> {
  if (!templatePolicy.can(actor, 'template.use')) return [];
  const templates = await repo.listTemplates(deps.db, { includeRetired: false });
  return templates.filter((t) => t.languages.length > 0).map((t) => ({ value: t.id, label: t.name }));
}

/** A template filled in for one case: plain text, the language it is in, whether it fell back. */
export interface FilledTemplate {
  text: string;
  /** The language of the text used: the one asked for, or the fallback's. */
  language: string;
  /** True when the template has no text in the language asked for (the page says so). */
  fellBack: boolean;
}

/**
 * A template's text in `language` (the case's), else in the fallback language (pickLanguage),
 * with its placeholders filled: the acting person's name, the case number, the follow-up page's
 * address (PUBLIC_URL + /followup) and the organisation's name in the text's language. Nothing
 * of the requester's is put in. FORBIDDEN for a person who may not use templates; NOT_FOUND for
 * an unknown or retired template.
 */
export async function fillTemplate(
  deps: Deps,
  actor: Principal,
  input: { templateId: string; language: string; caseNumber: number },
): Promise<Result<FilledTemplate>> {
  const allowed = templatePolicy.authorize(actor, 'template.use');
  if (!allowed.ok) return allowed;
  const template = await repo.findTemplate(deps.db, input.templateId);
  if (!template || !template.active) return fail('NOT_FOUND');
  const variants = await repo.listVariants(deps.db, template.id);
  const picked = pickLanguage(
    variants.map((v) => v.language),
    input.language,
  );
  if (!picked) return fail('NOT_FOUND');
  const body = variants.find((v) => v.language === picked.language)!.body;
  const text = fillText(body, {
    handler_name: actor.displayName,
    case_number: String(input.caseNumber),
    followup_url: `${deps.config.publicUrl}/followup`,
    organisation: await organisationName(deps, picked.language),
  });
  return ok({ text, language: picked.language, fellBack: picked.fellBack });
}

/** What the case page shows of templates: the choices, and the one just inserted, if any. */
export interface CasePageTemplates {
  choices: Option[];
  selected?: string;
  /** The inserted text's language; `wanted` is the case's when the text fell back (else null). */
  inserted?: { language: string; wanted: string | null } | null;
  /** The filled text, for the reply box. */
  text?: string;
}

/**
 * The template a case page is asked to insert (`?template=`, any value from the query string),
 * checked before the case is read, so that a refusal shows (and audits) no case view: null when
 * none is asked for; NOT_FOUND for a malformed, unknown or retired one; FORBIDDEN for a person
 * who may not use templates.
 */
export async function templateToInsert(
  deps: Db,
  actor: Principal,
  template: unknown,
): Promise<Result<string | null>> {
  if (template === undefined) return ok(null);
  const id = TemplateChoice.safeParse(template);
  if (!id.success) return fail('NOT_FOUND');
  const allowed = templatePolicy.authorize(actor, 'template.use');
  if (!allowed.ok) return allowed;
  const found = await repo.findTemplate(deps.db, id.data);
  return found?.active ? ok(found.id) : fail('NOT_FOUND');
}

/**
 * The case page's part of templates: the choices `actor` may insert and, when `template` (from
 * templateToInsert) is given, that template filled in the case's language. NOT_FOUND when it
 * was retired in between, or has no text left.
 */
export async function casePageTemplates(
  deps: Deps,
  actor: Principal,
  input: { template: string | null; language: string; caseNumber: number },
): Promise<Result<CasePageTemplates>> {
  const choices = await templateChoices(deps, actor);
  if (input.template === null) return ok({ choices });
  const filled = await fillTemplate(deps, actor, {
    templateId: input.template,
    language: input.language,
    caseNumber: input.caseNumber,
  });
  if (!filled.ok) return filled;
  return ok({
    choices,
    selected: input.template,
    inserted: { language: filled.value.language, wanted: filled.value.fellBack ? input.language : null },
    text: filled.value.text,
  });
}

// ---- The coordinators' pages --------------------------------------------------------------

/** Every template with its languages: those in use, then (with `includeRetired`) retired ones. */
export async function listTemplates(
  deps: Db,
  opts: { includeRetired: boolean },
): Promise<(repo.TemplateRow & { languages: string[] })[]> {
  return repo.listTemplates(deps.db, opts);
}

/** One template with its texts, or undefined. */
export async function templateWithVariants(
  deps: Db,
  id: string,
): Promise<{ template: repo.TemplateRow; variants: repo.VariantRow[] } | undefined> {
  const template = await repo.findTemplate(deps.db, id);
  if (!template) return undefined;
  return { template, variants: await repo.listVariants(deps.db, id) };
}


/**
 * Runs `work` in a transaction with the template's row locked, after asking the policy:
 * FORBIDDEN for a person who may not edit, NOT_FOUND for an unknown template. Every change and
 * its audit entry commit together or not at all.
 */
async function inTemplate<T>(
  deps: Deps,
  actor: Principal,
  id: string,
  work: (trx: Trx, template: repo.TemplateRow) => Promise<Result<T>>,
): Promise<Result<T>> {
  const allowed = templatePolicy.authorize(actor, 'template.edit');
  if (!allowed.ok) return allowed;
  return deps.db.transaction().execute(async (trx) => {
    const template = await repo.lockTemplate(trx, deps.dialect, id);
    if (!template) return fail<T>('NOT_FOUND');
    return work(trx, template);
  });
}

/** Whether `language` is a term in use of the `language` vocabulary. */
async function knownLanguage(trx: Trx, language: string): Promise<boolean> {
  return (await findTerm({ db: trx }, 'language', language)) !== undefined;
}

/**
 * A new template with its first text, at the end of the list; audited as `template.created`.
 * VALIDATION_FAILED (field `language`) for a language the vocabulary does not have in use.
 */
export async function createTemplate(
  deps: Deps,
  actor: Principal,
  input: NewTemplateInput,
): Promise<Result<{ id: string }>> {
  const allowed = templatePolicy.authorize(actor, 'template.edit');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  const id = crypto.randomUUID();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await knownLanguage(trx, input.language))) return fail<{ id: string }>('VALIDATION_FAILED', 'language');
    await repo.insertTemplate(trx, { id, name: input.name, sort: await repo.nextSort(trx), at: now });
    await repo.insertVariant(trx, { templateId: id, language: input.language, body: input.body, at: now, by: actor.userId });
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'template.created',
      caseId: null,
      detail: { template: id, language: input.language },
    });
    return ok({ id });
  });
}

/** Renames a template; audited as `template.renamed`. False when the name did not change. */
export async function renameTemplate(
  deps: Deps,
  actor: Principal,
  id: string,
  name: string,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inTemplate(deps, actor, id, async (trx, template) => {
    if (template.name === name) return ok(false);
    await repo.updateTemplate(trx, id, { name }, now);
    await recordAudit(trx, now, { ...actorOf(actor), action: 'template.renamed', caseId: null, detail: { template: id } });
    return ok(true);
  });
}

/**
 * Retires a template (offered on no case page, kept with its texts) or brings it back;
 * audited as `template.retired` or `template.reactivated`. False when it already was so.
 */
export async function setTemplateActive(
  deps: Deps,
  actor: Principal,
  id: string,
  active: boolean,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inTemplate(deps, actor, id, async (trx, template) => {
    if (template.active === active) return ok(false);
    await repo.updateTemplate(trx, id, { active }, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: active ? 'template.reactivated' : 'template.retired',
      caseId: null,
      detail: { template: id },
    });
    return ok(true);
  });
}

/**
 * Adds a text in a language the template has none in; audited as `template.variant_added`.
 * TEMPLATE_LANGUAGE_TAKEN (field `language`) when it has one already (perhaps added a moment
 * ago by someone else); VALIDATION_FAILED (field `language`) for an unknown language.
 */
export async function addVariant(
  deps: Deps,
  actor: Principal,
  id: string,
  input: VariantInput,
): Promise<Result<true>> {
  const now = deps.now();
  return inTemplate(deps, actor, id, async (trx) => {
    if (!(await knownLanguage(trx, input.language))) return fail<true>('VALIDATION_FAILED', 'language');
    const added = await repo.insertVariant(trx, {
      templateId: id,
      language: input.language,
      body: input.body,
      at: now,
      by: actor.userId,
    });
    if (!added) return fail<true>('TEMPLATE_LANGUAGE_TAKEN', 'language');
    await repo.updateTemplate(trx, id, {}, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'template.variant_added',
      caseId: null,
      detail: { template: id, language: input.language },
    });
    return ok(true);
  });
}

/**
 * Replaces a language's text; audited as `template.variant_changed`. False when the text did
 * not change; NOT_FOUND when the template has no text in that language.
 */
export async function changeVariant(
  deps: Deps,
  actor: Principal,
  id: string,
  language: string,
  body: string,
): Promise<Result<boolean>> {
  const now = deps.now();
  return inTemplate(deps, actor, id, async (trx) => {
    const current = (await repo.listVariants(trx, id)).find((v) => v.language === language);
    if (!current) return fail<boolean>('NOT_FOUND');
    if (current.body === body) return ok(false);
    await repo.updateVariant(trx, { templateId: id, language, body, at: now, by: actor.userId });
    await repo.updateTemplate(trx, id, {}, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'template.variant_changed',
      caseId: null,
      detail: { template: id, language },
    });
    return ok(true);
  });
}

/**
 * Removes a language's text (the language then falls back, ADR 25); audited as
 * `template.variant_removed`. NOT_FOUND when there is none; TEMPLATE_LAST_VARIANT for the
 * template's only text (retire the template instead).
 */
export async function removeVariant(
  deps: Deps,
  actor: Principal,
  id: string,
  language: string,
): Promise<Result<true>> {
  const now = deps.now();
  return inTemplate(deps, actor, id, async (trx) => {
    const variants = await repo.listVariants(trx, id);
    if (!variants.some((v) => v.language === language)) return fail<true>('NOT_FOUND');
    if (variants.length === 1) return fail<true>('TEMPLATE_LAST_VARIANT');
    await repo.deleteVariant(trx, id, language);
    await repo.updateTemplate(trx, id, {}, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'template.variant_removed',
      caseId: null,
      detail: { template: id, language },
    });
    return ok(true);
  });
}
