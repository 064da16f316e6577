import type { Deps } from '../../deps.js';
import * as repo from './case.repo.js';
import { openMessageBody } from './message-body.js';

// What the search module indexes of a case (ADR 37): the texts a person wrote on it — the
// requester's messages, replies, notes — and the contact handle, opened under the case key.
// The cases module opens them, so the search module never reads these tables or their keys.

/** A case's texts for the index; `purged` when its personal data is gone (nothing to index). */
export interface CaseTexts {
  purged: boolean;
  texts: string[];
}

/**
 * The texts of case `caseId`, read with `db` (the indexing transaction), the case held against a
 * purge until it ends; null for an unknown case. Throws SealedError while its key is locked.
 */
export async function caseTextsForIndex(
  deps: Pick<Deps, 'vault' | 'dialect'>,
  db: repo.Db,
  caseId: number,
): Promise<CaseTexts | null> {
  const row = await repo.getCaseRowForIndex(db, caseId, deps.dialect === 'postgres');
  if (!row) return null;
  if (row.purged_at !== null) return { purged: true, texts: [] };
  const key = deps.vault.caseKey(caseId, row.key_wrapped);
  const texts: string[] = [];
  if (row.contact_enc) texts.push(key.open('contact', row.contact_enc));
  for (const m of await repo.listMessageRows(db, caseId, ['requester', 'reply', 'note'])) {
    texts.push(openMessageBody(deps.vault, key, m));
  }
  return { purged: false, texts };
}

/** The cases `caseIds` as the queue lists them, in that order (search results; unknown ids left out). */
export async function searchResultRows(deps: Pick<Deps, 'db'>, caseIds: readonly number[]): Promise<repo.QueueRow[]> {
  const rows = new Map((await repo.queueRowsByIds(deps.db, caseIds)).map((r) => [r.id, r]));
  return caseIds.flatMap((id) => {
    const r = rows.get(id);
    return r ? [r] : [];
  });
}
