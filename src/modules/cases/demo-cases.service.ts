import type { CaseStatus, ContactMethod, MessageKind, Urgency } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { newReceipt, normalizeReceipt } from '../../platform/crypto/receipt.js';
import { CaseKey, randomBytes } from '../../platform/crypto/vault.js';
import * as repo from './demo-cases.repo.js';
import { purgedReceiptHash, SHREDDED_KEY } from './purge.repo.js';
import { purgeRuleLabel, type RetentionRuleRef } from './purge.service.js';
import { contactHash } from './link.service.js';

// Writes demo cases (the demo module's synthetic year) in bulk, with exactly the shape of real
// cases: a wrapped per-case key, a receipt hash, encrypted contact and messages, a creation
// audit entry marked as demo data. The cases arrive as they stand at the end of their history,
// so the handler workspace opens them like any other. Streams in batched transactions: memory
// stays flat whether there are 200 cases or a million. Submitting, replying and noting one
// call at a time would take hours for the benchmark's 100,000 cases; this is the only way into
// the cases tables that bypasses those functions.

/** One message of a demo case. */
export interface DemoMessageRecord {
  kind: MessageKind;
  /** Written by the load's handler (replies and notes); otherwise by the requester. */
  byHandler: boolean;
  at: number;
  text: string;
}

/** A demo case as it stands at the end of its history: every column it would have by then. */
export interface DemoCaseRecord {
  urgency: Urgency;
  incidentType: string | null;
  severity: string | null;
  country: string | null;
  region: string | null;
  language: string;
  beneficiary: string | null;
  mandate: 'pending' | 'in_mandate' | 'out_of_mandate';
  contactMethod: ContactMethod;
  contact: string | null;
  status: CaseStatus;
  /** Assigned to the load's handler. */
  assigned: boolean;
  awaitingReply: boolean;
  createdAt: number;
  updatedAt: number;
  firstResponseDueAt: number;
  firstResponseAt: number | null;
  lastActivityAt: number;
  closedAt: number | null;
  version: number;
  messages: readonly DemoMessageRecord[];
  /**
   * Already emptied by a retention rule (when, and under which rule): written as its purge
   * left it (purgeCasePersonalData), its messages and contact absent, with its `case.purged`
   * audit entry, so the first retention run has nothing left to do for it.
   */
  purged?: { at: number; rule: RetentionRuleRef } | null;
}

export interface DemoLoadOptions {
  /** The staff account that wrote the handler messages and holds assigned cases; null for nobody. */
  handlerId: string | null;
  /** Recorded in every case's creation audit entry, beside the demo marker. */
  seed: string;
  /** Cases per transaction. */
  batchSize: number;
  /** Called for every case once its id and receipt are known, before its batch commits. */
  onCase?: (c: DemoCaseRecord, caseId: number, receipt: string) => void;
  /** Called after every batch has been handed to the database. */
  onBatch?: () => void;
}

/**
 * Time-ordered UUIDs (version 7: milliseconds, a counter, then random bits) for demo message
 * ids. Random version-4 ids, as single requests use, scatter a million-case load over every
 * page of the messages primary key, so each batch rewrites most of the index (measured: over
 * 50 KB written per case and falling throughput); ordered ids append to its end. Same shape:
 * a 36-character UUID the rest of Haven treats as opaque.
 */
