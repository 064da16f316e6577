import type { HavenModule } from '../../contracts/module.js';
import { TEMPLATE_ERRORS } from './template.errors.js';
import { templatePolicy } from './template.policy.js';
import { registerTemplateRoutes } from './template.routes.js';

/**
 * The templates module: reply templates with one plain-text variant per language, seeded with
 * the five a helpline answers with most. Coordinators and administrators write them on
 * /staff/templates (every change audited); on a case page a handler inserts one, in the case's
 * language or, with a visible warning, in the fallback language (ADR 25).
 */
export {
  templateChoices,
  fillTemplate,
  casePageTemplates,
  templateToInsert,
  type CasePageTemplates,
  type FilledTemplate,
} from './template.service.js';
export { PLACEHOLDERS, FALLBACK_LANGUAGE, type Placeholder } from './template.js';
export { TemplateChoice } from './template.schema.js';
export { InsertTemplateForm, type InsertedTemplate } from './views/templates.js';
export { TEMPLATE_ACTIONS, templatePolicy, type TemplateAction } from './template.policy.js';

/** The templates module as the app sees it. */
export const templatesModule: HavenModule = {
  name: 'templates',
  policy: templatePolicy,
  errors: TEMPLATE_ERRORS,
  nav: [{ href: '/staff/templates', labelKey: 'templates.title', action: 'template.view', order: 51 }],
  registerStaff: (app, { deps, assets }) => registerTemplateRoutes(app, deps, assets),
};
