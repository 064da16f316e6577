import type { CompiledQuery, Kysely, KyselyPlugin } from 'kysely';

/**
 * A Kysely plugin that keeps every statement a query builder runs, compiled, for a test to read
 * its SQL or ask the engine for its plan: `db.withPlugin(capture)` runs as `db` does.
 */
export function capturing<DB>(db: Kysely<DB>): { statements: CompiledQuery[]; capture: KyselyPlugin } {
  const statements: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery(args) {
      statements.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { statements, capture };
}
