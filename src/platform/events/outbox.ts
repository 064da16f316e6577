import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { skipLocked } from '../storage/skip-locked.js';
import { DEFAULT_BACKOFF, type Backoff } from '../jobs/backoff.js';
import { attemptLeased, claimLeased, purgeLeased, type LeasedSpec } from '../jobs/leased.js';
import type { Pace } from '../jobs/pace.js';

// The transactional outbox (ADR 19). A service records an event with `recordEvent` on the
// transaction that makes the change, so the event exists if and only if the change committed.
// A dispatcher then, in any process:
//
// 1. fans out: claims undispatched events (one atomic UPDATE … RETURNING; FOR UPDATE SKIP
//    LOCKED on PostgreSQL) and writes one delivery row per event and interested subscriber;
// 2. delivers: claims due delivery rows the same way, each with a lease, and calls the
//    subscriber. A handled delivery is `done`; a failed one waits with exponential backoff and,
//    after the subscriber's maximum attempts, is `dead` (an administrator sees it on
//    /staff/jobs and may try it again). A worker that dies mid-handle loses the lease and
//    another delivers the event again: delivery is at least once, so handlers are idempotent.
//
// Subscribers see events recorded after a dispatcher that knows them fanned them out; order
// is not guaranteed (retries reorder), so a handler reads the current state it needs.

/**
 * Domain events (the transactional outbox). A service records an event in the same
 * transaction as the change it describes; after commit a dispatcher delivers it to every
 * subscriber, at least once, so handlers are idempotent.
 */
export interface DomainEvent {
  id: string;
  /** `<module>.<what happened>`, e.g. `case.created`. */
  type: string;
  /** Identifiers and codes only: never personal or case text (it is stored in clear). */
  payload: Record<string, unknown>;
  occurredAt: number;
}

/** A handler in one module of events from others; `name` is unique and stable (its delivery records use it). */
export interface EventSubscriber {
  name: string;
  events: readonly string[];
  handle(event: DomainEvent): Promise<void>;
  /** Attempts before a delivery to this subscriber is dead-lettered (default 8). */
  maxAttempts?: number;
}

/** A value an event payload may hold: identifiers and codes, never free text about a person. */
export type PayloadValue = string | number | boolean | null | readonly (string | number)[];

/**
 * What a service records. The payload is stored in clear and kept for days: identifiers
 * (a case id, a message id) and codes (a status, an incident type) only — never a name, a
 * contact, a message, or anything a person wrote.
 */
export interface NewEvent {
  type: string;
  payload: Record<string, PayloadValue>;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/;

/**
 * Records `event` with `db`: pass the transaction that makes the change, so the event commits
 * or rolls back with it. Returns the event's id.
 */
export async function recordEvent(
  db: Kysely<Database>,
  event: NewEvent,
  now: number,
): Promise<string> {
  const { ids, write } = eventWrite(db, now, event);
  await write.execute();
  return ids[0]!;
}

/**
 * The insert `recordEvent` runs, for one event or several, and their ids: to run with other
 * writes (`writeTogether`).
 */
export function eventWrite(db: Kysely<Database>, now: number, ...events: [NewEvent, ...NewEvent[]]) {
  const rows = events.map((event) => {
    if (!EVENT_TYPE.test(event.type))
      throw new Error(`event type "${event.type}" must read <module>.<what happened>`);
    return {
      id: randomUUID(),
      type: event.type,
      payload: JSON.stringify(event.payload),
      occurred_at: now,
      dispatched_at: null,
    };
  });
  return { ids: rows.map((r) => r.id), write: db.insertInto('outbox_events').values(rows) };
}

/** A delivery given up on, for the administrators' page. */
export interface DeadDelivery {
  id: string;
  eventId: string;
  eventType: string;
  subscriber: string;
  attempts: number;
  /** The last failure's error name. */
  lastError: string | null;
  occurredAt: number;
  /** When it was dead-lettered. */
  deadAt: number;
}

/** Dead-lettered deliveries, the most recent first. */
export async function listDeadDeliveries(
  db: Kysely<Database>,
  limit = 200,
): Promise<DeadDelivery[]> {
  const rows = await db
    .selectFrom('event_deliveries as d')
    .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type',
      'd.subscriber',
      'd.attempts',
      'd.last_error',
      'e.occurred_at',
      'd.updated_at',
    ])
    .where('d.state', '=', 'dead')
    .orderBy('d.updated_at', 'desc')
    .orderBy('d.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventType: r.type,
    subscriber: r.subscriber,
    attempts: r.attempts,
    lastError: r.last_error,
    occurredAt: r.occurred_at,
    deadAt: r.updated_at,
  }));
}

