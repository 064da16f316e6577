import type { ContactMethod, SpamReason, Urgency } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { auditWrite, recordAudit, type AuditEntry } from '../../platform/audit/audit.js';
import { newReceipt, normalizeReceipt } from '../../platform/crypto/receipt.js';
import { eventWrite, recordEvent } from '../../platform/events/outbox.js';
import { CaseKey } from '../../platform/crypto/vault.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { inTransaction, isUniqueViolation, writeTogether, type Write } from '../../platform/storage/db.js';
import { messageId as newMessageId } from './case.js';
import * as repo from './case.repo.js';
import { messageField, openMessageBody, sealMessageToKey } from './message-body.js';
import { contactHash, receiptCase } from './link.service.js';
import { attachmentsByMessage, attachStaged, type AttachmentSummary, type StagedAttachment } from './attachment.service.js';
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

/** A request to save as a case, and why it is suspected spam, if it is. */
export interface RequestToSave {
  input: NewRequestInput;
  suspectedSpam?: SpamReason | null;
  /** Files streamed in with the request (ADR 26), attached to its first message in its transaction. */
  attachments?: readonly StagedAttachment[];
}

/**
 * Saves a new request as a case, in one transaction: the case with its own data key, the
 * encrypted contact and first message, and the audit entry. Returns the receipt code, which
 * exists nowhere else: only its keyed hash is stored. With `suspectedSpam`, the case is saved
 * all the same but flagged, so it waits in the suspected-spam queue instead of the main one.
 * When `deps.db` is already a transaction, the case joins it and commits with the rest.
 */
