import type { Kysely } from 'kysely';
import type { Principal } from '../auth/roles.js';
import type { Database } from '../storage/schema.js';

/**
 * The append-only audit log: every view and change of a case, by whom and when. `detail`
 * names what changed (field names, codes), never the content of a message or a contact.
 * The database refuses updates and deletes on this table (see the core migration).
 */
export interface AuditEntry {
  actorKind: 'staff' | 'api' | 'requester' | 'system';
  actorId: string | null;
  action: string;
  caseId: number | null;
  detail?: Record<string, string | number | boolean | null>;
}

/** Who an audit entry names for a signed-in person: staff on a page, or the API through a token. */
export function actorOf(p: Principal): Pick<AuditEntry, 'actorKind' | 'actorId'> {
  return { actorKind: p.via === 'token' ? 'api' : 'staff', actorId: p.userId };
}

export async function recordAudit(db: Kysely<Database>, at: number, entry: AuditEntry): Promise<void> {
  await auditWrite(db, at, entry).execute();
}

/**
 * The insert `recordAudit` runs, for one entry or several in the order given, to run with
 * other writes (`writeTogether`).
 */
export function auditWrite(db: Kysely<Database>, at: number, ...entries: [AuditEntry, ...AuditEntry[]]) {
  return db.insertInto('audit_log').values(
    entries.map((entry) => ({
      at,
      actor_kind: entry.actorKind,
      actor_id: entry.actorId,
      action: entry.action,
      case_id: entry.caseId,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })),
  );
}

export interface AuditRecord {
  id: number;
  at: number;
  actorKind: string;
  actorId: string | null;
  action: string;
  caseId: number | null;
  detail: Record<string, unknown> | null;
}

export async function listAuditForCase(db: Kysely<Database>, caseId: number, limit = 200): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    caseId: r.case_id,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }));
}