/**
 * Puts a dead-lettered delivery back to pending, due at once with its attempts counted from
 * zero. Returns its subscriber and event, or null when there is no such dead delivery
 * (unknown, or already tried again).
 */
export async function retryDeadDelivery(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<{ subscriber: string; eventId: string } | null> {
  const row = await db
    .updateTable('event_deliveries')
    .set({
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: 0,
      locked_by: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .returning(['subscriber', 'event_id'])
    .executeTakeFirst();
  return row ? { subscriber: row.subscriber, eventId: row.event_id } : null;
}

/** How many deliveries wait (due or not yet) and events are not yet fanned out, for the administrators' page. */
export async function countPendingDeliveries(
  db: Kysely<Database>,
): Promise<{ deliveries: number; events: number }> {
  const d = await db
    .selectFrom('event_deliveries')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('state', '=', 'pending')
    .executeTakeFirst();
  const e = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirst();
  return { deliveries: Number(d?.n ?? 0), events: Number(e?.n ?? 0) };
}

/** How a delivery run went: events fanned out and deliveries handled by outcome. */
export interface DispatchReport {
  /** Events given their delivery rows. */
  fannedOut: number;
  delivered: number;
  /** Failed and waiting to be tried again. */
  failed: number;
  /** Dead-lettered in this run. */
  dead: number;
}

export interface DispatcherOptions {
  /** This process's name in `locked_by` (random by default). */
  worker?: string;
  /** How long a claimed delivery is held; a handler must finish well within it. Default 5 minutes. */
  leaseMs?: number;
  /** Events fanned out and deliveries claimed per round. Default 20. */
  batchSize?: number;
  /** Rounds per `runDue` at most, so one tick cannot run for ever. Default 25. */
  maxRounds?: number;
  /** Default attempts before dead-lettering, for subscribers that do not say. Default 8. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** How long delivered events and their deliveries are kept. Default 7 days. */
  keepDoneMs?: number;
  /** How long dead-lettered deliveries stay on the page. Default 90 days. */
  keepDeadMs?: number;
  /** How often `runDue` purges old rows. Default hourly. */
  purgeEveryMs?: number;
  onError?: (subscriber: string, e: unknown) => void;
}

export interface Dispatcher {
  /** How a worker's error reports name it. */
  readonly name: 'events';
  /** One round: fans out a batch of events and handles a batch of due deliveries. */
  runOnce(): Promise<DispatchReport>;
  /**
   * Rounds until nothing is left to do (or `maxRounds`), and the purge when it is time; with
   * `pace`, it breathes between rounds (jobs/pace.ts).
   */
  runDue(pace?: Pace): Promise<DispatchReport>;
  /** Deletes what is past its retention window; returns the rows deleted. */
  purge(): Promise<number>;
}

const DAY = 24 * 60 * 60 * 1000;

/** Where deliveries/tasks wait, for the shared claim (leased.ts). */
const DELIVERIES: LeasedSpec = { table: 'event_deliveries', due: 'next_attempt_at', handler: 'subscriber' };

/** A dispatcher of the outbox's events to `subscribers`; `now` is the clock (tests move it). */
export function createDispatcher(
  deps: { db: Kysely<Database>; dialect: Dialect; now: () => number },
  subscribers: readonly EventSubscriber[],
  opts: DispatcherOptions = {},
): Dispatcher {
  const worker = opts.worker ?? randomUUID();
  const leaseMs = opts.leaseMs ?? 5 * 60 * 1000;
  const batchSize = opts.batchSize ?? 20;
  const maxRounds = opts.maxRounds ?? 25;
  const defaultMax = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const keepDoneMs = opts.keepDoneMs ?? 7 * DAY;
  const keepDeadMs = opts.keepDeadMs ?? 90 * DAY;
  const purgeEveryMs = opts.purgeEveryMs ?? 60 * 60 * 1000;
  const byName = new Map<string, EventSubscriber>();
  for (const s of subscribers) {
    if (byName.has(s.name)) throw new Error(`two event subscribers are named "${s.name}"`);
    byName.set(s.name, s);
  }
  const names = [...byName.keys()];
  let lastPurge = -Infinity;

  /** Claims a batch of undispatched events and writes their delivery rows, in one transaction. */
  async function fanOut(): Promise<number> {
    const now = deps.now();
    return deps.db.transaction().execute(async (trx) => {
      const inner = skipLocked(
        trx
          .selectFrom('outbox_events')
          .select('id')
          .where('dispatched_at', 'is', null)
          .orderBy('occurred_at')
          .limit(batchSize),
        deps.dialect,
      );
      const events = await trx
        .updateTable('outbox_events')
        .set({ dispatched_at: now })
        .where('id', 'in', inner)
        .where('dispatched_at', 'is', null)
        .returning(['id', 'type'])
        .execute();
      const rows = events.flatMap((e) =>
        subscribers
          .filter((s) => s.events.includes(e.type))
          .map((s) => ({
            id: randomUUID(),
            event_id: e.id,
            subscriber: s.name,
            state: 'pending',
            next_attempt_at: now,
            locked_by: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          })),
      );
      if (rows.length) {
        await trx
          .insertInto('event_deliveries')
          .values(rows)
          .onConflict((oc) => oc.columns(['event_id', 'subscriber']).doNothing())
          .execute();
      }
      return events.length;
    });
  }

  const claim = () =>
    claimLeased<{ id: string; event_id: string; subscriber: string; attempts: number }>(deps, DELIVERIES, names, { batchSize, leaseMs, worker, columns: ['id', 'event_id', 'subscriber', 'attempts'] });

  async function deliver(report: DispatchReport): Promise<number> {
    const claimed = await claim();
    if (claimed.length === 0) return 0;
    const events = await deps.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('id', 'in', [...new Set(claimed.map((c) => c.event_id))])
      .execute();
    const eventById = new Map(events.map((e) => [e.id, e]));
    for (const d of claimed) {
      const subscriber = byName.get(d.subscriber)!;
      const row = eventById.get(d.event_id)!;
      const outcome = await attemptLeased(
        deps,
        DELIVERIES,
        worker,
        d,
        { maxAttempts: subscriber.maxAttempts ?? defaultMax, backoff, onError: (e) => opts.onError?.(subscriber.name, e) },
        () =>
          subscriber.handle({
            id: row.id,
            type: row.type,
            payload: JSON.parse(row.payload) as Record<string, unknown>,
            occurredAt: row.occurred_at,
          }),
      );
      report[outcome === 'done' ? 'delivered' : outcome]++;
    }
    return claimed.length;
  }

  async function runOnce(): Promise<DispatchReport> {
    const report: DispatchReport = { fannedOut: 0, delivered: 0, failed: 0, dead: 0 };
    report.fannedOut = await fanOut();
    await deliver(report);
    return report;
  }

  async function purge(): Promise<number> {
    const now = deps.now();
    const n = await purgeLeased(deps, DELIVERIES, { keepDoneMs, keepDeadMs });
    // An event goes once it is fanned out, old, and has no delivery left (pending or dead).
    const res = await deps.db
      .deleteFrom('outbox_events')
      .where('dispatched_at', 'is not', null)
      .where('dispatched_at', '<', now - keepDoneMs)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('event_deliveries')
              .select('id')
              .whereRef('event_deliveries.event_id', '=', 'outbox_events.id'),
          ),
        ),
      )
      .executeTakeFirst();
    return n + Number(res.numDeletedRows);
  }

  return {
    name: 'events',
    runOnce,
    purge,
    async runDue(pace) {
      const total: DispatchReport = { fannedOut: 0, delivered: 0, failed: 0, dead: 0 };
      for (let round = 0; round < maxRounds; round++) {
        const fanned = await fanOut();
        total.fannedOut += fanned;
        const handled = await deliver(total);
        if (fanned === 0 && handled === 0) break;
        // Between rounds every claimed delivery is settled: the place to yield or stop.
        await pace?.breathe();
      }
      if (deps.now() - lastPurge >= purgeEveryMs) {
        lastPurge = deps.now();
        await purge();
      }
      return total;
    },
  };
}
