import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

// Group commit (ADR 22): many small write transactions that arrive together share one
// transaction and so one durable commit (one fsync on SQLite, one WAL flush on PostgreSQL).
// Each piece of work runs inside its own savepoint, so one that fails is rolled back alone and
// the others go on; every caller is answered only once the transaction that holds its work
// has committed. When the shared transaction itself fails (its begin or commit, its opening
// or closing step, a deadlock), each piece of work is run again alone, in a transaction of
// its own, and answered from that.

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

export interface CommitGroupOptions<B> {
  /**
   * Runs first in every shared transaction; what it returns is handed to each piece of work
   * of that transaction (e.g. a budget read once for all of them).
   */
  open: (trx: Trx) => Promise<B>;
  /** Runs last in every shared transaction, after the work and before the commit. */
  close?: (trx: Trx, batch: B) => Promise<void>;
  /**
   * Runs once the transaction has ended, with whether it committed (also after a failure of
   * `open` or `close`, when `open` had returned): what the process keeps about work in flight.
   */
  settle?: (batch: B, committed: boolean) => void;
  /** Most pieces of work in one transaction (default 100). */
  maxBatch?: number;
  /**
   * Shared transactions in flight at once (default 1). SQLite has one connection and one
   * writer, so 1; PostgreSQL can overlap a few, each on its own pooled connection.
   */
  concurrency?: number;
}

/** A piece of work: runs in the shared transaction, inside its own savepoint. */
export type GroupWork<B, T> = (trx: Trx, batch: B) => Promise<T>;

interface Pending<B> {
  work: GroupWork<B, unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const SAVEPOINT = sql.raw('haven_group_item');

export class CommitGroup<B> {
  private readonly queue: Pending<B>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /** Shared transactions committed, and pieces of work they held (for tests and benchmarks). */
  readonly stats = { transactions: 0, items: 0, largest: 0, fallbacks: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: CommitGroupOptions<B>,
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.concurrency = options.concurrency ?? 1;
  }

  /**
   * Runs `work` in the next shared transaction and resolves with its result once that
   * transaction has committed; rejects with its own error (nothing of it saved) otherwise.
   * Work arriving while a transaction is in flight waits for the next one; a lone caller
   * waits only for the event loop's current turn to end, never for a timer.
   */
  run<T>(work: GroupWork<B, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next transaction after the event loop has taken in every request that is ready
   * (setImmediate runs after the loop's poll for input). Started at once instead, a transaction
   * on SQLite, whose statements and commit run synchronously, would run to its end before the
   * next request was even read, and every transaction would hold one piece of work.
   */
  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.runBatch(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async runBatch(batch: Pending<B>[]): Promise<void> {
    // Alone, a piece of work needs no savepoint: its transaction is its own.
    if (batch.length === 1) return this.runAlone(batch[0]!);
    let outcomes: Outcome[];
    let state: { value: B } | undefined;
    try {
      outcomes = await this.db.transaction().execute(async (trx) => {
        state = { value: await this.options.open(trx) };
        const done: Outcome[] = [];
        for (const item of batch) done.push(await this.inSavepoint(trx, state.value, item.work));
        await this.options.close?.(trx, state.value);
        return done;
      });
    } catch {
      if (state) this.options.settle?.(state.value, false);
      // The shared transaction failed as a whole: nothing of it was saved. Each piece of work
      // is tried again alone, so one that cannot commit does not take the others with it.
      this.stats.fallbacks++;
      for (const item of batch) await this.runAlone(item);
      return;
    }
    if (state) this.options.settle?.(state.value, true);
    this.stats.transactions++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    // Committed: only now is anyone answered.
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.error);
    });
  }

  private async inSavepoint(trx: Trx, state: B, work: GroupWork<B, unknown>): Promise<Outcome> {
    await sql`SAVEPOINT ${SAVEPOINT}`.execute(trx);
    let value: unknown;
    try {
      value = await work(trx, state);
    } catch (error) {
      // Undone alone; if even that fails, the transaction is unusable and fails as a whole.
      await sql`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`.execute(trx);
      await sql`RELEASE SAVEPOINT ${SAVEPOINT}`.execute(trx);
      return { ok: false, error };
    }
    await sql`RELEASE SAVEPOINT ${SAVEPOINT}`.execute(trx);
    return { ok: true, value };
  }

  private async runAlone(item: Pending<B>): Promise<void> {
    let state: { value: B } | undefined;
    try {
      const value = await this.db.transaction().execute(async (trx) => {
        state = { value: await this.options.open(trx) };
        const v = await item.work(trx, state.value);
        await this.options.close?.(trx, state.value);
        return v;
      });
      if (state) this.options.settle?.(state.value, true);
      this.stats.transactions++;
      this.stats.items++;
      this.stats.largest = Math.max(this.stats.largest, 1);
      item.resolve(value);
    } catch (error) {
      if (state) this.options.settle?.(state.value, false);
      item.reject(error);
    }
  }
}
