import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with reply templates. Deny by default. Those who answer cases (handlers,
 * coordinators, administrators) read the templates and insert them into a reply; coordinators
 * and administrators, who set how the helpline speaks, write them: add, change and remove a
 * language's text, rename, retire and bring back a template. Auditors and every other role do
 * none of it.
 */
export const TEMPLATE_ACTIONS = ['template.view', 'template.use', 'template.edit'] as const;
export type TemplateAction = (typeof TEMPLATE_ACTIONS)[number];

export const templatePolicy = definePolicy<TemplateAction>({
  'template.view': ['admin', 'coordinator', 'handler'],
  'template.use': ['admin', 'coordinator', 'handler'],
  'template.edit': ['admin', 'coordinator'],
});