export function uuidV7Generator(): () => string {
  let lastMs = 0;
  let counter = 0;
  return () => {
    let ms = Date.now();
    if (ms <= lastMs) {
      counter++;
      if (counter > 0xfff) {
        // 4,096 ids in one millisecond: borrow the next one, keeping the order.
        lastMs++;
        counter = 0;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      counter = 0;
    }
    const b = randomBytes(16);
    b.writeUIntBE(ms, 0, 6);
    b[6] = 0x70 | (counter >> 8);
    b[7] = counter & 0xff;
    b[8] = 0x80 | (b[8]! & 0x3f);
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

/** Cases that were not written by insertDemoCases (real requests, or rows of unknown origin). */
export const countNonDemoCases = (deps: Deps): Promise<number> => repo.countNonDemoCases(deps.db);

/**
 * Writes `cases` in order, `batchSize` per transaction, then refreshes the planner's
 * statistics. On PostgreSQL the next batch is encrypted while the previous one commits;
 * SQLite runs in this process, so there is nothing to overlap and ids are reserved inside
 * the write.
 */
export async function insertDemoCases(
  deps: Deps,
  cases: Iterable<DemoCaseRecord>,
  opts: DemoLoadOptions,
): Promise<void> {
  const batchSize = Math.max(1, opts.batchSize);
  const auditDetail = JSON.stringify({ source: 'demo', seed: opts.seed });
  const handlerId = opts.handlerId;
  const messageId = uuidV7Generator();

  /** Everything a batch writes, computed once its case ids are known. */
  const buildRows = async (
    plans: readonly DemoCaseRecord[],
    ids: readonly number[],
    yieldEvery: number,
  ) => {
    const caseRows: repo.Row[] = [];
    const messageRows: repo.Row[] = [];
    const auditRows: repo.Row[] = [];
    for (let i = 0; i < plans.length; i++) {
      // Encryption is synchronous; letting the event loop in now and then keeps the previous
      // batch's statements flowing to PostgreSQL meanwhile.
      if (i > 0 && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      const p = plans[i]!;
      const id = ids[i]!;
      const { raw, wrapped } = deps.vault.newCaseKey();
      const key = new CaseKey(raw, id);
      const receipt = newReceipt();
      const purgedBy = p.purged ? purgeRuleLabel({ kind: 'retention', rule: p.purged.rule }) : null;
      caseRows.push([
        id,
        purgedBy ? purgedReceiptHash(id) : deps.vault.keyedHash('receipt', normalizeReceipt(receipt)!),
        purgedBy ? SHREDDED_KEY : wrapped,
        p.status,
        p.urgency,
        p.incidentType,
        p.severity,
        p.country,
        p.region,
        p.language,
        p.beneficiary,
        p.mandate,
        p.contactMethod,
        p.contact && !purgedBy ? key.seal('contact', p.contact) : null,
        // Its handle's keyed hash, as a request saved through the form has (duplicates, ADR 38).
        purgedBy ? null : contactHash(deps, p.contact),
        p.assigned ? handlerId : null,
        purgedBy ? 0 : p.awaitingReply ? 1 : 0,
        p.createdAt,
        purgedBy ? Math.max(p.updatedAt, p.purged!.at) : p.updatedAt,
        p.firstResponseDueAt,
        p.firstResponseAt,
        p.lastActivityAt,
        p.closedAt,
        p.version,
        purgedBy ? p.purged!.at : null,
        purgedBy,
      ]);
      for (const m of p.messages) {
        const mid = messageId();
        messageRows.push([
          mid,
          id,
          m.kind,
          m.byHandler ? handlerId : null,
          key.seal(`message:${mid}`, m.text),
          m.at,
        ]);
      }
      auditRows.push([p.createdAt, 'system', null, 'case.created', id, auditDetail]);
      if (purgedBy) {
        const detail = JSON.stringify({ reason: 'retention', rule: purgedBy });
        auditRows.push([p.purged!.at, 'system', null, 'case.purged', id, detail]);
      }
      raw.fill(0);
      opts.onCase?.(p, id, receipt);
    }
    return { caseRows, messageRows, auditRows };
  };

  const insert = async (
    db: repo.Db,
    rows: Awaited<ReturnType<typeof buildRows>>,
    keyId: number,
  ): Promise<void> => {
    // The case keys were wrapped to `keyId`: it must still be the active key now, in the
    // transaction that stores them, or a rotation could retire it under them (ADR 21).
    await deps.vault.refresh(db);
    if (deps.vault.activeKeyId !== keyId) throw new Error('the content key was rotated while demo cases were loading: load them again');
    await repo.insertRows(db, deps.dialect, 'cases', repo.CASE_COLUMNS, rows.caseRows);
    await repo.insertRows(db, deps.dialect, 'messages', repo.MESSAGE_COLUMNS, rows.messageRows);
    await repo.insertRows(db, deps.dialect, 'audit_log', repo.AUDIT_COLUMNS, rows.auditRows);
  };

  const source = cases[Symbol.iterator]();
  let pending: Promise<void> | null = null;
  await repo.withBulkLoadCache(deps.db, deps.dialect, async () => {
    for (;;) {
      const plans: DemoCaseRecord[] = [];
      for (let i = 0; i < batchSize; i++) {
        const next = source.next();
        if (next.done) break;
        plans.push(next.value);
      }
      if (plans.length === 0) break;

      if (deps.dialect === 'postgres') {
        const ids = await repo.reserveCaseIds(deps.db, 'postgres', plans.length);
        await deps.vault.refresh(deps.db);
        const keyId = deps.vault.activeKeyId;
        const rows = await buildRows(plans, ids, 50);
        await pending;
        pending = deps.db.transaction().execute((trx) => insert(trx, rows, keyId));
        // Awaited before the next batch; this only keeps a failure from going unobserved meanwhile.
        pending.catch(() => undefined);
      } else {
        await deps.db.transaction().execute(async (trx) => {
          const ids = await repo.reserveCaseIds(trx, 'sqlite', plans.length);
          await deps.vault.refresh(trx);
          const keyId = deps.vault.activeKeyId;
          await insert(trx, await buildRows(plans, ids, Infinity), keyId);
        });
      }
      opts.onBatch?.();
    }
    await pending;
  });
  await repo.refreshStatistics(deps.db, deps.dialect);
}