export async function submitRequest(
  deps: Deps,
  input: NewRequestInput,
  opts: { suspectedSpam?: SpamReason | null } = {},
): Promise<{ caseId: number; receipt: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const [saved] = await submitRequests(deps, [{ input, suspectedSpam: opts.suspectedSpam }]);
      return saved!;
    } catch (e) {
      // A receipt collision (2^-100 per pair) would be a unique violation: draw again. Inside
      // a caller's transaction the failed statement has spoilt it: the caller's retry draws again.
      if (attempt < 3 && !deps.db.isTransaction && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

/**
 * Saves several requests as cases, as `submitRequest` saves one, with a few statements for
 * all of them (intake's group commit, ADR 22): one insert of the cases, then one of their
 * messages, one of their audit entries and one of their events (a single statement on
 * PostgreSQL). Returns each one's case and receipt, in order. All or nothing: in `deps.db`'s
 * transaction when it is one, else in a new one.
 */
export async function submitRequests(
  deps: Deps,
  requests: readonly RequestToSave[],
): Promise<{ caseId: number; receipt: string }[]> {
  if (requests.length === 0) return [];
  const now = deps.now();
  // Each country's region, from the public forms' copy of the countries (at most a second
  // old, the copy the forms' codes were checked against).
  const regions: (string | null)[] = [];
  for (const { input } of requests)
    regions.push(input.country ? ((await cachedTerm(deps, 'country', input.country))?.parent ?? null) : null);
  return inTransaction(deps.db, async (trx) => {
    // Wrapped in the transaction that stores them, to the key the database says is active:
    // another process may have rotated it (ADR 21).
    await deps.vault.refresh(trx);
    const drafts = requests.map(({ input, suspectedSpam }, i) => {
      const receipt = newReceipt();
      return {
        input,
        suspectedSpam: suspectedSpam ?? null,
        receipt,
        receiptHash: receiptHash(deps, normalizeReceipt(receipt)!),
        caseKey: deps.vault.newCaseKey(),
        region: regions[i]!,
      };
    });
    const inserted = await repo.insertCases(
      trx,
      drafts.map((d) => ({
        receipt_hash: d.receiptHash,
        key_wrapped: d.caseKey.wrapped,
        status: 'new',
        urgency: d.input.urgency,
        country: d.input.country,
        region: d.region,
        language: d.input.language,
        beneficiary: d.input.beneficiary,
        contact_method: d.input.contactMethod,
        created_at: now,
        first_response_due_at: now + deps.config.firstResponseMinutes * 60_000,
        ...(d.suspectedSpam ? { suspected_spam: 1, spam_reason: d.suspectedSpam } : {}),
      })),
    );
    const idOf = new Map(inserted.map((r) => [r.receipt_hash, r.id]));
    const saved = drafts.map((d) => {
      const id = idOf.get(d.receiptHash);
      if (id === undefined) throw new Error('a new case was not returned by its insert');
      // The raw key, not an unwrap: a sealed instance can wrap but not unwrap (ADR 10).
      return { ...d, id, key: new CaseKey(d.caseKey.raw, id), messageId: newMessageId(now) };
    });
    // The rest depends only on the cases' ids: one statement on PostgreSQL.
    const writes: Write[] = [];
    for (const c of saved)
      if (c.input.contact)
        writes.push(repo.contactWrite(trx, c.id, c.key.seal('contact', c.input.contact), contactHash(deps, c.input.contact)));
    const [first, ...rest] = saved.map((c) => ({
      id: c.messageId,
      case_id: c.id,
      kind: 'requester',
      author_id: null,
      body_enc: c.key.seal(messageField(c.messageId), c.input.description),
      created_at: now,
    }));
    // Each case's entries in order, case after case, in one insert (the parts of one
    // statement run in no set order).
    const [created, ...audits] = saved.flatMap((c): AuditEntry[] => [
      { actorKind: 'requester', actorId: null, action: 'case.created', caseId: c.id },
      ...(c.suspectedSpam
        ? [
            {
              actorKind: 'system' as const,
              actorId: null,
              action: 'case.flagged_spam',
              caseId: c.id,
              detail: { reason: c.suspectedSpam },
            },
          ]
        : []),
    ]);
    const [event, ...events] = saved.map((c) => ({
      type: 'case.created',
      payload: { caseId: c.id, urgency: c.input.urgency, spamReason: c.suspectedSpam },
    }));
    writes.push(
      repo.messageWrite(trx, first!, ...rest),
      auditWrite(trx, now, created!, ...audits),
      eventWrite(trx, now, event!, ...events).write,
    );
    await writeTogether(trx, deps.dialect, writes);
    // Files sent with a request join its first message, in this same transaction (ADR 26).
    for (const [i, c] of saved.entries()) {
      const files = requests[i]!.attachments ?? [];
      if (files.length > 0) await attachStaged(trx, deps.vault, { caseId: c.id, messageId: c.messageId, key: c.key }, files);
    }
    return saved.map((c) => ({ caseId: c.id, receipt: c.receipt }));
  });
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
  /** The files sent with it (ADR 26): names to show isolated, ids to download. */
  attachments: AttachmentSummary[];
}

/**
 * What the requester may read of their case: its status and the conversation, never notes. A
 * receipt whose case was merged into another (ADR 38) reads that case's status and, of its
 * conversation, only the messages of this receipt: what its requester wrote, before and after the
 * merge, and the replies written to them. What another receipt's requester wrote, or was told, on
 * the case merged into is never shown.
 */
export async function requesterView(
  deps: Deps,
  caseId: number,
): Promise<{ status: string; createdAt: number; messages: RequesterMessage[]; locked: boolean }> {
  const own = await repo.getCaseRow(deps.db, caseId);
  const target = await receiptCase(deps.db, caseId);
  if (!own || !target) throw new Error('case not found');
  const row = target.caseId === caseId ? own : (await repo.getCaseRow(deps.db, target.caseId))!;
  // A case marked as spam reads as received: nobody is told they were taken for a robot.
  const status = row.status === 'spam' ? 'new' : row.status;
  // A purged case has no key and no messages (its follow-up sessions end with the purge).
  if (row.purged_at !== null) return { status, createdAt: own.created_at, messages: [], locked: false };
  // A rotation started by another process seals this one until it is unsealed again (ADR 21).
  await deps.vault.refresh(deps.db);
  // Sealed (ADR 10): nothing can be decrypted, but the person may still write (see below).
  const locked = deps.vault.sealed;
  const key = locked ? null : deps.vault.caseKey(row.id, row.key_wrapped);
  const rows = key
    ? (await repo.listMessageRows(deps.db, row.id, ['requester', 'reply'])).filter((m) => m.via_case_id === target.via)
    : [];
  const files = key ? await attachmentsByMessage(deps, key, ['requester', 'reply']) : new Map<string, AttachmentSummary[]>();
  await recordAudit(deps.db, deps.now(), {
    actorKind: 'requester',
    actorId: null,
    action: 'case.viewed',
    caseId: row.id,
    ...(locked ? { detail: { sealed: true } } : target.via !== null ? { detail: { via: target.via } } : {}),
  });
  return {
    status,
    createdAt: own.created_at,
    locked,
    messages: rows.map((m) => ({
      kind: m.kind as 'requester' | 'reply',
      body: openMessageBody(deps.vault, key!, m),
      createdAt: m.created_at,
      attachments: files.get(m.id) ?? [],
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
  opts: { once?: OneTimeToken; attachments?: readonly StagedAttachment[] } = {},
): Promise<'added' | 'already_added'> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    if (opts.once && !(await spendToken(trx, opts.once))) return 'already_added';
    // A receipt whose case was merged writes to the case merged into, as this receipt's (ADR 38).
    const target = await receiptCase(trx, caseId);
    if (!target) throw new Error('case not found');
    const via = target.via;
    caseId = target.caseId;
    const row = await repo.getCaseRow(trx, caseId);
    if (!row) throw new Error('case not found');
    // Sealed to the key the database says is active, never to one a rotation retires (ADR 21).
    await deps.vault.refresh(trx);
    const id = newMessageId(now);
    let sealed: { body_enc: Buffer; sealed_to_key: number | null };
    let key: CaseKey | null = null;
    if (deps.vault.sealed) {
      const s = sealMessageToKey(deps.vault, caseId, id, body);
      sealed = { body_enc: s.sealed, sealed_to_key: s.keyId };
    } else {
      key = deps.vault.caseKey(caseId, row.key_wrapped);
      sealed = { body_enc: key.seal(messageField(id), body), sealed_to_key: null };
    }
    await repo.insertMessage(trx, {
      id,
      case_id: caseId,
      kind: 'requester',
      author_id: null,
      ...sealed,
      created_at: now,
      via_case_id: via,
    });
    // Files sent with the message join it here, in its transaction (ADR 26).
    if (opts.attachments?.length) await attachStaged(trx, deps.vault, { caseId, messageId: id, key }, opts.attachments);
    const reopen = REOPENING.has(row.status);
    await repo.markRequesterActivity(trx, caseId, now, reopen);
    await recordAudit(trx, now, {
      actorKind: 'requester',
      actorId: null,
      action: 'case.message_added',
      caseId,
      ...(via !== null ? { detail: { via } } : {}),
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
