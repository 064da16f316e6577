import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { errorDefinition } from '../../platform/errors.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { parseForm, textField } from '../../platform/http/form.js';
import type { Option } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { taxonomyOptions } from '../taxonomies/index.js';
import { BODY_MAX, LANGUAGE_CODE, LONGEST_LANGUAGE_CODE, NAME_MAX, TEMPLATE_ID } from './template.js';
import { templatePolicy } from './template.policy.js';
import { BodyInput, NameInput, NewTemplateInput, VariantInput } from './template.schema.js';
import {
  addVariant,
  changeVariant,
  createTemplate,
  listTemplates,
  removeVariant,
  renameTemplate,
  setTemplateActive,
  templateWithVariants,
  type TemplateRow,
  type VariantRow,
} from './template.service.js';
import {
  bodyField,
  templateHref,
  TemplatePage,
  TemplatesPage,
  type FailedForm,
} from './views/templates.js';

const flashes = defineFlashes({
  created: 'templates.done.created',
  renamed: 'templates.done.renamed',
  retired: 'templates.done.retired',
  reactivated: 'templates.done.reactivated',
  added: 'templates.done.added',
  saved: 'templates.done.saved',
  removed: 'templates.done.removed',
  unchanged: 'templates.done.unchanged',
});

/** The longest language code a form sends (the `language` vocabulary's are far shorter). */
const LANGUAGE_MAX = 16;

/**
 * /staff/templates: the reply templates. Those who answer cases read them; coordinators and
 * administrators add a template, add, change and remove a language's text, rename, retire and
 * bring back a template, each change audited in its transaction. Nothing else is deleted.
 */
