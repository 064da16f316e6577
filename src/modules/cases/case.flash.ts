import { defineFlashes } from '../../platform/http/flash.js';

/** The cases module's messages after a redirect (`?done=…`, platform/http/flash.ts): the case page's and the queue's. */
export const caseFlashes = defineFlashes({
  reply_sent: 'cases.flash.reply_sent',
  note_added: 'cases.flash.note_added',
  triage_saved: 'cases.flash.triage_saved',
  assigned: 'cases.flash.assigned',
  claimed: 'cases.flash.claimed',
  status_changed: 'cases.flash.status_changed',
  not_spam: 'cases.flash.not_spam',
  marked_spam: { key: 'cases.flash.marked_spam', params: ['count'] },
  bulk_done: { key: 'cases.flash.bulk_done', params: ['count', 'skipped'] },
  bulk_repeated: 'cases.flash.bulk_repeated',
  bulk_none: 'cases.flash.bulk_none',
  bulk_no_choice: 'cases.flash.bulk_no_choice',
  view_saved: 'cases.flash.view_saved',
  view_deleted: 'cases.flash.view_deleted',
  access_saved: 'access.flash.saved',
  access_added: 'access.flash.added',
  access_removed: 'access.flash.removed',
  linked: 'cases.flash.linked',
  link_exists: 'cases.flash.link_exists',
  unlinked: 'cases.flash.unlinked',
  merged: { key: 'cases.flash.merged', params: ['count'] },
  merge_repeated: 'cases.flash.merge_repeated',
});

export type CaseFlash = Parameters<typeof caseFlashes.redirect>[2];
