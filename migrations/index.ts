import type { Migration } from 'kysely';
import * as core from './2026-11-22-001-core.js';
import * as intakeFormTokens from './2026-11-22-002-intake-form-tokens.js';
import * as caseQueueIndex from './2026-11-22-003-case-queue-index.js';
import * as vaultKeys from './2026-11-22-004-vault-keys.js';
import * as retention from './2026-11-22-005-retention.js';
import * as intakeAbuse from './2026-11-22-006-intake-abuse.js';
import * as retentionByType from './2026-12-01-001-retention-by-type.js';
import * as messagesSealedToKey from './2026-12-01-002-messages-sealed-to-key.js';
import * as attemptsAndSpentTokens from './2026-12-01-003-attempts-and-spent-tokens.js';
import * as outboxAndTasks from './2026-12-02-001-outbox-and-tasks.js';
import * as taxonomies from './2026-12-02-002-taxonomies.js';
import * as rolesAndTeams from './2026-12-02-003-roles-and-teams.js';
import * as caseQueueFilters from './2026-12-07-001-case-queue-filters.js';
import * as auditLogFilters from './2026-12-07-002-audit-log-filters.js';
import * as teamRegionsAndLanguages from './2026-12-07-003-team-regions-and-languages.js';
import * as savedViews from './2026-12-07-004-saved-views.js';
import * as notifications from './2026-12-07-005-notifications.js';
import * as replyTemplates from './2026-12-07-006-reply-templates.js';
import * as attachments from './2026-12-07-007-attachments.js';
import * as organisationSettings from './2026-12-07-008-organisation-settings.js';
import * as userTimeZone from './2026-12-07-009-user-time-zone.js';
import * as needToKnow from './2026-12-07-010-need-to-know.js';
import * as shifts from './2026-12-07-011-shifts.js';
import * as escalation from './2026-12-07-012-escalation.js';
import * as playbooks from './2026-12-07-013-playbooks.js';
import * as referrals from './2026-12-07-014-referrals.js';
import * as search from './2026-12-07-015-search.js';
import * as caseLinks from './2026-12-08-001-case-links.js';
import * as morePlaybooks from './2026-12-08-002-more-playbooks.js';
import * as mergedIntoIndex from './2026-12-08-003-cases-merged-into-index.js';

/** Every migration, in order. Names are ISO-dated; never rename or edit a landed one. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-001-core': core,
  '2026-11-22-002-intake-form-tokens': intakeFormTokens,
  '2026-11-22-003-case-queue-index': caseQueueIndex,
  '2026-11-22-004-vault-keys': vaultKeys,
  '2026-11-22-005-retention': retention,
  '2026-11-22-006-intake-abuse': intakeAbuse,
  '2026-12-01-001-retention-by-type': retentionByType,
  '2026-12-01-002-messages-sealed-to-key': messagesSealedToKey,
  '2026-12-01-003-attempts-and-spent-tokens': attemptsAndSpentTokens,
  '2026-12-02-001-outbox-and-tasks': outboxAndTasks,
  '2026-12-02-002-taxonomies': taxonomies,
  '2026-12-02-003-roles-and-teams': rolesAndTeams,
  '2026-12-07-001-case-queue-filters': caseQueueFilters,
  '2026-12-07-002-audit-log-filters': auditLogFilters,
  '2026-12-07-003-team-regions-and-languages': teamRegionsAndLanguages,
  '2026-12-07-004-saved-views': savedViews,
  '2026-12-07-005-notifications': notifications,
  '2026-12-07-006-reply-templates': replyTemplates,
  '2026-12-07-007-attachments': attachments,
  '2026-12-07-008-organisation-settings': organisationSettings,
  '2026-12-07-009-user-time-zone': userTimeZone,
  '2026-12-07-010-need-to-know': needToKnow,
  '2026-12-07-011-shifts': shifts,
  '2026-12-07-012-escalation': escalation,
  '2026-12-07-013-playbooks': playbooks,
  '2026-12-07-014-referrals': referrals,
  '2026-12-07-015-search': search,
  '2026-12-08-001-case-links': caseLinks,
  '2026-12-08-002-more-playbooks': morePlaybooks,
  '2026-12-08-003-cases-merged-into-index': mergedIntoIndex,
};
