import type { Generated } from 'kysely';

/**
 * The database as the migrations make it. Times are milliseconds since the epoch (bigint on
 * PostgreSQL, integer on SQLite); flags are 0/1 integers so both engines read the same values.
 * Columns ending in `_enc` hold ciphertext from platform/crypto, never plaintext.
 */
export interface Database {
  users: UsersTable;
  user_roles: UserRolesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  team_regions: TeamRegionsTable;
  team_languages: TeamLanguagesTable;
  saved_views: SavedViewsTable;
  enrollments: EnrollmentsTable;
  staff_sessions: StaffSessionsTable;
  api_tokens: ApiTokensTable;
  cases: CasesTable;
  case_access: CaseAccessTable;
  case_links: CaseLinksTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  attachment_chunks: AttachmentChunksTable;
  audit_log: AuditLogTable;
  taxonomy_vocabularies: TaxonomyVocabulariesTable;
  taxonomy_vocabulary_labels: TaxonomyVocabularyLabelsTable;
  taxonomy_terms: TaxonomyTermsTable;
  taxonomy_term_labels: TaxonomyTermLabelsTable;
  taxonomy_term_mappings: TaxonomyTermMappingsTable;
  requester_sessions: RequesterSessionsTable;
  spent_tokens: SpentTokensTable;
  vault_keys: VaultKeysTable;
  unseal_holders: UnsealHoldersTable;
  rate_counts: RateCountsTable;
  attempt_guards: AttemptGuardsTable;
  retention_rules: RetentionRulesTable;
  organisation_settings: OrganisationSettingsTable;
  organisation_texts: OrganisationTextsTable;
  reply_templates: ReplyTemplatesTable;
  reply_template_variants: ReplyTemplateVariantsTable;
  playbooks: PlaybooksTable;
  playbook_names: PlaybookNamesTable;
  playbook_steps: PlaybookStepsTable;
  playbook_step_texts: PlaybookStepTextsTable;
  case_playbooks: CasePlaybooksTable;
  case_tasks: CaseTasksTable;
  jobs: JobsTable;
  outbox_events: OutboxEventsTable;
  event_deliveries: EventDeliveriesTable;
  tasks: TasksTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_marks: NotificationMarksTable;
  search_tokens: SearchTokensTable;
  search_cases: SearchCasesTable;
  search_walks: SearchWalksTable;
  escalation_ladders: EscalationLaddersTable;
  escalation_steps: EscalationStepsTable;
  case_escalations: CaseEscalationsTable;
  case_sla: CaseSlaTable;
  case_sla_teams: CaseSlaTeamsTable;
  partners: PartnersTable;
  partner_services: PartnerServicesTable;
  partner_regions: PartnerRegionsTable;
  partner_languages: PartnerLanguagesTable;
  referrals: ReferralsTable;
  referral_consents: ReferralConsentsTable;
  shift_slots: ShiftSlotsTable;
  shift_slot_members: ShiftSlotMembersTable;
  shift_exceptions: ShiftExceptionsTable;
  handovers: HandoversTable;
  handover_notes: HandoverNotesTable;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: string;
  status: string;
  password_hash: string | null;
  totp_secret_enc: Buffer | null;
  totp_last_step: number | null;
  locale: string;
  /** IANA time zone in which their staff pages show moments (ADR 28); 'UTC' by default. */
  time_zone: Generated<string>;
  created_at: number;
  updated_at: number;
}

/** Every role a person holds (ADR 20); `users.role` is the primary one, always among them. */
export interface UserRolesTable {
  user_id: string;
  role: string;
}

