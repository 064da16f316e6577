import type { ContactMethod, SpamReason, Urgency } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { auditWrite, recordAudit } from '../../platform/audit/audit.js';
import { newReceipt, normalizeReceipt } from '../../platform/crypto/receipt.js';
import { eventWrite, recordEvent } from '../../platform/events/outbox.js';
import { CaseKey } from '../../platform/crypto/vault.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { inTransaction, isUniqueViolation, writeTogether, type Write } from '../../platform/storage/db.js';
import { messageId as newMessageId } from './case.js';
import * as repo from './case.repo.js';
import { messageField, openMessageBody, sealMessageToKey } from './message-body.js';
import { cachedTerm } from '../taxonomies/index.js';

/** Size limits on what a requester can write, in characters. */
export const LIMITS = { descriptionMax: 20_000, messageMax: 20_000, contactMax: 200 } as const;

export interface NewRequestInput {
  description: string;
  urgency: Urgency;
  country: string | null;
  language: string;
  contactMethod: ContactMethod;
  contact: string | null;
  beneficiary: string | null;
}

function receiptHash(deps: Deps, canonical: string): string {
  return deps.vault.keyedHash('receipt', canonical);
}

/**
 * Saves a new request as a case, in one transaction: the case with its own data key, the
 * encrypted contact and first message, and the audit entry. Returns the receipt code, which
 * exists nowhere else: only its keyed hash is stored. With `suspectedSpam`, the case is saved
 * all the same but flagged, so it waits in the suspected-spam queue instead of the main one.
 * When `deps.db` is already a transaction (intake spends the form token in it), the case joins
 * it and commits with the rest.
 */
