import { defineFlashes } from '../../platform/http/flash.js';
import type { FieldErrors } from '../../platform/views/form.js';

// Small helpers the accounts routes share.

/** Messages after a redirect (`?done=…`, platform/http/flash.ts). */
export const accountFlashes = defineFlashes({
  signed_out: 'accounts.done.signed_out',
  signed_out_everywhere: 'accounts.done.signed_out_everywhere',
  signed_out_everywhere_tokens: 'accounts.done.signed_out_everywhere_tokens',
  enrolled: 'accounts.done.enrolled',
  language: 'accounts.done.language',
  time_zone: 'accounts.done.time_zone',
  token_revoked: 'accounts.done.token_revoked',
  user_disabled: 'accounts.done.user_disabled',
  user_enabled: 'accounts.done.user_enabled',
  user_enabled_pending: 'accounts.done.user_enabled_pending',
  cases_reassigned: { key: 'accounts.done.cases_reassigned', params: ['count'] },
  roles_changed: 'accounts.done.roles_changed',
  team_added: 'accounts.done.team_added',
  member_added: 'accounts.done.member_added',
  member_already: 'accounts.done.member_already',
  member_removed: 'accounts.done.member_removed',
  member_absent: 'accounts.done.member_absent',
  regions_changed: 'accounts.done.team_regions_changed',
  languages_changed: 'accounts.done.team_languages_changed',
  team_unchanged: 'accounts.done.team_unchanged',
  team_updated: 'accounts.done.team_updated',
  team_removed: 'accounts.done.team_removed',
});

export function oneError(name: string, key: string): FieldErrors {
  return { [name]: key };
}
