import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import * as repo from './saved-view.repo.js';
import { normaliseQuery, readViewQuery, SAVED_VIEWS_MAX } from './saved-view.js';

// A person's saved views of the queue. Each change is audited in its own transaction's write.

export interface SavedView {
  id: string;
  name: string;
  /** The queue's address with the view's query, checked again now (a view that no longer passes is not offered). */
  href: string;
}

/** The person's saved views that still pass the queue's checks, by name. */
export async function listSavedViews(deps: Deps, actor: Principal): Promise<SavedView[]> {
  const rows = await repo.listSavedViews(deps.db, actor.userId);
  return rows.flatMap((r) => {
    const q = readViewQuery(r.query);
    if (!q) return [];
    const qs = normaliseQuery(q);
    return [{ id: r.id, name: r.name, href: qs ? `/staff?${qs}` : '/staff' }];
  });
}

/**
 * Saves `query` (checked with the queue's schema, then normalised) under `name` for the actor,
 * audited (`saved_view.created`). VALIDATION_FAILED on `query` when it does not pass; CONFLICT
 * on `view_name` when they already have a view of that name; on `view_name` too when they keep
 * SAVED_VIEWS_MAX already (SAVED_VIEWS_FULL).
 */
export async function saveView(
  deps: Deps,
  actor: Principal,
  name: string,
  query: string,
): Promise<Result<{ id: string }>> {
  const q = readViewQuery(query);
  if (!q) return fail('VALIDATION_FAILED', 'query');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<{ id: string }>> => {
    if (await repo.hasSavedViewNamed(trx, actor.userId, name)) return fail('CONFLICT', 'view_name');
    if ((await repo.countSavedViews(trx, actor.userId)) >= SAVED_VIEWS_MAX) return fail('SAVED_VIEWS_FULL', 'view_name');
    const id = crypto.randomUUID();
    await repo.insertSavedView(trx, { id, user_id: actor.userId, name, query: normaliseQuery(q), created_at: now });
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'saved_view.created',
      caseId: null,
      detail: { view: id },
    });
    return ok({ id });
  });
}

/** Deletes one of the actor's views, audited (`saved_view.deleted`); NOT_FOUND when they have none with that id. */
export async function deleteView(deps: Deps, actor: Principal, id: string): Promise<Result<true>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<true>> => {
    const name = await repo.deleteSavedView(trx, actor.userId, id);
    if (name === null) return fail('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'saved_view.deleted',
      caseId: null,
      detail: { view: id },
    });
    return ok(true);
  });
}
