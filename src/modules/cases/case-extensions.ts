import type { ComponentChildren } from 'preact';
import type { CaseBrief, CaseExtension, StatusRefusal } from '../../contracts/case-extension.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { StaffPageContext } from '../../platform/views/staff-layout.js';
import { can } from './case.policy.js';
import type { Db } from './case.repo.js';

// Where the cases module calls what other modules add to a case (contracts/case-extension.ts,
// ADR 31): the case page's sections, the queue rows' notes, and a say before a status change.
// Only a case the person may see is ever passed on.

/** The structured fields an extension is told about a case. */
export function caseBrief(
  row: {
    id: number;
    status: string;
    urgency: string | null;
    severity: string | null;
    incident_type: string | null;
    region: string | null;
    language: string | null;
    assignee_id: string | null;
    created_at: number;
  },
  purged: boolean,
): CaseBrief {
  const restricted = (row as { restricted?: unknown }).restricted;
  return {
    id: row.id,
    status: row.status,
    urgency: row.urgency,
    severity: row.severity,
    incident_type: row.incident_type,
    region: row.region,
    language: row.language,
    assignee_id: row.assignee_id,
    created_at: row.created_at,
    purged,
    restricted: restricted === 1 || restricted === true,
  };
}

/** Every extension's section of the case page, in the module list's order; those with nothing to show are left out. */
export async function casePanels(
  deps: Deps,
  input: { ctx: StaffPageContext; actor: Principal; case: CaseBrief; now: number },
): Promise<ComponentChildren[]> {
  const panels = await Promise.all((deps.caseExtensions ?? []).map((e) => e.panel?.(deps, input) ?? null));
  return panels.filter((p) => p !== null && p !== undefined && p !== false);
}

/** Every extension's note on each of `caseIds` (one call per extension for the whole page), in `locale`. */
export async function queueNotes(
  deps: Deps,
  caseIds: readonly number[],
  locale: string,
): Promise<Map<number, string[]>> {
  const notes = new Map<number, string[]>();
  if (caseIds.length === 0) return notes;
  const each = await Promise.all(
    (deps.caseExtensions ?? []).map((e) => e.queueNotes?.(deps, caseIds, locale) ?? new Map<number, string>()),
  );
  for (const m of each) for (const [id, note] of m) notes.set(id, [...(notes.get(id) ?? []), note]);
  return notes;
}

/** What the extensions said of a status change: refused (not overridden), or allowed with the refusals a lead overrode. */
export type StatusCheck = { refused: StatusRefusal } | { refused: null; overridden: StatusRefusal[] };

/**
 * Asks every extension about each of `moves` (from → to) of one case, in the change's
 * transaction. A refusal stops the change unless it is overridable, `override` was asked for,
 * and the actor may override (coordinators and administrators: `case.override_checks`).
 */
export async function checkStatusMoves(
  trx: Db,
  extensions: readonly CaseExtension[] | undefined,
  change: { caseId: number; actor: Principal; moves: readonly (readonly [string, string])[]; override: boolean },
): Promise<StatusCheck> {
  const overridden: StatusRefusal[] = [];
  const mayOverride = change.override && can(change.actor, 'case.override_checks');
  for (const [from, to] of change.moves) {
    for (const e of extensions ?? []) {
      const refusal = await e.checkStatusChange?.(trx, {
        caseId: change.caseId,
        from,
        to,
        actor: change.actor,
        override: mayOverride,
      });
      if (!refusal) continue;
      if (refusal.overridable && mayOverride) overridden.push(refusal);
      else return { refused: refusal };
    }
  }
  return { refused: null, overridden };
}