/** A group of staff who work together: their shifts' time zone, optionally the region they cover. */
export interface TeamsTable {
  id: string;
  name: string;
  time_zone: string;
  region: string | null;
  created_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

/** A region (a `region` term's code) a team covers; teams.region is its first. */
export interface TeamRegionsTable {
  team_id: string;
  region: string;
}

/** A language (a `language` term's code) a team works in. */
export interface TeamLanguagesTable {
  team_id: string;
  language: string;
}

/** A person's saved view of the staff queue: a name and the queue's query string, normalised. */
export interface SavedViewsTable {
  id: string;
  user_id: string;
  name: string;
  query: string;
  created_at: number;
}

export interface EnrollmentsTable {
  token_hash: string;
  user_id: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface StaffSessionsTable {
  id_hash: string;
  user_id: string;
  stage: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface CasesTable {
  id: Generated<number>;
  receipt_hash: string;
  key_wrapped: Buffer;
  status: string;
  urgency: string;
  incident_type: string | null;
  severity: string | null;
  country: string | null;
  region: string | null;
  language: string;
  beneficiary: string | null;
  mandate: string;
  contact_method: string;
  contact_enc: Buffer | null;
  assignee_id: string | null;
  awaiting_reply: number;
  created_at: number;
  updated_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
  closed_at: number | null;
  version: number;
  /** 1 when intake saved it as suspected spam (it waits in the separate queue); see ADR 13. */
  suspected_spam: Generated<number>;
  /** Why: honeypot, too_fast, over_budget, or staff (marked by hand). */
  spam_reason: string | null;
  /** When the case's personal data was deleted (crypto-shredded); null while it is kept. */
  purged_at: number | null;
  /** What deleted it: `retention:<status>:<days>d`, `retention:<status>:<incident type>:<days>d` or `requester`. */
  purge_rule: string | null;
  /** 1 when only the people listed in case_access and its teams' leads may know it (ADR 32). */
  restricted: Generated<number>;
  /** The case this one was merged into (ADR 38); null unless it was merged. */
  merged_into: Generated<number | null>;
  /** Keyed hash of the normalised contact handle (ADR 38); null without one, after a purge, or not yet filled. */
  contact_hash: Generated<string | null>;
}

/** Two related cases (ADR 38): one row per pair, the smaller id first; the reason a fixed code. */
export interface CaseLinksTable {
  low_id: number;
  high_id: number;
  reason: string;
  created_by: string;
  created_at: number;
}

/** A person who may know a restricted case (ADR 32): who added them, and when. */
export interface CaseAccessTable {
  case_id: number;
  user_id: string;
  added_by: string;
  added_at: number;
}

export interface MessagesTable {
  id: string;
  case_id: number;
  kind: string;
  author_id: string | null;
  body_enc: Buffer;
  created_at: number;
  /** Set while the body is sealed to content key N (written while sealed); null: under the case key. */
  sealed_to_key: Generated<number | null>;
  /** The case whose receipt this message belongs to, when not its own case's (a merge, ADR 38); null: its own. */
  via_case_id: Generated<number | null>;
}

/**
 * A file attached to a message (ADR 26). Pending (streamed in, its message not saved yet):
 * case_id, message_id and key_wrapped null, expires_at set. Attached: all three set, no expiry.
 */
export interface AttachmentsTable {
  id: string;
  case_id: number | null;
  message_id: string | null;
  /** The file key sealed under the case key, or to content key `sealed_to_key` (written while sealed). */
  key_wrapped: Buffer | null;
  sealed_to_key: number | null;
  /** The crypto_secretstream header of its chunks. */
  header: Buffer;
  /** Its name and the SHA-256 of its bytes, sealed under the file key. */
  meta_enc: Buffer | null;
  /** Its media type, checked against its first bytes where they can tell. */
  type: string;
  size: number;
  chunk_count: number;
  created_at: number;
  expires_at: number | null;
}

/** One encrypted chunk of an attachment, `seq` from 0. */
export interface AttachmentChunksTable {
  attachment_id: string;
  seq: number;
  data: Buffer;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  case_id: number | null;
  detail: string | null;
}

/**
 * A vocabulary of the taxonomies module (incident_type, country, tlp, …). `ordering` is
 * `manual` (terms in their stored order) or `label` (by name in the reader's language);
 * `fixed` (0/1): its terms can be renamed and reordered but none added or retired.
 */
export interface TaxonomyVocabulariesTable {
  code: string;
  namespace: string;
  /** The vocabulary whose terms are this one's parents (a country's region), or null. */
  parent: string | null;
  ordering: string;
  fixed: number;
  sort: number;
}

/** A vocabulary's name in one language. */
export interface TaxonomyVocabularyLabelsTable {
  vocabulary: string;
  locale: string;
  label: string;
}

/** A term: records store its `code`; a retired term (`active` 0) is offered nowhere but still named. */
export interface TaxonomyTermsTable {
  vocabulary: string;
  code: string;
  /** A term's code in the vocabulary's parent vocabulary, or null. */
  parent: string | null;
  sort: number;
  active: number;
}

/** A term's label in one language (absent: English, then the code; CLDR names for countries and languages). */
export interface TaxonomyTermLabelsTable {
  vocabulary: string;
  term: string;
  locale: string;
  label: string;
}

/** A term's counterpart in an outside scheme, e.g. `rsit` → `fraud/phishing`, `misp` → `tlp:amber`. */
export interface TaxonomyTermMappingsTable {
  vocabulary: string;
  term: string;
  scheme: string;
  value: string;
}

export interface RequesterSessionsTable {
  id_hash: string;
  case_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/**
 * Keyed hashes of one-time form tokens already spent (the public request form, the unseal
 * form), each claimed in the transaction that does the work; kept until they would expire.
 */
export interface SpentTokensTable {
  token_hash: string;
  expires_at: number;
}

/** How long a case of one status keeps its personal data, counted from `basis`. */
export interface RetentionRulesTable {
  status: string;
  /** An incident type code, or '' for the status's general rule (any other type). */
  incident_type: string;
  basis: string;
  days: number;
  enabled: number;
  updated_at: number;
  updated_by: string | null;
}

/**
 * The organisation's identity (the settings module, ADR 27): one row, id 1, public once set.
 * The logo is sanitised bytes, their type and content hash, all three set or none. `revision`
 * counts saves, so a form saved over a newer save is refused.
 */
export interface OrganisationSettingsTable {
  id: number;
  name: string | null;
  default_locale: string;
  pgp_key: string | null;
  onion_address: string | null;
  signal_number: string | null;
  logo: Buffer | null;
  logo_type: string | null;
  logo_hash: string | null;
  revision: number;
  updated_at: number | null;
  updated_by: string | null;
}

/** The organisation's texts in one language: short description, landing text, emergency advice. */
export interface OrganisationTextsTable {
  locale: string;
  description: string | null;
  landing: string | null;
  emergency: string | null;
  updated_at: number;
}

/** A reply template (the templates module): its name, whether it is in use, its place in the list. */
export interface ReplyTemplatesTable {
  id: string;
  name: string;
  /** 0: retired, offered nowhere, kept with its variants. */
  active: number;
  sort: number;
  created_at: number;
  updated_at: number;
}

/** One language's text of a reply template: plain text with {placeholders}, not personal data. */
export interface ReplyTemplateVariantsTable {
  template_id: string;
  /** A code of the `language` vocabulary. */
  language: string;
  body: string;
  updated_at: number;
  updated_by: string | null;
}

/** A playbook (the playbooks module, ADR 35): an ordered checklist for an incident type (null: any). */
export interface PlaybooksTable {
  id: string;
  incident_type: string | null;
  /** 0: retired, applied to no case, kept with its steps. */
  active: number;
  sort: number;
  created_at: number;
  updated_at: number;
}

/** A playbook's name in one language. */
export interface PlaybookNamesTable {
  playbook_id: string;
  language: string;
  name: string;
}

/** A step of a playbook, in order; its task falls due `due_minutes` after the playbook is applied (null: never). */
export interface PlaybookStepsTable {
  id: string;
  playbook_id: string;
  position: number;
  /** 1: a case is not resolved or closed while its task is open (a coordinator may override). */
  required: number;
  due_minutes: number | null;
  created_at: number;
  updated_at: number;
}

/** A step's title and guidance in one language: operational text, not personal data. */
export interface PlaybookStepTextsTable {
  step_id: string;
  language: string;
  title: string;
  guidance: string;
}

/** A playbook applied to a case: once per case and playbook (the primary key). */
export interface CasePlaybooksTable {
  case_id: number;
  playbook_id: string;
  applied_at: number;
  applied_by: string;
}

/** A case's task, from a playbook's step: the title as it was when applied, who holds it, when it is due and done. */
export interface CaseTasksTable {
  id: string;
  case_id: number;
  playbook_id: string;
  /** The step it came from; the step may since have been removed. */
  step_id: string | null;
  position: number;
  title: string;
  title_language: string;
  required: number;
  assignee_id: string | null;
  due_at: number | null;
  done_at: number | null;
  done_by: string | null;
  created_at: number;
}

/** The job schedule: one row per job; a worker claims a row by moving `locked_until`. */
export interface JobsTable {
  name: string;
  next_run_at: number;
  locked_until: number;
  locked_by: string | null;
  last_run_at: number | null;
  last_error: string | null;
}

/** Counters per name and minute (`minute` is its start, epoch ms): the intake budget, failed sign-ins. */
export interface RateCountsTable {
  name: string;
  minute: number;
  count: number;
}

/**
 * Attempts per key (a sign-in address's keyed hash, the unseal form): consecutive failures
 * (each attempt counted before it is checked), the lock they earned, and the lease of an
 * attempt that must run alone.
 */
export interface AttemptGuardsTable {
  key: string;
  failures: Generated<number>;
  locked_until: number | null;
  busy_until: number | null;
  updated_at: number;
}

/** Public halves of the content keypairs case keys are sealed to (sealed mode, ADR 10). */
export interface VaultKeysTable {
  id: number;
  public_key: Buffer;
  created_at: number;
  /** Set once no case key or staff secret is wrapped to it any more. */
  retired_at: number | null;
}

/** A key's private half sealed to one holder's passphrase-derived keypair (ADR 10). */
export interface UnsealHoldersTable {
  key_id: number;
  holder: string;
  salt: Buffer;
  opslimit: number;
  memlimit: number;
  holder_public_key: Buffer;
  wrapped_sk: Buffer;
  created_at: number;
}

/**
 * Domain events, written in the transaction of the change they describe (the transactional
 * outbox). `payload` is JSON of identifiers and codes only, stored in clear.
 */
export interface OutboxEventsTable {
  id: string;
  type: string;
  payload: string;
  occurred_at: number;
  /** When a dispatcher made the event's delivery rows; null until then. */
  dispatched_at: number | null;
}

/** One event for one subscriber: pending (claimed by a lease), done, or dead (dead-lettered). */
export interface EventDeliveriesTable {
  id: string;
  event_id: string;
  subscriber: string;
  state: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_until: Generated<number>;
  locked_by: string | null;
  /** The last failure's error name; never its message. */
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Work with a payload (JSON of identifiers and codes): pending, done, or dead (dead-lettered). */
export interface TasksTable {
  id: string;
  name: string;
  payload: string;
  /** Set by the caller so enqueuing the same work twice is one task (unique per name). */
  idempotency_key: string | null;
  state: string;
  attempts: Generated<number>;
  run_at: number;
  locked_until: Generated<number>;
  locked_by: string | null;
  /** The last failure's error name; never its message. */
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Something that needs one person: a case (by id only) and why (`kind`). Listed on their page
 * when `in_app` is 1; `email_state` follows its email: none, pending, sending, sent, unsure.
 */
export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  case_id: number;
  in_app: number;
  created_at: number;
  read_at: number | null;
  email_state: string;
  email_claimed_at: number | null;
  email_sent_at: number | null;
}

/** A person's choice for one kind of notification on one channel (absent: the default). */
export interface NotificationPreferencesTable {
  user_id: string;
  kind: string;
  channel: string;
  enabled: number;
  updated_at: number;
}

/** What has been noticed once (an event handled, a case past a point), so nothing notifies twice. */
export interface NotificationMarksTable {
  mark: string;
  created_at: number;
}

/** A team's weekly shift (the shifts module, ADR 33): minutes after local midnight in the team's zone. */
export interface ShiftSlotsTable {
  id: string;
  team_id: string;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  start_minute: number;
  /** At or before start_minute: the shift ends the next day. */
  end_minute: number;
  lead_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A person on a weekly shift. */
export interface ShiftSlotMembersTable {
  slot_id: string;
  user_id: string;
}

/** One date's change to a shift: swap, absence or lead; `subject` is the person changed ('' for a lead). */
export interface ShiftExceptionsTable {
  id: string;
  slot_id: string;
  /** The local date (YYYY-MM-DD) the shift starts. */
  on_date: string;
  kind: string;
  subject: string;
  replacement_id: string | null;
  created_at: number;
  created_by: string | null;
}

/** A team's handover at one shift's end (unique per team and end); people as JSON arrays of ids. */
export interface HandoversTable {
  id: string;
  team_id: string;
  slot_id: string | null;
  starts_at: number;
  ends_at: number;
  outgoing_lead_id: string | null;
  outgoing_ids: string;
  incoming_lead_id: string | null;
  incoming_ids: string;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

/** What an outgoing person wrote for the next shift, sealed by the vault. */
export interface HandoverNotesTable {
  id: string;
  handover_id: string;
  author_id: string | null;
  body_enc: Buffer;
  created_at: number;
}

/** A partner organisation a case may be referred to (the referrals module, ADR 36). Not personal data. */
export interface PartnersTable {
  id: string;
  name: string;
  description: string;
  /** email, signal, web_form or other. */
  contact_kind: string;
  contact_address: string;
  /** An armoured OpenPGP public key, or null; its fingerprint beside it. */
  pgp_key: string | null;
  pgp_fingerprint: string | null;
  /** 0: retired, offered on no case, kept for the referrals that name it. */
  active: number;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
}

/** A service a partner offers (a fixed code of the referrals module). */
export interface PartnerServicesTable {
  partner_id: string;
  service: string;
}

/** A region a partner works in (a code of the region vocabulary). */
export interface PartnerRegionsTable {
  partner_id: string;
  region: string;
}

/** A language a partner works in (a code of the language vocabulary). */
export interface PartnerLanguagesTable {
  partner_id: string;
  language: string;
}

/** A case referred to a partner. */
export interface ReferralsTable {
  id: string;
  case_id: number;
  partner_id: string;
  /** The shared items' codes, comma-separated. */
  items: string;
  /** The staff summary for the partner, sealed under the case key (shredded with it), or null. */
  summary_enc: Buffer | null;
  letter_language: string;
  follow_up_at: number;
  reminded_at: number | null;
  /** accepted, declined, no_answer or helped; null while the follow-up is open. */
  outcome: string | null;
  outcome_at: number | null;
  outcome_by: string | null;
  created_by: string;
  created_at: number;
}

/** The requester's consent, recorded, for the identifying items of one referral. */
export interface ReferralConsentsTable {
  id: string;
  referral_id: string;
  /** The items it covers, comma-separated. */
  items: string;
  /** conversation, phone or other. */
  how: string;
  /** The day it was given (UTC midnight). */
  given_at: number;
  recorded_by: string;
  recorded_at: number;
}

/** An escalation ladder (ADR 34): 'global' (team_id null) or one team's, which replaces it for that team's cases. */
export interface EscalationLaddersTable {
  id: string;
  team_id: string | null;
  /** The resolution target of the cases it governs, in hours (the SLA read model). */
  resolution_hours: number;
  version: number;
  updated_at: number;
  updated_by: string | null;
}

/** A ladder's step: after `minutes` unanswered, `action`; only for `urgency` and `severity` when set. */
export interface EscalationStepsTable {
  id: string;
  ladder_id: string;
  position: number;
  minutes: number;
  action: string;
  urgency: string | null;
  severity: string | null;
}

/** A step a case reached, once per (case, step, start of the wait); `notified` is a JSON list of staff ids. */
export interface CaseEscalationsTable {
  case_id: number;
  step_id: string;
  wait_started_at: number;
  ladder_id: string;
  minutes: number;
  action: string;
  reached_at: number;
  notified: string;
}

/** The SLA read model, per case: structured fields only, no foreign key (it outlives retention). */
export interface CaseSlaTable {
  case_id: number;
  arrived_at: number;
  urgency: string;
  first_response_due_at: number;
  first_response_at: number | null;
  resolution_due_at: number;
  resolved_at: number | null;
  /** 1 while the case is (suspected) spam: not counted. */
  excluded: number;
  updated_at: number;
}

/** A case's teams in the SLA read model ('' when no team covered it), each with the shift on at arrival. */
export interface CaseSlaTeamsTable {
  case_id: number;
  team_id: string;
  arrived_at: number;
  shift_starts_at: number | null;
  shift_ends_at: number | null;
}

/** A search index row (ADR 37): a keyed hash of one normalised token of a case, never the token. */
export interface SearchTokensTable {
  token: Buffer;
  case_id: number;
}

/** A case's place in the search index: the content key its tokens are under, and whether a change waits. */
export interface SearchCasesTable {
  case_id: number;
  key_id: number;
  /** 1: the case changed while it could not be indexed (sealed); the index job catches up. */
  stale: Generated<number>;
  indexed_at: number;
  /** How many tokens the case has in the index. */
  tokens: Generated<number>;
}

/** The walk that indexes every case under one content key's search subkey: how far it has come. */
export interface SearchWalksTable {
  key_id: number;
  after_id: Generated<number>;
  started_at: number;
  finished_at: number | null;
}