export async function submitRequest(
  deps: Deps,
  input: NewRequestInput,
  opts: { suspectedSpam?: SpamReason | null } = {},
): Promise<{ caseId: number; receipt: string }> {
  const now = deps.now();
  // The country's region, from the public forms' copy of the countries (at most a second old,
  // the copy the form's codes were checked against).
  const region = input.country
    ? ((await cachedTerm(deps, 'country', input.country))?.parent ?? null)
    : null;
  for (let attempt = 0; ; attempt++) {
    const receipt = newReceipt();
    try {
      const caseId = await inTransaction(deps.db, async (trx) => {
        // Wrapped in the transaction that stores it, to the key the database says is active:
        // another process may have rotated it (ADR 21).
        await deps.vault.refresh(trx);
        const { raw, wrapped } = deps.vault.newCaseKey();
        const id = await repo.insertCase(trx, {
          receipt_hash: receiptHash(deps, normalizeReceipt(receipt)!),
          key_wrapped: wrapped,
          status: 'new',
          urgency: input.urgency,
          country: input.country,
          region,
          language: input.language,
          beneficiary: input.beneficiary,
          contact_method: input.contactMethod,
          created_at: now,
          first_response_due_at: now + deps.config.firstResponseMinutes * 60_000,
          ...(opts.suspectedSpam ? { suspected_spam: 1, spam_reason: opts.suspectedSpam } : {}),
        });
        // The raw key, not an unwrap: a sealed instance can wrap but not unwrap (ADR 10).
        const key = new CaseKey(raw, id);
        const messageId = newMessageId(now);
        // The rest depends only on the case's id: one statement on PostgreSQL.
        const writes: Write[] = [];
        if (input.contact) writes.push(repo.contactWrite(trx, id, key.seal('contact', input.contact)));
        writes.push(
          repo.messageWrite(trx, {
            id: messageId,
            case_id: id,
            kind: 'requester',
            author_id: null,
            body_enc: key.seal(messageField(messageId), input.description),
            created_at: now,
          }),
          // Both entries in one insert, in this order (the parts of one statement run in no
          // set order).
          auditWrite(
            trx,
            now,
            { actorKind: 'requester', actorId: null, action: 'case.created', caseId: id },
            ...(opts.suspectedSpam
              ? [
                  {
                    actorKind: 'system' as const,
                    actorId: null,
                    action: 'case.flagged_spam',
                    caseId: id,
                    detail: { reason: opts.suspectedSpam },
                  },
                ]
              : []),
          ),
          eventWrite(
            trx,
            { type: 'case.created', payload: { caseId: id, urgency: input.urgency, spamReason: opts.suspectedSpam ?? null } },
            now,
          ).write,
        );
        await writeTogether(trx, deps.dialect, writes);
        return id;
      });
      return { caseId, receipt };
    } catch (e) {
      // A receipt collision (2^-100 per pair) would be a unique violation: draw again. Inside
      // a caller's transaction the failed statement has spoilt it: the caller's retry draws again.
      if (attempt < 3 && !deps.db.isTransaction && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

/**
 * The case behind a receipt, or null. Malformed input is hashed and looked up like any other,
 * so every wrong receipt costs the same work.
 */
export async function caseIdForReceipt(deps: Deps, receipt: string): Promise<number | null> {
  const canonical = normalizeReceipt(receipt.slice(0, 100));
  const hash = receiptHash(deps, canonical ?? `invalid\0${receipt.slice(0, 100)}`);
  const id = await repo.findCaseIdByReceiptHash(deps.db, hash);
  return canonical ? id : null;
}

export interface RequesterMessage {
  kind: 'requester' | 'reply';
  body: string;
  createdAt: number;
}

/** What the requester may read of their case: its status and the conversation, never notes. */
export async function requesterView(
  deps: Deps,
  caseId: number,
): Promise<{ status: string; createdAt: number; messages: RequesterMessage[]; locked: boolean }> {
  const row = await repo.getCaseRow(deps.db, caseId);
  if (!row) throw new Error('case not found');
  // A case marked as spam reads as received: nobody is told they were taken for a robot.
  const status = row.status === 'spam' ? 'new' : row.status;
  // A purged case has no key and no messages (its follow-up sessions end with the purge).
  if (row.purged_at !== null) return { status, createdAt: row.created_at, messages: [], locked: false };
  // A rotation started by another process seals this one until it is unsealed again (ADR 21).
  await deps.vault.refresh(deps.db);
  // Sealed (ADR 10): nothing can be decrypted, but the person may still write (see below).
  const locked = deps.vault.sealed;
  const key = locked ? null : deps.vault.caseKey(caseId, row.key_wrapped);
  const rows = key ? await repo.listMessageRows(deps.db, caseId, ['requester', 'reply']) : [];
  await recordAudit(deps.db, deps.now(), {
    actorKind: 'requester',
    actorId: null,
    action: 'case.viewed',
    caseId,
    ...(locked ? { detail: { sealed: true } } : {}),
  });
  return {
    status,
    createdAt: row.created_at,
    locked,
    messages: rows.map((m) => ({
      kind: m.kind as 'requester' | 'reply',
      body: openMessageBody(deps.vault, key!, m),
      createdAt: m.created_at,
    })),
  };
}

const REOPENING = new Set(['waiting', 'resolved', 'closed']);

/**
 * Adds a requester's message; a waiting, resolved or closed case opens again. While the
 * instance is sealed the case key cannot be unwrapped, so the message is sealed to the active
 * content public key instead and moves under the case key after the next unseal: a person in
 * an emergency can always write, and nothing they write waits in plaintext.
 *
 * With `once`, the form's one-time token (its keyed hash) is spent in the same transaction:
 * a resend of a form whose message was saved (a double click, a retry after the answer was
 * lost) adds nothing and returns 'already_added'; a form whose message was not saved can
 * always be sent again.
 */
export async function addRequesterMessage(
  deps: Deps,
  caseId: number,
  body: string,
  opts: { once?: OneTimeToken } = {},
): Promise<'added' | 'already_added'> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    if (opts.once && !(await spendToken(trx, opts.once))) return 'already_added';
    const row = await repo.getCaseRow(trx, caseId);
    if (!row) throw new Error('case not found');
    // Sealed to the key the database says is active, never to one a rotation retires (ADR 21).
    await deps.vault.refresh(trx);
    const id = newMessageId(now);
    let sealed: { body_enc: Buffer; sealed_to_key: number | null };
    if (deps.vault.sealed) {
      const s = sealMessageToKey(deps.vault, caseId, id, body);
      sealed = { body_enc: s.sealed, sealed_to_key: s.keyId };
    } else {
      const key = deps.vault.caseKey(caseId, row.key_wrapped);
      sealed = { body_enc: key.seal(messageField(id), body), sealed_to_key: null };
    }
    await repo.insertMessage(trx, {
      id,
      case_id: caseId,
      kind: 'requester',
      author_id: null,
      ...sealed,
      created_at: now,
    });
    const reopen = REOPENING.has(row.status);
    await repo.markRequesterActivity(trx, caseId, now, reopen);
    await recordAudit(trx, now, {
      actorKind: 'requester',
      actorId: null,
      action: 'case.message_added',
      caseId,
    });
    await recordEvent(trx, { type: 'case.message_received', payload: { caseId, messageId: id } }, now);
    if (reopen)
      await recordEvent(trx, { type: 'case.status_changed', payload: { caseId, from: row.status, to: 'open' } }, now);
    // Someone who writes again after their request was marked as spam may be a person after
    // all: it comes back as new, still in the suspected-spam queue, for someone to look again
    // before retention deletes it.
    if (row.status === 'spam') {
      await repo.updateCaseIfVersion(trx, caseId, undefined, { status: 'new', closed_at: null });
      await recordAudit(trx, now, {
        actorKind: 'requester',
        actorId: null,
        action: 'case.status_changed',
        caseId,
        detail: { from: 'spam', to: 'new' },
      });
      await recordEvent(trx, { type: 'case.status_changed', payload: { caseId, from: 'spam', to: 'new' } }, now);
    }
    return 'added';
  });
}
