import type { Generated } from 'kysely';

/**
 * The database as the migrations make it. Times are milliseconds since the epoch (bigint on
 * PostgreSQL, integer on SQLite); flags are 0/1 integers so both engines read the same values.
 * Columns ending in `_enc` hold ciphertext from platform/crypto, never plaintext.
 */
export interface Database {
  users: UsersTable;
  enrollments: EnrollmentsTable;
  staff_sessions: StaffSessionsTable;
  api_tokens: ApiTokensTable;
  cases: CasesTable;
  messages: MessagesTable;
  audit_log: AuditLogTable;
  taxonomy_terms: TaxonomyTermsTable;
  requester_sessions: RequesterSessionsTable;
  spent_tokens: SpentTokensTable;
  vault_keys: VaultKeysTable;
  unseal_holders: UnsealHoldersTable;
  rate_counts: RateCountsTable;
  attempt_guards: AttemptGuardsTable;
  retention_rules: RetentionRulesTable;
  jobs: JobsTable;
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
  created_at: number;
  updated_at: number;
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

export interface TaxonomyTermsTable {
  kind: string;
  code: string;
  parent: string | null;
  rsit: string | null;
  sort: number;
  labels: string;
  active: number;
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
