import type { Kysely, Transaction } from 'kysely';
import type { ComponentChildren } from 'preact';
import type { PlatformDeps } from '../platform/deps.js';
import type { Principal } from '../platform/auth/roles.js';
import type { Database } from '../platform/storage/schema.js';
import type { StaffPageContext } from '../platform/views/staff-layout.js';

/**
 * How a module adds to a case without the cases module knowing it (ADR 31): a section of the
 * staff case page, a short note on the case's queue row, and a say before the case changes
 * status. The composition root collects every module's `caseExtension` (HavenModule) into
 * `Deps.caseExtensions`; the cases module calls them, in the list's order, only after it has
 * found the case and decided that the person may see it (a restricted case that they may not
 * know is never passed to an extension), and audits its own read as always. An extension
 * that reads case content must go through the cases module's index.ts, never its tables.
 */

/** What an extension is told about a case: structured fields only, never content. */
export interface CaseBrief {
  id: number;
  status: string;
  urgency: string | null;
  severity: string | null;
  incident_type: string | null;
  region: string | null;
  language: string | null;
  assignee_id: string | null;
  created_at: number;
  /** The case's personal data has been deleted by retention or on request. */
  purged: boolean;
  /** Need-to-know: only the people it names (and its team's leads) may know this case exists. */
  restricted: boolean;
}

/** A status change about to be written, in its transaction. */
export interface StatusChange {
  caseId: number;
  from: string;
  to: string;
  actor: Principal;
  /**
   * A coordinator or administrator chose to override what an extension refused (the case page
   * offers it when `overridable`); the cases module audits the override with the refusals.
   */
  override: boolean;
}

/** An extension's refusal of a status change. */
export interface StatusRefusal {
  /** An i18n key taking no values: shown next to the status field, and as the API's message. */
  messageKey: string;
  /** A coordinator or administrator may override it (audited). */
  overridable: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

export interface CaseExtension {
  /** The module's name: panels are ordered by the module list, and keyed by this. */
  name: string;
  /**
   * A section of the staff case page (an `<section class="panel">` with its own heading and
   * plain forms posting to the module's own routes), or null to show nothing. Rendered on the
   * server; it must work without JavaScript.
   */
  panel?(deps: PlatformDeps, input: { ctx: StaffPageContext; actor: Principal; case: CaseBrief; now: number }): Promise<ComponentChildren | null>;
  /** A short note for each of `caseIds` on the queue (e.g. a checklist's "2 of 5 steps"), in `locale`. */
  queueNotes?(deps: PlatformDeps, caseIds: readonly number[], locale: string): Promise<Map<number, string>>;
  /**
   * Called in the transaction of every status change (one case, a bulk change, the API),
   * before it is written: a refusal, or null to let it happen. With `override`, a refusal
   * that is overridable no longer stops the change.
   */
  checkStatusChange?(db: Db, change: StatusChange): Promise<StatusRefusal | null>;
}
