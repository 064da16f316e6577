import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from '../src/platform/storage/schema.js';

/**
 * Crash points: a process killed at any instant, simulated in-process and deterministically.
 * `crashAt(db, k)` wraps a database so that its k-th statement, and every statement after it,
 * fails with SimulatedCrash before reaching the engine, as if the process had died just then:
 * nothing the code does afterwards (a catch that gives a token back, a second write) reaches
 * the database, and a transaction left open is rolled back, as the engine does for a dead
 * connection. `everyCrashPoint` runs one user action with a crash at each of its statements in
 * turn, so a test can check after each one that the action happened wholly or not at all, and
 * that the person can simply try again.
 */
export class SimulatedCrash extends Error {
  constructor(readonly statement: number) {
    super(`simulated crash at statement ${statement}`);
    this.name = 'SimulatedCrash';
  }
}

class CrashPlugin implements KyselyPlugin {
  count = 0;
  crashed = false;
  constructor(private readonly at: number) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    if (this.crashed || this.count === this.at) {
      this.crashed = true;
      throw new SimulatedCrash(this.at);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** `db` with a crash at its `k`-th statement (1-based). */
export function crashAt(db: Kysely<Database>, k: number): { db: Kysely<Database>; crashed: () => boolean; statements: () => number } {
  const plugin = new CrashPlugin(k);
  return { db: db.withPlugin(plugin), crashed: () => plugin.crashed, statements: () => plugin.count };
}

/**
 * Runs `action` with a crash at statement 1, 2, 3… until it runs to its end without reaching
 * the crash; after each crashed run, `after(k)` checks the state and tries again. Returns how
 * many crash points were tried. An action that throws anything other than the simulated crash
 * fails the test.
 */
export async function everyCrashPoint(
  db: Kysely<Database>,
  action: (db: Kysely<Database>, k: number) => Promise<unknown>,
  after: (k: number) => Promise<void>,
  maxStatements = 200,
): Promise<number> {
  for (let k = 1; k <= maxStatements; k++) {
    const c = crashAt(db, k);
    try {
      await action(c.db, k);
    } catch (e) {
      if (!(e instanceof SimulatedCrash) && !c.crashed()) throw e;
      await after(k);
      continue;
    }
    if (!c.crashed()) return k - 1;
    // The action swallowed the crash somewhere and went on: still a crash at k; check it too.
    await after(k);
  }
  throw new Error(`the action ran more than ${maxStatements} statements`);
}
