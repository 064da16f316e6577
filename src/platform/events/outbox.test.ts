import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Storage } from '../storage/db.js';
import { LEASE_EXPIRED } from '../jobs/backoff.js';
import {
  createDispatcher,
  listDeadDeliveries,
  recordEvent,
  retryDeadDelivery,
  type DomainEvent,
  type EventSubscriber,
} from './outbox.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A clock that moves only when told. */
function clock(start = T0) {
  let ms = start;
  return { now: () => ms, advance: (d: number) => void (ms += d) };
}

/** A subscriber that remembers what it was given. */
function recorder(name: string, events: string[]) {
  const seen: DomainEvent[] = [];
  const sub: EventSubscriber = {
    name,
    events,
    handle: async (e) => {
      // Let racing dispatchers interleave between the claim and the settle.
      await new Promise((r) => setImmediate(r));
      seen.push(e);
    },
  };
  return { sub, seen };
}

class Flaky extends Error {
  override name = 'FlakyError';
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the outbox on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    const deps = (now: () => number) => ({ db: storage.db, dialect: storage.dialect, now });

    beforeAll(async () => {
      const created = await engine.createMigrated();
      storage = created.storage;
      dispose = created.dispose;
    });
    afterAll(async () => dispose?.());
    beforeEach(async () => {
      await storage.db.deleteFrom('event_deliveries').execute();
      await storage.db.deleteFrom('outbox_events').execute();
    });

