import type { Kysely } from 'kysely';

// Each person's time zone (issue 10): users.time_zone, an IANA name such as 'Asia/Kolkata',
// in which their staff pages show every moment (ADR 28). Every existing person, and anyone
// added without one, starts in 'UTC', which is how staff pages showed times before.
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
}
