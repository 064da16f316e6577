import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

// Group commit (ADR 22): many small write transactions that arrive together share one
// transaction and so one durable commit (one fsync on SQLite, one WAL flush on PostgreSQL), and
// their statements: the group hands the batch's items to one function, which writes them with
// a few statements for all (multi-row inserts) rather than a few each. Every caller is
// answered only once the transaction that holds its item has committed. When the shared
// transaction fails (any of its statements, its begin or commit, its opening or closing step,
// a deadlock), nothing of it was saved, and each item is run again alone, in a transaction of
// its own, and answered from that: one item that cannot be saved fails alone.

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

export interface CommitGroupOptions<B, I, O> {
  /**
   * Runs first in every shared transaction; what it returns is handed to the work of that
   * transaction (e.g. a budget read once for all of its items).
   */
  open: (trx: Trx) => Promise<B>;
  /**
   * Does the work of a batch of items in the shared transaction and returns one result per
   * item, in their order. It may run again for some of them (alone, after a rollback), so it
   * keeps nothing outside the transaction but through `batch` and `settle`.
   */
  work: (trx: Trx, batch: B, items: I[]) => Promise<O[]>;
  /** Runs last in every shared transaction, after the work and before the commit. */
  close?: (trx: Trx, batch: B) => Promise<void>;
  /**
   * Runs once the transaction has ended, with whether it committed (also after a failure of
   * the work or `close`, when `open` had returned): what the process keeps about work in flight.
   */
  settle?: (batch: B, committed: boolean) => void;
  /** Most items in one transaction (default 100). */
  maxBatch?: number;
  /**
   * Shared transactions in flight at once (default 1). SQLite has one connection and one
   * writer, so 1; PostgreSQL can overlap a few, each on its own pooled connection.
   */
  concurrency?: number;
}

interface Pending<I> {
  item: I;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class CommitGroup<B, I, O> {
  private readonly queue: Pending<I>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /**
   * Shared transactions committed, the items they held and the largest batch; batches that
   * failed and ran item by item (`fallbacks`). For tests and benchmarks.
   */
  readonly stats = { transactions: 0, items: 0, largest: 0, fallbacks: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: CommitGroupOptions<B, I, O>,
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.concurrency = options.concurrency ?? 1;
  }

  /**
   * Saves `item` in the next shared transaction and resolves with its result once that
   * transaction has committed; rejects with the error of its own transaction (nothing of it
   * saved) otherwise. Items arriving while a transaction is in flight wait for the next one;
   * a lone caller waits only for the event loop's current turn to end, never for a timer.
   */
  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next transaction after the event loop has taken in every request that is ready
   * (setImmediate runs after the loop's poll for input). Started at once instead, a transaction
   * on SQLite, whose statements and commit run synchronously, would run to its end before the
   * next request was even read, and every transaction would hold one item.
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

  private async runBatch(batch: Pending<I>[]): Promise<void> {
    const done = await this.transaction(batch);
    if (done.ok) {
      // Committed: only now is anyone answered.
      batch.forEach((p, i) => p.resolve(done.results[i]));
      return;
    }
    if (batch.length === 1) {
      batch[0]!.reject(done.error);
      return;
    }
    // Nothing of the shared transaction was saved. Each item is tried again alone, so one that
    // cannot be saved does not take the others with it.
    this.stats.fallbacks++;
    for (const p of batch) await this.runBatch([p]);
  }

  private async transaction(
    batch: Pending<I>[],
  ): Promise<{ ok: true; results: O[] } | { ok: false; error: unknown }> {
    let state: { value: B } | undefined;
    try {
      const results = await this.db.transaction().execute(async (trx) => {
        state = { value: await this.options.open(trx) };
        const out = await this.options.work(
          trx,
          state.value,
          batch.map((p) => p.item),
        );
        if (out.length !== batch.length) throw new Error('the work must answer every item');
        await this.options.close?.(trx, state.value);
        return out;
      });
      if (state) this.options.settle?.(state.value, true);
      this.stats.transactions++;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      return { ok: true, results };
    } catch (error) {
      if (state) this.options.settle?.(state.value, false);
      return { ok: false, error };
    }
  }
}
