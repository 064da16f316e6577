import type { Deps } from '../../deps.js';
import type { CaseKey, Vault } from '../../platform/crypto/vault.js';
import { inTransaction } from '../../platform/storage/db.js';
import * as repo from './case.repo.js';
import { moveSealedAttachmentKeys } from './attachment.service.js';

// A message body is sealed under its case's data key, except one a requester wrote while the
// instance was sealed (ADR 10): the case key could not be unwrapped then, so the body was
// sealed to the active content public key and `sealed_to_key` names that key. After an
// unseal such bodies move under their case keys; until then readers open either form here.

/** The associated context of a message body; the same string under either key. */
export const messageField = (messageId: string) => `message:${messageId}`;

function keyContext(caseId: number, messageId: string): string {
  return `case:${caseId}:${messageField(messageId)}`;
}

/** Seals a requester's message while the case key cannot be unwrapped: to the active content key. */
export function sealMessageToKey(vault: Vault, caseId: number, messageId: string, body: string) {
  return vault.sealToKey(keyContext(caseId, messageId), body);
}

/** Opens a message body in whichever form it is stored. */
export function openMessageBody(
  vault: Vault,
  key: CaseKey,
  m: { id: string; body_enc: Buffer; sealed_to_key: number | null },
): string {
  if (m.sealed_to_key !== null) return vault.openToKey(keyContext(key.caseId, m.id), m.body_enc);
  return key.open(messageField(m.id), m.body_enc);
}

/**
 * A message body sealed again under another case's key (a merge, ADR 38): opened in whichever
 * form it is stored under case `from`, sealed under `to`. The text exists only in memory here.
 */
export function resealMessageBody(
  vault: Vault,
  from: CaseKey,
  to: CaseKey,
  m: { id: string; body_enc: Buffer; sealed_to_key: number | null },
): Buffer {
  return to.seal(messageField(m.id), openMessageBody(vault, from, m));
}

/**
 * Moves every message body still sealed to a content key under its case key, in batches of
 * short transactions (the app keeps serving). Needs the vault unsealed; runs after every
 * unseal and before a rotation retires a key, so no body is left sealed to a destroyed key.
 * A body already moved (or shredded) meanwhile is skipped. Returns how many moved.
 * Given a transaction, it runs inside it.
 */
export async function moveSealedMessages(deps: Pick<Deps, 'db' | 'vault'>, batchSize = 200): Promise<number> {
  let after = '';
  let moved = 0;
  for (;;) {
    const page = await repo.sealedToKeyPage(deps.db, after, batchSize);
    if (page.length === 0) {
      // The keys of files sent with those messages move too (ADR 26); the count is the messages'.
      await moveSealedAttachmentKeys(deps, batchSize);
      return moved;
    }
    after = page.at(-1)!.id;
    const changes: { id: string; keyId: number; body: Buffer }[] = [];
    for (const m of page) {
      // A purged case keeps no messages; a leftover row here has no key to move under.
      if (m.purged_at !== null || m.sealed_to_key === null) continue;
      const key = deps.vault.caseKey(m.case_id, m.key_wrapped);
      const text = deps.vault.openToKey(keyContext(m.case_id, m.id), m.body_enc);
      changes.push({ id: m.id, keyId: m.sealed_to_key, body: key.seal(messageField(m.id), text) });
    }
    if (changes.length === 0) continue;
    const apply = async (db: repo.Db) => {
      for (const c of changes) if (await repo.moveUnderCaseKey(db, c.id, c.keyId, c.body)) moved += 1;
    };
    // Inside a caller's transaction (leaving sealed mode), batches join it; otherwise each is its own.
    await inTransaction(deps.db, apply);
  }
}
