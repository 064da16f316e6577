import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

// Counters per name and minute, in the database (`rate_counts`), so every process and every
// restart shares them: the intake budget, failed sign-ins across all accounts. They hold
// counts only, never anything about who or what was counted.

type Db = Kysely<Database>;

export const MINUTE_MS = 60_000;

/** The start of the minute `now` falls in. */
export function minuteOf(now: number): number {
  return now - (now % MINUTE_MS);
}

/** Adds `delta` to the counter `name` for the minute `now` falls in. */
export async function addCount(db: Db, name: string, now: number, delta = 1): Promise<void> {
  await db
    .insertInto('rate_counts')
    .values({ name, minute: minuteOf(now), count: delta })
    .onConflict((oc) =>
      oc.columns(['name', 'minute']).doUpdateSet((eb) => ({ count: eb('rate_counts.count', '+', delta) })),
    )
    .execute();
}

/** The sum of `name`'s counters from the minute that holds `since` on. */
export async function countSince(db: Db, name: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('rate_counts')
    .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
    .where('name', '=', name)
    .where('minute', '>=', minuteOf(since))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Forgets `name`'s counters for minutes that started before `before`. */
export async function purgeCounts(db: Db, name: string, before: number): Promise<void> {
  await db.deleteFrom('rate_counts').where('name', '=', name).where('minute', '<', before).execute();
}