    it('delivers an event recorded in a committed transaction, never one rolled back', async () => {
      const c = clock();
      await expect(
        storage.db.transaction().execute(async (trx) => {
          await recordEvent(trx, { type: 'case.created', payload: { caseId: 1 } }, c.now());
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      const committed = await storage.db
        .transaction()
        .execute((trx) =>
          recordEvent(
            trx,
            { type: 'case.created', payload: { caseId: 2, status: 'new' } },
            c.now(),
          ),
        );

      const { sub, seen } = recorder('test.rollback', ['case.created']);
      const report = await createDispatcher(deps(c.now), [sub]).runDue();
      expect(report).toMatchObject({ fannedOut: 1, delivered: 1, failed: 0, dead: 0 });
      expect(seen).toEqual([
        {
          id: committed,
          type: 'case.created',
          payload: { caseId: 2, status: 'new' },
          occurredAt: T0,
        },
      ]);
      // Nothing more to do.
      expect(await createDispatcher(deps(c.now), [sub]).runDue()).toMatchObject({
        fannedOut: 0,
        delivered: 0,
      });
    });

    it('delivers each event once to each interested subscriber with four dispatchers racing', async () => {
      const c = clock();
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(
          await recordEvent(
            storage.db,
            { type: i % 3 === 0 ? 'case.replied' : 'case.created', payload: { caseId: i } },
            c.now(),
          ),
        );
      }
      const a = recorder('test.a', ['case.created', 'case.replied']);
      const b = recorder('test.b', ['case.created']);
      const none = recorder('test.none', ['case.closed']);
      const subs = [a.sub, b.sub, none.sub];
      const dispatchers = ['w1', 'w2', 'w3', 'w4'].map((worker) =>
        createDispatcher(deps(c.now), subs, { worker, batchSize: 4 }),
      );
      const reports = await Promise.all(dispatchers.map((d) => d.runDue()));

      expect(reports.reduce((n, r) => n + r.fannedOut, 0)).toBe(30);
      expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(30 + 20);
      expect(a.seen.map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(b.seen.map((e) => e.id).sort()).toEqual(ids.filter((_, i) => i % 3 !== 0).sort());
      expect(none.seen).toEqual([]);
      const states = await storage.db
        .selectFrom('event_deliveries')
        .select(['state', 'attempts'])
        .execute();
      expect(states).toHaveLength(50);
      expect(states.every((s) => s.state === 'done' && s.attempts === 1)).toBe(true);
    });

    it('retries a failing handler with growing delays, then dead-letters it by error name only', async () => {
      const c = clock();
      const event = await recordEvent(
        storage.db,
        { type: 'case.assigned', payload: { caseId: 7 } },
        c.now(),
      );
      let calls = 0;
      let failing = true;
      const sub: EventSubscriber = {
        name: 'test.flaky',
        events: ['case.assigned'],
        maxAttempts: 4,
        handle: async () => {
          calls++;
          if (failing) throw new Flaky('the contact amal@example.org could not be reached');
        },
      };
      const d = createDispatcher(deps(c.now), [sub], {
        backoff: { baseMs: MINUTE, maxMs: 3 * MINUTE },
      });

      expect(await d.runDue()).toMatchObject({ delivered: 0, failed: 1, dead: 0 });
      // Waits 1, then 2, then 3 (the cap) minutes; nothing runs a millisecond early.
      for (const wait of [MINUTE, 2 * MINUTE]) {
        c.advance(wait - 1);
        expect(await d.runDue()).toMatchObject({ failed: 0, dead: 0 });
        c.advance(1);
        expect(await d.runDue()).toMatchObject({ failed: 1, dead: 0 });
      }
      c.advance(3 * MINUTE - 1);
      expect((await d.runDue()).dead).toBe(0);
      c.advance(1);
      expect(await d.runDue()).toMatchObject({ failed: 0, dead: 1 });
      expect(calls).toBe(4);
      c.advance(DAY);
      await d.runDue();
      expect(calls).toBe(4);

      const dead = await listDeadDeliveries(storage.db);
      expect(dead).toEqual([
        {
          id: expect.any(String),
          eventId: event,
          eventType: 'case.assigned',
          subscriber: 'test.flaky',
          attempts: 4,
          lastError: 'FlakyError',
          occurredAt: T0,
          deadAt: T0 + 6 * MINUTE,
        },
      ]);
      const stored = JSON.stringify(
        await storage.db.selectFrom('event_deliveries').selectAll().execute(),
      );
      expect(stored).not.toContain('amal@example.org');

      // Tried again by an administrator: pending at once, with a fresh count.
      failing = false;
      expect(await retryDeadDelivery(storage.db, dead[0]!.id, c.now())).toEqual({
        subscriber: 'test.flaky',
        eventId: event,
      });
      expect(await retryDeadDelivery(storage.db, dead[0]!.id, c.now())).toBeNull();
      expect(await retryDeadDelivery(storage.db, 'no-such-delivery', c.now())).toBeNull();
      expect(await d.runDue()).toMatchObject({ delivered: 1 });
      expect(calls).toBe(5);
      expect(await listDeadDeliveries(storage.db)).toEqual([]);
    });

    it('delivers again when a dispatcher dies mid-handle and its lease runs out', async () => {
      const c = clock();
      await recordEvent(
        storage.db,
        { type: 'case.message_received', payload: { caseId: 3 } },
        c.now(),
      );
      let release!: () => void;
      const stuck = new Promise<void>((r) => (release = r));
      let firstCalls = 0;
      // The first dispatcher's handler never returns while the test runs: its process "died".
      const dying: EventSubscriber = {
        name: 'test.lease',
        events: ['case.message_received'],
        handle: async () => {
          firstCalls++;
          await stuck;
          throw new Error('too late');
        },
      };
      const { sub, seen } = recorder('test.lease', ['case.message_received']);
      const lease = 5 * MINUTE;
      const first = createDispatcher(deps(c.now), [dying], { worker: 'dies', leaseMs: lease });
      const second = createDispatcher(deps(c.now), [sub], { worker: 'lives', leaseMs: lease });

      const hung = first.runOnce();
      while (firstCalls === 0) await new Promise((r) => setImmediate(r));
      // Held: nobody else takes it while the lease runs.
      c.advance(lease - 1);
      expect(await second.runDue()).toMatchObject({ delivered: 0 });
      c.advance(2);
      expect(await second.runDue()).toMatchObject({ delivered: 1 });
      expect(seen).toHaveLength(1);

      // The first one's late outcome changes nothing: the claim is no longer its own.
      release();
      await hung;
      const [row] = await storage.db.selectFrom('event_deliveries').selectAll().execute();
      expect(row).toMatchObject({ state: 'done', attempts: 2, locked_by: null, last_error: null });
    });

    it('dead-letters a delivery whose last allowed attempt never ended, without running it again', async () => {
      const c = clock();
      await recordEvent(
        storage.db,
        { type: 'case.status_changed', payload: { caseId: 4, from: 'new', to: 'open' } },
        c.now(),
      );
      let calls = 0;
      const hangs: EventSubscriber = {
        name: 'test.poison',
        events: ['case.status_changed'],
        maxAttempts: 1,
        handle: () => {
          calls++;
          return new Promise<void>(() => undefined);
        },
      };
      void createDispatcher(deps(c.now), [hangs], { leaseMs: MINUTE }).runOnce();
      while (calls === 0) await new Promise((r) => setImmediate(r));
      c.advance(MINUTE + 1);
      expect(
        await createDispatcher(deps(c.now), [hangs], { leaseMs: MINUTE }).runDue(),
      ).toMatchObject({ dead: 1 });
      expect(calls).toBe(1);
      expect((await listDeadDeliveries(storage.db)).map((d) => d.lastError)).toEqual([
        LEASE_EXPIRED,
      ]);
    });

    it('purges delivered events after the retention window, keeping dead letters longer', async () => {
      const c = clock();
      await recordEvent(storage.db, { type: 'case.created', payload: { caseId: 1 } }, c.now());
      await recordEvent(storage.db, { type: 'case.replied', payload: { caseId: 1 } }, c.now());
      await recordEvent(storage.db, { type: 'case.closed', payload: { caseId: 1 } }, c.now());
      const ok = recorder('test.ok', ['case.created']);
      const bad: EventSubscriber = {
        name: 'test.bad',
        events: ['case.replied'],
        maxAttempts: 1,
        handle: async () => {
          throw new Flaky();
        },
      };
      const d = createDispatcher(deps(c.now), [ok.sub, bad], {
        keepDoneMs: DAY,
        keepDeadMs: 3 * DAY,
      });
      expect(await d.runDue()).toMatchObject({ fannedOut: 3, delivered: 1, dead: 1 });
      const count = async () => ({
        events: (await storage.db.selectFrom('outbox_events').select('id').execute()).length,
        deliveries: (await storage.db.selectFrom('event_deliveries').select('state').execute())
          .map((r) => r.state)
          .sort(),
      });
      c.advance(DAY - 1);
      expect(await d.purge()).toBe(0);
      c.advance(2);
      // The delivered event and the event nobody wanted go; the dead letter and its event stay.
      expect(await d.purge()).toBe(3);
      expect(await count()).toEqual({ events: 1, deliveries: ['dead'] });
      c.advance(2 * DAY);
      expect(await d.purge()).toBe(2);
      expect(await count()).toEqual({ events: 0, deliveries: [] });
    });

    it('refuses an event type that does not name its module', async () => {
      await expect(recordEvent(storage.db, { type: 'Created', payload: {} }, T0)).rejects.toThrow(
        /module/,
      );
      expect(await storage.db.selectFrom('outbox_events').select('id').execute()).toEqual([]);
    });
  });
}
