import type { Db } from './case.repo.js';

// The only SQL for saved_views: a person's saved views of the queue.

/** A person's saved views, by name. */
export async function listSavedViews(db: Db, userId: string) {
  return db
    .selectFrom('saved_views')
    .select(['id', 'name', 'query'])
    .where('user_id', '=', userId)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** How many views a person keeps. */
export async function countSavedViews(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('saved_views')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the person already has a view of that name. */
export async function hasSavedViewNamed(db: Db, userId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('saved_views')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSavedView(
  db: Db,
  row: { id: string; user_id: string; name: string; query: string; created_at: number },
): Promise<void> {
  await db.insertInto('saved_views').values(row).execute();
}

/** Deletes one of the person's views; the name it had, or null when they have none with that id. */
export async function deleteSavedView(db: Db, userId: string, id: string): Promise<string | null> {
  const row = await db
    .deleteFrom('saved_views')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('name')
    .executeTakeFirst();
  return row?.name ?? null;
}