export function registerTemplateRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const canEdit = (req: FastifyRequest) => templatePolicy.can(req.principal, 'template.edit');
  const params = (req: FastifyRequest) => req.params as Record<string, string | undefined>;

  /** The template the address names, with its texts; undefined when unknown (a malformed id is unknown too). */
  async function templateOf(
    req: FastifyRequest,
  ): Promise<{ template: TemplateRow; variants: VariantRow[] } | undefined> {
    const id = params(req).id ?? '';
    return TEMPLATE_ID.test(id) ? templateWithVariants(deps, id) : undefined;
  }

  /** The language the address names, when the template has a text in it. */
  function variantOf(req: FastifyRequest, variants: VariantRow[]): VariantRow | undefined {
    const language = params(req).language ?? '';
    return LANGUAGE_CODE.test(language) ? variants.find((v) => v.language === language) : undefined;
  }

  async function listPage(req: FastifyRequest, reply: FastifyReply, status: number, failed: FailedForm | null) {
    const [templates, languages] = await Promise.all([
      listTemplates(deps, { includeRetired: true }),
      taxonomyOptions(deps, 'language', req.locale),
    ]);
    return sendPage(
      reply,
      status,
      <TemplatesPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        templates={templates}
        canEdit={canEdit(req)}
        languages={languages}
        failed={failed}
      />,
    );
  }

  async function templatePage(
    req: FastifyRequest,
    reply: FastifyReply,
    found: { template: TemplateRow; variants: VariantRow[] },
    status: number,
    failed: FailedForm | null,
  ) {
    const have = new Set(found.variants.map((v) => v.language));
    const missing: Option[] = canEdit(req)
      ? (await taxonomyOptions(deps, 'language', req.locale)).filter((o) => !have.has(o.value))
      : [];
    return sendPage(
      reply,
      status,
      <TemplatePage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        template={found.template}
        variants={found.variants}
        canEdit={canEdit(req)}
        missing={missing}
        failed={failed}
      />,
    );
  }

  app.get('/templates', { config: { action: 'template.view' } }, async (req, reply) => listPage(req, reply, 200, null));

  // A new template with its first text: 422 with the form again, or 303 to its page.
  app.post(
    '/templates',
    { ...textBody({ name: NAME_MAX, language: LANGUAGE_MAX, body: BODY_MAX }), config: { action: 'template.edit', textMax: BODY_MAX } },
    async (req, reply) => {
      const form = parseForm(NewTemplateInput, req.body, { fields: ['name', 'language', 'body'], shown: BODY_MAX });
      if (!form.ok) return listPage(req, reply, 422, { form: 'new', values: form.values, errors: form.errors });
      const result = await createTemplate(deps, req.principal!, form.data);
      if (!result.ok) {
        if (result.field === 'language')
          return listPage(req, reply, 422, {
            form: 'new',
            values: form.values,
            errors: { language: 'templates.error.language_required' },
          });
        return errorPage(req, reply, result.code);
      }
      return flashes.redirect(reply, templateHref(result.value.id), 'created');
    },
  );

  app.get('/templates/:id', { config: { action: 'template.view' } }, async (req, reply) => {
    const found = await templateOf(req);
    if (!found) return errorPage(req, reply, 'NOT_FOUND');
    return templatePage(req, reply, found, 200, null);
  });

  app.post(
    '/templates/:id/name',
    { ...textBody({ name: NAME_MAX }), config: { action: 'template.edit', textMax: NAME_MAX } },
    async (req, reply) => {
      const found = await templateOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const form = parseForm(NameInput, req.body, { fields: ['name'], shown: NAME_MAX });
      if (!form.ok) return templatePage(req, reply, found, 422, { form: 'rename', values: form.values, errors: form.errors });
      const result = await renameTemplate(deps, req.principal!, found.template.id, form.data.name);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, templateHref(found.template.id), result.value ? 'renamed' : 'unchanged');
    },
  );

  for (const [path, active] of [
    ['retire', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/templates/:id/${path}`, { config: { action: 'template.edit' } }, async (req, reply) => {
      const found = await templateOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const result = await setTemplateActive(deps, req.principal!, found.template.id, active);
      if (!result.ok) return errorPage(req, reply, result.code);
      const flash = result.value ? (active ? 'reactivated' : 'retired') : 'unchanged';
      return flashes.redirect(reply, templateHref(found.template.id), flash);
    });
  }

  // A text in a language the template has none in yet.
  app.post(
    '/templates/:id/variants',
    { ...textBody({ language: LANGUAGE_MAX, new_body: BODY_MAX }), config: { action: 'template.edit', textMax: BODY_MAX } },
    async (req, reply) => {
      const found = await templateOf(req);
      if (!found) return errorPage(req, reply, 'NOT_FOUND');
      const input = { language: textField(req.body, 'language', LANGUAGE_MAX + 1) ?? '', body: textField(req.body, 'new_body', BODY_MAX + 1) ?? '' };
      const form = parseForm(VariantInput, input, { fields: ['language', 'body'], shown: BODY_MAX });
      const failed = (errors: Record<string, string>) =>
        templatePage(req, reply, found, 422, { form: 'add', values: form.values, errors: renameField(errors, 'body', 'new_body') });
      if (!form.ok) return failed(form.errors);
      const result = await addVariant(deps, req.principal!, found.template.id, form.data);
      if (!result.ok) {
        if (result.field === 'language')
          return failed({
            language:
              result.code === 'VALIDATION_FAILED' ? 'templates.error.language_required' : errorDefinition(result.code).messageKey,
          });
        return errorPage(req, reply, result.code);
      }
      return flashes.redirect(reply, `${templateHref(found.template.id)}#lang-${form.data.language}`, 'added');
    },
  );

  // A language's text, changed. Its field is named after the language, so that each text box
  // on the page has an id of its own.
  app.post(
    '/templates/:id/variants/:language',
    { ...textBody({ [bodyField(LONGEST_LANGUAGE_CODE)]: BODY_MAX }), config: { action: 'template.edit', textMax: BODY_MAX } },
    async (req, reply) => {
      const found = await templateOf(req);
      const variant = found && variantOf(req, found.variants);
      if (!found || !variant) return errorPage(req, reply, 'NOT_FOUND');
      const field = bodyField(variant.language);
      const form = parseForm(BodyInput, { body: textField(req.body, field, BODY_MAX + 1) ?? '' }, { fields: ['body'], shown: BODY_MAX });
      if (!form.ok)
        return templatePage(req, reply, found, 422, {
          form: `variant:${variant.language}`,
          values: form.values,
          errors: renameField(form.errors, 'body', field),
        });
      const result = await changeVariant(deps, req.principal!, found.template.id, variant.language, form.data.body);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, `${templateHref(found.template.id)}#lang-${variant.language}`, result.value ? 'saved' : 'unchanged');
    },
  );

  app.post('/templates/:id/variants/:language/remove', { config: { action: 'template.edit' } }, async (req, reply) => {
    const found = await templateOf(req);
    const variant = found && variantOf(req, found.variants);
    if (!found || !variant) return errorPage(req, reply, 'NOT_FOUND');
    const result = await removeVariant(deps, req.principal!, found.template.id, variant.language);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, templateHref(found.template.id), 'removed');
  });
}

/** A schema's field message under the name the form gives that field. */
function renameField(errors: Record<string, string>, from: string, to: string): Record<string, string> {
  const { [from]: message, ...rest } = errors;
  return message ? { ...rest, [to]: message } : rest;
}

